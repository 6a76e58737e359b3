/**
 * Nearest-rank percentiles of convergence times.
 *
 * @module
 */

/**
 * Returns the nearest-rank `p`-th percentile (0 < p ≤ 100) of `values`, or null for none.
 *
 * @example
 * ```ts
 * import { percentile } from "./percentile.ts";
 * if (percentile([5, 1, 3], 50) !== 3) throw new Error("unexpected");
 * ```
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}
