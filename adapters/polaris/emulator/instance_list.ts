/**
 * `GET /naming/v1/instances` and `/instances/count` (reference §5): allowed keys, 400104 on an
 * empty query, paired metadata `keys`/`values`, wildcards on service/namespace/id, host lists,
 * newest first then id descending, hidden metadata keys stripped from the output only.
 *
 * @module
 */

import { Code } from "./codes.ts";
import { batchQueryBody, type JsonObject, renderInstance } from "./render.ts";
import { type InstanceRecord, nameKey, type PolarisStore } from "./store.ts";
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

function candidates(store: PolarisStore, query: Query): Iterable<InstanceRecord> {
  const namespace = query.get("namespace");
  const service = query.get("service");
  if (namespace !== undefined && service !== undefined && !isWild(namespace) && !isWild(service)) {
    return store.instancesOf(namespace, service);
  }
  return store.instances.values();
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
  const filters = predicates(query, meta);
  const matches: InstanceRecord[] = [];
  for (const r of candidates(store, query)) if (filters.every((p) => p(r))) matches.push(r);
  matches.sort(byMtimeThenIdDesc);
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
