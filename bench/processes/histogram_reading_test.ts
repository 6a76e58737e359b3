import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { parseExposition } from "../../tests/metrics/parse_exposition.ts";
import { histogramDelta, quantileUpperBound, readHistogram } from "./histogram_reading.ts";

const page = (b1: number, b2: number, inf: number, sum: number) =>
  [
    "# TYPE lat histogram",
    `lat_bucket{le="0.25"} ${b1}`,
    `lat_bucket{le="1"} ${b2}`,
    `lat_bucket{le="+Inf"} ${inf}`,
    `lat_sum ${sum}`,
    `lat_count ${inf}`,
    "# TYPE other counter",
    "other 3",
    "",
  ].join("\n");

Deno.test("readHistogram() reads buckets, count and sum; null when absent", () => {
  const families = parseExposition(page(2, 3, 4, 2.5));
  assertEquals(readHistogram(families, "lat"), {
    buckets: [{ le: 0.25, count: 2 }, { le: 1, count: 3 }, { le: Infinity, count: 4 }],
    count: 4,
    sum: 2.5,
  });
  assertEquals(readHistogram(families, "other"), null);
  assertEquals(readHistogram(families, "missing"), null);
});

Deno.test("histogramDelta() and quantileUpperBound() cover one phase only", () => {
  const before = readHistogram(parseExposition(page(2, 3, 4, 2.5)), "lat")!;
  const after = readHistogram(parseExposition(page(12, 13, 15, 8)), "lat")!;
  const delta = histogramDelta(after, before);
  assertEquals(delta.count, 11);
  assertEquals(delta.sum, 5.5);
  assertEquals(quantileUpperBound(delta, 0.5), 0.25);
  assertEquals(quantileUpperBound(delta, 0.95), Infinity);
  assertEquals(quantileUpperBound(histogramDelta(before, before), 0.5), NaN);
  assertEquals(histogramDelta(after, null).count, 15);
});
