import assert from "node:assert/strict";
import type { MissingResource } from "../domain/judge_writes.ts";
import { KnownResources } from "./known_resources.ts";
import { forgetMissing } from "./polaris_resources.ts";

const ROWS: readonly [string, readonly MissingResource[], readonly string[]][] = [
  ["nothing missing: both still known", [], ["ns:shop", "svc:shop/cart"]],
  ["the service missing: only it is forgotten", ["service"], ["ns:shop"]],
  ["the namespace missing: its service goes with it", ["namespace"], []],
  ["both missing", ["namespace", "service"], []],
];

for (const [name, missing, left] of ROWS) {
  Deno.test(`forgetMissing(): ${name}`, () => {
    const known = new KnownResources();
    for (const key of ["ns:shop", "svc:shop/cart", "svc:shop/other"]) known.add(key);
    forgetMissing({ known }, "shop", "cart", missing);
    const kept = ["ns:shop", "svc:shop/cart"].filter((key) => known.has(key));
    assert.deepStrictEqual(kept, left);
    assert.ok(known.has("svc:shop/other"), "another service of the namespace is left alone");
  });
}
