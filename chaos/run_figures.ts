/**
 * Derives a run's totals and its convergence times per kind of fault from the cycles' figures.
 * A cycle's time to converge counts for every kind of fault it contained (faults of one cycle
 * overlap, so their recoveries cannot be told apart).
 *
 * @module
 */

import type { ConvergenceByKind, CycleResult, RunTotals } from "./chaos_result.ts";
import { percentile } from "./percentile.ts";
import { FAULT_KINDS } from "./schedule.ts";

/** Sums the counts of every cycle; a cycle that did not converge counts once in `notConverged`. */
export function runTotals(cycles: readonly CycleResult[]): RunTotals {
  const sum = (pick: (c: CycleResult) => number) => cycles.reduce((n, c) => n + pick(c), 0);
  return {
    lost: sum((c) => c.counts.lost),
    leaked: sum((c) => c.counts.leaked),
    wrongful: sum((c) => c.counts.wrongful + c.wrongfulWrites),
    duplicates: sum((c) => c.counts.duplicates),
    wrongFields: sum((c) => c.counts.wrongFields),
    aliasLost: sum((c) => c.counts.aliasLost),
    aliasLeaked: sum((c) => c.counts.aliasLeaked),
    afterLease: sum((c) => c.afterLease),
    notConverged: sum((c) => (c.convergeMs === null ? 1 : 0)),
  };
}

/**
 * Returns, for start-up and for each kind of fault that ran, the p50 and max time to converge of
 * the cycles that contained it.
 *
 * @example
 * ```ts
 * import { convergenceByKind } from "./run_figures.ts";
 * const rows = convergenceByKind([], 1200);
 * if (rows[0].kind !== "start-up" || rows[0].maxMs !== 1200) throw new Error("unexpected");
 * ```
 */
export function convergenceByKind(
  cycles: readonly Pick<CycleResult, "faults" | "convergeMs">[],
  startupConvergeMs: number | null,
): ConvergenceByKind[] {
  const rows: ConvergenceByKind[] = [{
    kind: "start-up",
    cycles: 1,
    p50Ms: startupConvergeMs,
    maxMs: startupConvergeMs,
    timedOut: startupConvergeMs === null ? 1 : 0,
  }];
  for (const kind of FAULT_KINDS) {
    const with_ = cycles.filter((c) => c.faults.some((f) => f.kind === kind));
    if (with_.length === 0) continue;
    const times = with_.flatMap((c) => (c.convergeMs === null ? [] : [c.convergeMs]));
    rows.push({
      kind,
      cycles: with_.length,
      p50Ms: percentile(times, 50),
      maxMs: times.length === 0 ? null : Math.max(...times),
      timedOut: with_.length - times.length,
    });
  }
  return rows;
}

/** Counts items by a key. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}
