import assert from "node:assert/strict";
import { LabelInterner } from "./label_interner.ts";

Deno.test("LabelInterner shares one frozen object per distinct label set, key order aside", () => {
  const interner = new LabelInterner();
  const a = interner.intern({ app: "web", version: "v1", "pod-template-hash": "7d9f8c" });
  const b = interner.intern({ "pod-template-hash": "7d9f8c", version: "v1", app: "web" });
  const c = interner.intern({ app: "web", version: "v2", "pod-template-hash": "7d9f8c" });
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.ok(Object.isFrozen(a));
  assert.deepStrictEqual(a, { app: "web", "pod-template-hash": "7d9f8c", version: "v1" });
  assert.equal(interner.size, 2);
  assert.equal(interner.intern({}), interner.intern({}));
  // A value that differs only in what JSON would merge stays apart.
  assert.notEqual(interner.intern({ a: "b,c" }), interner.intern({ "a,b": "c" }));
});
