import assert from "node:assert/strict";
import * as v from "valibot";
import { stringMap } from "./string_map.ts";

Deno.test("stringMap() keeps __proto__, constructor and prototype as own keys, off the prototype", () => {
  const parsed = v.parse(
    stringMap(),
    JSON.parse('{"__proto__":"a","constructor":"b","prototype":"c"}'),
  );
  assert.deepStrictEqual(Object.keys(parsed), ["__proto__", "constructor", "prototype"]);
  assert.deepStrictEqual(Object.values(parsed), ["a", "b", "c"]);
  assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("stringMap() reports a value that is not a string at its key, and a non-object as a whole", () => {
  const schema = v.object({ labels: stringMap() });
  const issues = (input: unknown) => {
    const result = v.safeParse(schema, input);
    return result.success ? [] : result.issues.map((i) => `${v.getDotPath(i)}: ${i.message}`);
  };
  assert.deepStrictEqual(issues({ labels: { weight: 50, ok: "x", on: true } }), [
    "labels.weight: Invalid type: Expected string but received 50",
    "labels.on: Invalid type: Expected string but received true",
  ]);
  assert.deepStrictEqual(issues({ labels: ["a"] }), [
    "labels: Invalid type: Expected Object but received Array",
  ]);
  assert.deepStrictEqual(issues({ labels: { a: "b" } }), []);
});
