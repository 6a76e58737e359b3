/**
 * The list endpoints for namespaces, services (aliases excluded), `services/all` and aliases
 * (reference §1 and §5). Unknown keys and empty values are 400103; paging as everywhere.
 *
 * @module
 */

import { Code } from "./codes.ts";
import {
  batchQueryBody,
  type JsonObject,
  renderAlias,
  renderNamespace,
  renderService,
  toWire,
} from "./render.ts";
import { nameKey, type PolarisStore, type ServiceRecord } from "./store.ts";
import { SERVICE } from "./wire_schemas.ts";
import {
  byMtimeThenIdDesc,
  checkKeys,
  page,
  pairLists,
  parseGoBool,
  type Query,
  readPaging,
} from "./list_query.ts";

const SERVICE_KEYS = new Set([
  "name",
  "namespace",
  "business",
  "department",
  "cmdb_mod1",
  "cmdb_mod2",
  "cmdb_mod3",
  "owner",
  "offset",
  "limit",
  "platform_id",
  "only_exist_health_instance",
  "host",
  "port",
  "keys",
  "values",
  "instance_keys",
  "instance_values",
]);
const ALIAS_KEYS = new Set([
  "alias",
  "alias_namespace",
  "namespace",
  "service",
  "owner",
  "offset",
  "limit",
]);
const NAMESPACE_KEYS = new Set(["name", "owner", "offset", "limit"]);

/** Matches an exact name, or a prefix when the pattern ends with `*`. */
function nameMatch(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  return pattern.endsWith("*") ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

function ownerMatch(pattern: string | undefined, owners: string): boolean {
  return pattern === undefined || owners.split(",").includes(pattern);
}

function counts(store: PolarisStore, namespace: string, name: string) {
  const instances = store.instancesOf(namespace, name);
  return { total: instances.length, healthy: instances.filter((r) => r.healthy).length };
}

function serviceFilter(
  store: PolarisStore,
  query: Query,
): ((s: ServiceRecord) => boolean) | number {
  const meta = pairLists(query.get("keys"), query.get("values"));
  const insMeta = pairLists(query.get("instance_keys"), query.get("instance_values"));
  if (meta === undefined || insMeta === undefined || meta.length > 1) return Code.InvalidParameter;
  const host = query.get("host");
  const port = query.get("port");
  if (port !== undefined && host === undefined) return Code.InvalidParameter;
  const healthyOnly = parseGoBool(query.get("only_exist_health_instance") ?? "") === true;
  const exact = (key: string, value: string) => {
    const v = query.get(key);
    return v === undefined || v === value;
  };
  return (s) => {
    if (!nameMatch(query.get("name"), s.name) || !exact("namespace", s.namespace)) return false;
    const business = query.get("business");
    if (business !== undefined && !s.business.includes(business)) return false;
    if (!exact("department", s.department) || !exact("platform_id", s.platformId)) return false;
    if (!exact("cmdb_mod1", s.cmdbMod1) || !exact("cmdb_mod2", s.cmdbMod2)) return false;
    if (!exact("cmdb_mod3", s.cmdbMod3) || !ownerMatch(query.get("owner"), s.owners)) return false;
    if (!meta.every(([k, v]) => s.metadata[k] === v)) return false;
    if (!healthyOnly && host === undefined && insMeta.length === 0) return true;
    const instances = store.instancesOf(s.namespace, s.name);
    if (healthyOnly && !instances.some((r) => r.healthy)) return false;
    if (host !== undefined) {
      const hosts = host.split(",");
      const hit = instances.some((r) =>
        hosts.includes(r.host) && (port === undefined || String(r.port) === port)
      );
      if (!hit) return false;
    }
    if (insMeta.length > 0) {
      return instances.some((r) => insMeta.every(([k, v]) => r.metadata[k] === v));
    }
    return true;
  };
}

/** Answers `GET /naming/v1/services`: services (never aliases), newest first. */
export function listServices(store: PolarisStore, query: Query): JsonObject {
  const keysOk = checkKeys(query, SERVICE_KEYS);
  if (keysOk !== Code.ExecuteSuccess) return batchQueryBody(keysOk);
  const paging = readPaging(query);
  if ("code" in paging) return batchQueryBody(paging.code);
  const filter = serviceFilter(store, query);
  if (typeof filter === "number") return batchQueryBody(filter);
  const matches = [...store.services.values()].filter(filter).sort(byMtimeThenIdDesc);
  const services = page(matches, paging).map((s) =>
    renderService(s, counts(store, s.namespace, s.name))
  );
  return batchQueryBody(Code.ExecuteSuccess, { amount: matches.length, services });
}

/** Answers `GET /naming/v1/services/all`: every service, unpaged, light fields only. */
export function listAllServices(store: PolarisStore, query: Query): JsonObject {
  const keysOk = checkKeys(query, new Set(["namespace"]));
  if (keysOk !== Code.ExecuteSuccess) return batchQueryBody(keysOk);
  const namespace = query.get("namespace");
  const services = [...store.services.values()]
    .filter((s) => namespace === undefined || s.namespace === namespace)
    .sort(byMtimeThenIdDesc)
    .map((s) => {
      const c = counts(store, s.namespace, s.name);
      return toWire(SERVICE, {
        namespace: s.namespace,
        name: s.name,
        metadata: { ...s.metadata },
        total_instance_count: c.total,
        healthy_instance_count: c.healthy,
      });
    });
  return batchQueryBody(Code.ExecuteSuccess, { amount: services.length, services });
}

/** Answers `GET /naming/v1/service/aliases`. */
export function listAliases(store: PolarisStore, query: Query): JsonObject {
  const keysOk = checkKeys(query, ALIAS_KEYS);
  if (keysOk !== Code.ExecuteSuccess) return batchQueryBody(keysOk);
  const paging = readPaging(query);
  if ("code" in paging) return batchQueryBody(paging.code);
  const matches = [...store.aliases.values()].filter((a) =>
    nameMatch(query.get("alias"), a.alias) &&
    nameMatch(query.get("alias_namespace"), a.aliasNamespace) &&
    nameMatch(query.get("service"), a.service) &&
    nameMatch(query.get("namespace"), a.namespace) &&
    ownerMatch(query.get("owner"), a.owners)
  ).sort(byMtimeThenIdDesc);
  const aliases = page(matches, paging).map((a) =>
    renderAlias(a, store.services.get(nameKey(a.namespace, a.service))?.token)
  );
  return batchQueryBody(Code.ExecuteSuccess, { amount: matches.length, aliases });
}

/** Answers `GET /naming/v1/namespaces` with service and instance counts. */
export function listNamespaces(store: PolarisStore, query: Query): JsonObject {
  const keysOk = checkKeys(query, NAMESPACE_KEYS);
  if (keysOk !== Code.ExecuteSuccess) return batchQueryBody(keysOk);
  const paging = readPaging(query);
  if ("code" in paging) return batchQueryBody(paging.code);
  const matches = [...store.namespaces.values()]
    .filter((n) => nameMatch(query.get("name"), n.name) && ownerMatch(query.get("owner"), n.owners))
    .map((n) => ({ ...n, id: n.name }))
    .sort(byMtimeThenIdDesc);
  const namespaces = page(matches, paging).map((n) => {
    const services = [...store.services.values()].filter((s) => s.namespace === n.name);
    const all = services.flatMap((s) => store.instancesOf(s.namespace, s.name));
    return renderNamespace(n, {
      services: services.length,
      instances: all.length,
      healthy: all.filter((r) => r.healthy).length,
    });
  });
  return batchQueryBody(Code.ExecuteSuccess, { amount: matches.length, namespaces });
}
