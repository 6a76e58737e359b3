import assert from "node:assert/strict";
import { batchWriteCode, collectCode, httpStatusOf } from "./codes.ts";

Deno.test("httpStatusOf() divides the code by 1000", () => {
  assert.equal(httpStatusOf(200000), 200);
  assert.equal(httpStatusOf(400201), 400);
  assert.equal(httpStatusOf(401001), 401);
  assert.equal(httpStatusOf(403003), 403);
  assert.equal(httpStatusOf(500000), 500);
});

Deno.test("batchWriteCode() follows FormatBatchWriteResponse", () => {
  const rows: Array<{ name: string; codes: number[]; expect: number }> = [
    { name: "all success", codes: [200000, 200000], expect: 200000 },
    { name: "all the same failure", codes: [400201, 400201], expect: 400201 },
    { name: "all no-change", codes: [200002, 200002], expect: 200002 },
    { name: "success and failure", codes: [200000, 400120], expect: 400000 },
    { name: "two different 4xx", codes: [400120, 400132], expect: 400000 },
    { name: "any 5xx among differing", codes: [200000, 400120, 500000], expect: 500000 },
    { name: "success and no-change", codes: [200000, 200002], expect: 200000 },
  ];
  for (const row of rows) assert.equal(batchWriteCode(row.codes), row.expect, row.name);
});

Deno.test("collectCode() keeps the highest failing code", () => {
  assert.equal(collectCode([200000, 400201]), 400201);
  assert.equal(collectCode([400120, 400132]), 400132);
  assert.equal(collectCode([200000, 200002]), 200000);
  assert.equal(collectCode([]), 200000);
});
