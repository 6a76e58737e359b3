/**
 * Sorts the emulator's request counters (`"METHOD /path"`) into the kinds the benchmark reports,
 * and computes the lower bound of write requests: `ceil(items / 100)` per batched kind (Polaris
 * takes at most 100 items per request), one request per alias (the alias endpoints take one).
 *
 * @module
 */

/** Request counts by kind. */
export interface RequestKinds {
  readonly namespaceWrites: number;
  readonly serviceWrites: number;
  readonly aliasWrites: number;
  readonly instanceCreates: number;
  readonly instanceUpdates: number;
  readonly instanceDeletes: number;
  readonly instanceReads: number;
  readonly aliasReads: number;
  readonly otherReads: number;
  readonly writes: number;
  readonly reads: number;
  /** Requests the benchmark itself sent (instance counts), left out of every figure above. */
  readonly benchmark: number;
}

/** Paths the benchmark itself reads; never sent by the controller. */
const BENCHMARK_KEYS: ReadonlySet<string> = new Set(["GET /naming/v1/instances/count"]);

/** Returns the counters sorted into kinds; unknown write paths count as writes of no kind. */
export function classifyRequests(counters: Readonly<Record<string, number>>): RequestKinds {
  const n = (key: string) => counters[key] ?? 0;
  let writes = 0;
  let reads = 0;
  let benchmark = 0;
  for (const [key, count] of Object.entries(counters)) {
    if (BENCHMARK_KEYS.has(key)) benchmark += count;
    else if (key.startsWith("GET ")) reads += count;
    else writes += count;
  }
  const instanceReads = n("GET /naming/v1/instances");
  const aliasReads = n("GET /naming/v1/service/aliases");
  return {
    namespaceWrites: n("POST /naming/v1/namespaces"),
    serviceWrites: n("POST /naming/v1/services"),
    aliasWrites: n("POST /naming/v1/service/alias") + n("PUT /naming/v1/service/alias") +
      n("POST /naming/v1/service/aliases/delete"),
    instanceCreates: n("POST /naming/v1/instances"),
    instanceUpdates: n("PUT /naming/v1/instances"),
    instanceDeletes: n("POST /naming/v1/instances/delete"),
    instanceReads,
    aliasReads,
    otherReads: reads - instanceReads - aliasReads,
    writes,
    reads,
    benchmark,
  };
}

/** Items that had to be written, by kind. */
export interface WriteItems {
  readonly namespaces: number;
  readonly services: number;
  readonly aliases: number;
  readonly instanceCreates: number;
  readonly instanceUpdates: number;
  readonly instanceDeletes: number;
}

/** The fewest write requests that can carry `items`, per kind and in total. */
export interface WriteLowerBound extends WriteItems {
  readonly total: number;
}

/** Polaris' per-request item limit for batch writes. */
export const POLARIS_BATCH_LIMIT = 100;

/**
 * Returns the lower bound of write requests for `items`: `ceil(items / 100)` per batched kind,
 * one request per alias.
 *
 * @example
 * ```ts
 * import { writeLowerBound } from "./request_kinds.ts";
 * const bound = writeLowerBound({
 *   namespaces: 10, services: 1000, aliases: 2,
 *   instanceCreates: 10_000, instanceUpdates: 0, instanceDeletes: 0,
 * });
 * if (bound.total !== 1 + 10 + 2 + 100) throw new Error(String(bound.total));
 * ```
 */
export function writeLowerBound(items: WriteItems): WriteLowerBound {
  const batches = (count: number) => Math.ceil(count / POLARIS_BATCH_LIMIT);
  const bound = {
    namespaces: batches(items.namespaces),
    services: batches(items.services),
    aliases: items.aliases,
    instanceCreates: batches(items.instanceCreates),
    instanceUpdates: batches(items.instanceUpdates),
    instanceDeletes: batches(items.instanceDeletes),
  };
  const total = Object.values(bound).reduce((sum, v) => sum + v, 0);
  return { ...bound, total };
}

/** Subtracts counters `before` from `after` (for one phase of a run). */
export function counterDelta(
  after: Readonly<Record<string, number>>,
  before: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const delta = value - (before[key] ?? 0);
    if (delta !== 0) out[key] = delta;
  }
  return out;
}
