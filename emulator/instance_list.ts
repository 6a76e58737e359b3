/**
 * `GET /naming/v1/instances` and `/instances/count` (reference §5): allowed keys, 400104 on an
 * empty query, paired metadata `keys`/`values`, wildcards on service/namespace/id, host lists,
 * newest first then id descending, hidden metadata keys stripped from the output only.
 *
 * Speed (docs/BENCHMARKS.md, finding 6): an exact namespace reads the store's namespace index, and
 * the sorted matches of the last few queries are kept while the store's revision holds, so paging
 * through one query filters and sorts once. Answers are the same as without either: the order is
 * total (`seq`, then the unique id), so it does not depend on which index fed the sort.
 *
 * @module
 */

import { Code } from "./codes.ts";
import { batchQueryBody, type JsonObject, renderInstance } from "./render.ts";
import { type InstanceRecord, nameKey, type PolarisStore } from "./store.ts";
import { QueryCache } from "./query_cache.ts";
import {
  byMtimeThenIdDesc,
  checkKeys,
  isWild,
  page,
  pairLists,
  parseGoBool,
  parseUint,
  type Query,
  readPaging,
  wildMatch,
} from "./list_query.ts";

/** Query keys the instance list accepts (`paramcheck/instance.go`). */
export const INSTANCE_QUERY_KEYS: ReadonlySet<string> = new Set([
  "id",
  "service",
  "namespace",
  "host",
  "port",
  "keys",
  "values",
  "protocol",
  "version",
  "health_status",
  "healthy",
  "isolate",
  "weight",
  "logic_set",
  "cmdb_region",
  "cmdb_zone",
  "cmdb_idc",
  "priority",
  "offset",
  "limit",
]);

type Predicate = (r: InstanceRecord) => boolean;

function wildPredicate(
  pattern: string | undefined,
  pick: (r: InstanceRecord) => string,
): Predicate | undefined {
  return pattern === undefined ? undefined : (r) => wildMatch(pattern, pick(r));
}

/** Builds the filter of a validated query; unparsable port/weight/bool values are dropped. */
function predicates(query: Query, meta: ReadonlyArray<readonly [string, string]>): Predicate[] {
  const out: Array<Predicate | undefined> = [
    wildPredicate(query.get("service"), (r) => r.service),
    wildPredicate(query.get("namespace"), (r) => r.namespace),
    wildPredicate(query.get("id"), (r) => r.id),
  ];
  const host = query.get("host");
  if (host !== undefined) {
    const hosts = new Set(host.split(","));
    out.push((r) => hosts.has(r.host));
  }
  const exact = (key: string, pick: (r: InstanceRecord) => string) => {
    const v = query.get(key);
    if (v !== undefined) out.push((r) => pick(r) === v);
  };
  exact("protocol", (r) => r.protocol);
  exact("version", (r) => r.version);
  exact("cmdb_region", (r) => r.location.region);
  exact("cmdb_zone", (r) => r.location.zone);
  exact("cmdb_idc", (r) => r.location.campus);
  const numeric = (key: string, pick: (r: InstanceRecord) => number) => {
    const raw = query.get(key);
    const v = raw === undefined ? undefined : parseUint(raw);
    if (v !== undefined) out.push((r) => pick(r) === v);
  };
  numeric("port", (r) => r.port);
  numeric("weight", (r) => r.weight);
  const flag = (key: string, pick: (r: InstanceRecord) => boolean) => {
    const raw = query.get(key);
    const v = raw === undefined ? undefined : parseGoBool(raw);
    if (v !== undefined) out.push((r) => pick(r) === v);
  };
  flag("healthy", (r) => r.healthy);
  flag("health_status", (r) => r.healthy);
  flag("isolate", (r) => r.isolate);
  if (meta.length > 0) {
    out.push((r) => meta.every(([k, v]) => Object.hasOwn(r.metadata, k) && r.metadata[k] === v));
  }
  return out.filter((p) => p !== undefined);
}

/** Which stored instances a query can match: the narrowest index its exact names allow. */
function candidates(
  store: PolarisStore,
  query: Query,
): {
  readonly index: "service" | "namespace" | "none";
  readonly records: Iterable<InstanceRecord>;
} {
  const namespace = query.get("namespace");
  const service = query.get("service");
  if (namespace === undefined || isWild(namespace)) {
    return { index: "none", records: store.instances.values() };
  }
  if (service !== undefined && !isWild(service)) {
    return { index: "service", records: store.instancesOf(namespace, service) };
  }
  return { index: "namespace", records: store.instancesIn(namespace) };
}

/**
 * How many distinct queries keep their sorted matches. Each holds one reference per match, so the
 * worst case is this many times the instance count; in practice one owned-instances query per
 * cluster and a few namespace queries (a namespace's instances each). Sixteen covers three
 * controllers paging four namespaces and their owned instances at once without evicting a query
 * between two of its pages.
 */
const CACHED_QUERIES = 16;

/**
 * Sorted matches per store. Keyed by the store object, so a cache goes when its store goes; a
 * route runs as `(store, query)` and has nowhere else to keep it.
 */
const recentMatches = new WeakMap<PolarisStore, QueryCache<readonly InstanceRecord[]>>();

/** The query without its paging, in a canonical order: pages of one query share it. */
function matchKey(query: Query): string {
  const filters = [...query].filter(([key]) => key !== "offset" && key !== "limit");
  return JSON.stringify(filters.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
}

/** Returns every instance matching a validated query, newest first then id descending. */
function sortedMatches(
  store: PolarisStore,
  query: Query,
  meta: ReadonlyArray<readonly [string, string]>,
): readonly InstanceRecord[] {
  let cache = recentMatches.get(store);
  if (cache === undefined) recentMatches.set(store, cache = new QueryCache(CACHED_QUERIES));
  const key = matchKey(query);
  const kept = cache.get(key, store.revision);
  if (kept !== undefined) return kept;
  const filters = predicates(query, meta);
  const { index, records } = candidates(store, query);
  const matches: InstanceRecord[] = [];
  for (const r of records) if (filters.every((p) => p(r))) matches.push(r);
  matches.sort(byMtimeThenIdDesc);
  // One service's instances are cheap to list again, and one such query per Service (thousands)
  // would push out the namespace-wide and owned-instances queries that are worth keeping.
  if (index !== "service") cache.set(key, store.revision, matches);
  return matches;
}

/** Answers an instance list query with a `BatchQueryResponse` (or its error code). */
export function listInstances(store: PolarisStore, query: Query): JsonObject {
  if (query.size === 0) return batchQueryBody(Code.EmptyQueryParameter);
  const keysOk = checkKeys(query, INSTANCE_QUERY_KEYS);
  if (keysOk !== Code.ExecuteSuccess) return batchQueryBody(keysOk);
  const meta = pairLists(query.get("keys"), query.get("values"));
  if (meta === undefined) return batchQueryBody(Code.InvalidQueryInsParameter);
  const paging = readPaging(query);
  if ("code" in paging) return batchQueryBody(paging.code);
  const matches = sortedMatches(store, query, meta);
  const instances = page(matches, paging).map((r) =>
    renderInstance(r, {
      stripHidden: true,
      serviceToken: store.services.get(nameKey(r.namespace, r.service))?.token ?? "",
    })
  );
  return batchQueryBody(Code.ExecuteSuccess, { amount: matches.length, instances });
}

/** Answers `GET /instances/count`: `amount` is the number of stored instances. */
export function countInstances(store: PolarisStore): JsonObject {
  return { ...batchQueryBody(Code.ExecuteSuccess), amount: store.instances.size };
}
