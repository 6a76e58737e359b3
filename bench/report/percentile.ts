/**
 * Percentiles of measured latencies, nearest-rank, as the benchmark reports them.
 *
 * @module
 */

/** Summary of a list of latencies in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * Returns the nearest-rank percentile `p` (0 < p ≤ 100) of `values`; NaN for an empty list.
 *
 * @example
 * ```ts
 * import { percentile } from "./percentile.ts";
 * if (percentile([5, 1, 4, 2, 3], 50) !== 3) throw new Error("p50");
 * if (percentile([5, 1, 4, 2, 3], 100) !== 5) throw new Error("p100");
 * ```
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Returns count, p50, p99 and max of `values` (milliseconds). */
export function summarizeLatencies(values: readonly number[]): LatencySummary {
  return {
    count: values.length,
    p50Ms: percentile(values, 50),
    p99Ms: percentile(values, 99),
    maxMs: values.length === 0 ? NaN : Math.max(...values),
  };
}
