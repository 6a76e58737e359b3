import assert from "node:assert/strict";
import { Histogram } from "./histogram.ts";

Deno.test("Histogram.collect() renders cumulative buckets ending with +Inf, then _sum and _count", () => {
  const histogram = new Histogram("latency_seconds", "", ["cluster"], [0.1, 1, 10]);
  for (const value of [0.05, 0.1, 0.5, 3, 3, 42]) histogram.observe({ cluster: "a" }, value);
  const samples = histogram.collect().map((s) => [s.name, Object.fromEntries(s.labels), s.value]);
  assert.deepEqual(samples, [
    ["latency_seconds_bucket", { cluster: "a", le: "0.1" }, 2],
    ["latency_seconds_bucket", { cluster: "a", le: "1" }, 3],
    ["latency_seconds_bucket", { cluster: "a", le: "10" }, 5],
    ["latency_seconds_bucket", { cluster: "a", le: "+Inf" }, 6],
    ["latency_seconds_sum", { cluster: "a" }, 0.05 + 0.1 + 0.5 + 3 + 3 + 42],
    ["latency_seconds_count", { cluster: "a" }, 6],
  ]);
  assert.deepEqual(histogram.get({ cluster: "a" }).count, 6);
});

Deno.test("Histogram.collect() renders empty buckets for a histogram without labels", () => {
  const histogram = new Histogram("h", "", [], [1]);
  assert.deepEqual(histogram.collect().map((s) => s.value), [0, 0, 0, 0]);
  const labelled = new Histogram("h", "", ["x"], [1]);
  assert.deepEqual(labelled.collect(), []);
  labelled.observe({ x: "1" }, 2);
  labelled.remove({ x: "1" });
  assert.deepEqual(labelled.collect(), []);
});

Deno.test("Histogram refuses unsorted buckets and NaN observations", () => {
  assert.throws(() => new Histogram("h", "", [], [1, 1]), RangeError);
  assert.throws(() => new Histogram("h", "", [], [2, 1]), RangeError);
  assert.throws(() => new Histogram("h", "", [], [1, Infinity]), RangeError);
  assert.throws(() => new Histogram("h", "", [], [1]).observe({}, NaN), RangeError);
});
