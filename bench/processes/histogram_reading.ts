/**
 * Reads one Prometheus histogram out of a parsed `/metrics` page, subtracts two readings (the
 * changes of one benchmark phase) and bounds a quantile by the bucket it falls in. The benchmark
 * uses it for the controller's own `polaris_sync_sync_latency_seconds`, beside its own timing.
 *
 * @module
 */

import type { ParsedFamily } from "../../tests/metrics/parse_exposition.ts";

/** One histogram without labels: cumulative bucket counts by upper bound, count and sum. */
export interface HistogramReading {
  /** Cumulative counts, ascending `le`; the last bound is `Infinity`. */
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
  readonly count: number;
  readonly sum: number;
}

/** Returns the histogram `name` from parsed families, or null when the page has none. */
export function readHistogram(
  families: readonly ParsedFamily[],
  name: string,
): HistogramReading | null {
  const family = families.find((f) => f.name === name && f.type === "histogram");
  if (!family) return null;
  const buckets: { le: number; count: number }[] = [];
  let count = 0;
  let sum = 0;
  for (const sample of family.samples) {
    if (sample.name === `${name}_bucket`) {
      const le = sample.labels.le === "+Inf" ? Infinity : Number(sample.labels.le);
      buckets.push({ le, count: sample.value });
    } else if (sample.name === `${name}_count`) count = sample.value;
    else if (sample.name === `${name}_sum`) sum = sample.value;
  }
  buckets.sort((a, b) => a.le - b.le);
  return { buckets, count, sum };
}

/** Returns `after - before`, bucket by bucket (a missing bucket in `before` counts 0). */
export function histogramDelta(
  after: HistogramReading,
  before: HistogramReading | null,
): HistogramReading {
  const old = new Map((before?.buckets ?? []).map((b) => [b.le, b.count]));
  return {
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (old.get(b.le) ?? 0) })),
    count: after.count - (before?.count ?? 0),
    sum: after.sum - (before?.sum ?? 0),
  };
}

/**
 * Returns the upper bound of the bucket that holds quantile `q` (0 < q ≤ 1): the smallest `le`
 * whose cumulative count reaches `q × count`. NaN for an empty histogram; `Infinity` when the
 * quantile lies past the last finite bucket.
 *
 * @example
 * ```ts
 * import { quantileUpperBound } from "./histogram_reading.ts";
 * const h = { count: 4, sum: 1, buckets: [{ le: 0.1, count: 2 }, { le: 1, count: 4 },
 *   { le: Infinity, count: 4 }] };
 * if (quantileUpperBound(h, 0.5) !== 0.1 || quantileUpperBound(h, 0.99) !== 1) throw new Error();
 * ```
 */
export function quantileUpperBound(histogram: HistogramReading, q: number): number {
  if (histogram.count <= 0) return NaN;
  const rank = q * histogram.count;
  for (const bucket of histogram.buckets) if (bucket.count >= rank) return bucket.le;
  return Infinity;
}
