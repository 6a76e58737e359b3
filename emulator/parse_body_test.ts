import assert from "node:assert/strict";
import { checkBatchSize, parseArrayBody, parseObjectBody } from "./parse_body.ts";
import { INSTANCE } from "./wire_schemas.ts";

function outcome(text: string): number | "ok" {
  const parsed = parseArrayBody(text, INSTANCE);
  if (!parsed.ok) return parsed.code;
  const sized = checkBatchSize(parsed.value);
  return sized.ok ? "ok" : sized.code;
}

Deno.test("parseArrayBody() answers the codes of Handler.ParseArray", () => {
  const rows: Array<[string, string, number | "ok"]> = [
    ["empty body", "", 400001],
    ["malformed JSON", "[{", 400001],
    ["object with a key", '{"host":"h"}', 400001],
    ["scalar element", "[1]", 400001],
    ["string element", '["x"]', 400001],
    ["nested array element", "[[]]", 400001],
    ["empty array", "[]", 400002],
    ["empty object", "{}", 400002],
    ["null", "null", 400002],
    ["bare number", "5", 400002],
    ["bare string", '"x"', 400002],
    ["one item", '[{"host":"h","port":1}]', "ok"],
    ["null element", "[null]", "ok"],
    ["100 items", JSON.stringify(Array(100).fill({})), "ok"],
    ["101 items", JSON.stringify(Array(101).fill({})), 400003],
  ];
  for (const [name, text, expect] of rows) assert.equal(outcome(text), expect, name);
});

Deno.test("parseArrayBody() turns a null element into an empty item", () => {
  const parsed = parseArrayBody("[null]", INSTANCE);
  assert.deepEqual(parsed, { ok: true, value: [{}] });
});

Deno.test("parseObjectBody() rejects unknown keys and bad JSON", () => {
  assert.equal(parseObjectBody('{"nope":1}', INSTANCE).ok, false);
  assert.equal(parseObjectBody("", INSTANCE).ok, false);
  assert.deepEqual(parseObjectBody('{"host":"h"}', INSTANCE), { ok: true, value: { host: "h" } });
});
