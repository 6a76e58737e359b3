import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { percentile, summarizeLatencies } from "./percentile.ts";

Deno.test("percentile() takes the nearest rank", () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted order
  assertEquals(percentile(values, 50), 50);
  assertEquals(percentile(values, 99), 99);
  assertEquals(percentile(values, 100), 100);
  assertEquals(percentile([7], 99), 7);
  assertEquals(Number.isNaN(percentile([], 50)), true);
});

Deno.test("summarizeLatencies() reports count, p50, p99 and max", () => {
  assertEquals(summarizeLatencies([3, 1, 2, 10]), { count: 4, p50Ms: 2, p99Ms: 10, maxMs: 10 });
});
