/**
 * The load a naive syncer would put on Polaris for the same work, computed from the benchmark's
 * own counts: one list and one write per Service per event, per cluster (no batching, no
 * coalescing, no debounce), and a full resync every 30 s that lists and writes every Service.
 * Printed beside our measured figures so the gap is visible.
 *
 * @module
 */

/** Period of the naive syncer's full resync. */
export const NAIVE_RESYNC_SECONDS = 30;

/** Requests of the naive syncer for one phase. */
export interface NaiveLoad {
  readonly events: number;
  readonly reads: number;
  readonly writes: number;
}

/**
 * Returns the naive load of `events` Service events: one list and one write each.
 *
 * @example
 * ```ts
 * import { naiveForEvents } from "./naive_model.ts";
 * const load = naiveForEvents(300);
 * if (load.reads !== 300 || load.writes !== 300) throw new Error("naive");
 * ```
 */
export function naiveForEvents(events: number): NaiveLoad {
  return { events, reads: events, writes: events };
}

/**
 * Returns the naive load of a first list (or a restart): every Service of every cluster arrives
 * as two events (the Service, then its endpoints), each handled on its own.
 */
export function naiveForFullList(services: number, clusters: number): NaiveLoad {
  return naiveForEvents(2 * services * clusters);
}

/** Returns the naive load of one hour at rest: a full resync every 30 s, per cluster. */
export function naiveIdlePerHour(services: number, clusters: number): NaiveLoad {
  const resyncs = 3600 / NAIVE_RESYNC_SECONDS;
  return naiveForEvents(resyncs * services * clusters);
}

/** Returns our load for one hour at rest: `resyncsPerHour` idle resyncs as measured. */
export function oursIdlePerHour(
  measured: { readonly reads: number; readonly writes: number },
  resyncPeriodSeconds: number,
): { readonly reads: number; readonly writes: number } {
  const resyncs = 3600 / resyncPeriodSeconds;
  return { reads: measured.reads * resyncs, writes: measured.writes * resyncs };
}
