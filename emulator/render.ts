/**
 * Renders emulator answers in the JSON shape the server's `jsonpb.Marshaler{EmitDefaults:true}`
 * produces: JSON names (camelCase unless `json_name` says snake_case), every field present, unset
 * messages and wrappers `null`, empty lists `[]`, empty maps `{}`, enums as names (reference §0).
 *
 * @module
 */

import { codeInfo } from "./codes.ts";
import { type DecodedMessage, defaultJsonName, type MessageSchema } from "./wire_decode.ts";
import { INSTANCE, NAMESPACE, SERVICE, SERVICE_ALIAS } from "./wire_schemas.ts";
import type { AliasRecord, InstanceRecord, NamespaceRecord, ServiceRecord } from "./store.ts";
import { HIDDEN_METADATA_KEYS } from "../domain/polaris.ts";

/** A JSON value. */
export type Json = null | boolean | number | string | readonly Json[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  readonly [key: string]: Json;
}

/** Renders a decoded message with every field of its schema, as EmitDefaults does. */
export function toWire(schema: MessageSchema, m: DecodedMessage): JsonObject {
  const out: Record<string, Json> = {};
  for (const [protoName, field] of Object.entries(schema.fields)) {
    const key = field.json ?? defaultJsonName(protoName);
    const value = m[protoName];
    const type = field.type;
    if (type === "stringMap") out[key] = (value ?? {}) as JsonObject;
    else if (type === "stringList") out[key] = (value ?? []) as readonly string[];
    else if (value === undefined) {
      out[key] = typeof type === "object" && "enum" in type ? Object.keys(type.enum)[0] : null;
    } else if (typeof type === "object" && "enum" in type) {
      const name = Object.entries(type.enum).find(([, n]) => n === value)?.[0];
      out[key] = name ?? (value as number);
    } else if (typeof type === "object") out[key] = toWire(type.message, value as DecodedMessage);
    else out[key] = value as Json;
  }
  return out;
}

const RESPONSE_PAYLOADS = [
  "client",
  "namespace",
  "service",
  "instance",
  "routing",
  "alias",
  "rateLimit",
  "circuitBreaker",
  "configRelease",
  "user",
  "userGroup",
  "authStrategy",
  "relation",
  "loginResponse",
  "modifyAuthStrategy",
  "modifyUserGroup",
  "resources",
  "optionSwitch",
  "instanceLabels",
  "data",
  "serviceContract",
] as const;

/** The payloads a `v1.Response` item can carry. */
export interface ResponsePayload {
  readonly namespace?: JsonObject;
  readonly service?: JsonObject;
  readonly instance?: JsonObject;
  readonly alias?: JsonObject;
}

/** Renders a `v1.Response` (one batch item, or the whole answer of a single-object call). */
export function wireResponse(code: number, payload: ResponsePayload = {}): JsonObject {
  const out: Record<string, Json> = { code, info: codeInfo(code) };
  for (const key of RESPONSE_PAYLOADS) {
    out[key] = (payload as Record<string, JsonObject | undefined>)[key] ?? null;
  }
  return out;
}

/** Renders a `v1.BatchWriteResponse`; `size` is the number of items, as `api.Collect` counts. */
export function batchWriteBody(code: number, responses: readonly JsonObject[]): JsonObject {
  return { code, info: codeInfo(code), size: responses.length, responses };
}

/** The lists a `v1.BatchQueryResponse` can carry. */
export interface QueryPayload {
  readonly amount?: number;
  readonly namespaces?: readonly JsonObject[];
  readonly services?: readonly JsonObject[];
  readonly instances?: readonly JsonObject[];
  readonly aliases?: readonly JsonObject[];
}

/** Renders a `v1.BatchQueryResponse`; `size` is the length of the returned page. */
export function batchQueryBody(code: number, payload: QueryPayload = {}): JsonObject {
  const size = (payload.namespaces ?? payload.services ?? payload.instances ?? payload.aliases ??
    []).length;
  return {
    code,
    info: codeInfo(code),
    amount: payload.amount ?? 0,
    size,
    namespaces: payload.namespaces ?? [],
    services: payload.services ?? [],
    instances: payload.instances ?? [],
    routings: [],
    aliases: payload.aliases ?? [],
    rateLimits: [],
    configWithServices: [],
    users: [],
    userGroups: [],
    authStrategies: [],
    clients: [],
    data: [],
    summary: null,
  };
}

/** Renders a request item back as the server echoes it in a failed item. */
export function echo(schema: MessageSchema, m: DecodedMessage): JsonObject {
  return toWire(schema, m);
}

/** Options of {@link renderInstance}. */
export interface RenderInstanceOptions {
  /** Drop the metadata keys the console list hides (version, protocol, region, zone, campus). */
  readonly stripHidden: boolean;
  readonly serviceToken: string;
}

/** Renders a stored instance as the console list shows it. */
export function renderInstance(r: InstanceRecord, options: RenderInstanceOptions): JsonObject {
  const metadata = options.stripHidden
    ? Object.fromEntries(Object.entries(r.metadata).filter(([k]) => !HIDDEN_METADATA_KEYS.has(k)))
    : { ...r.metadata };
  const m: Record<string, DecodedMessage[string]> = {
    id: r.id,
    service: r.service,
    namespace: r.namespace,
    vpc_id: r.vpcId,
    host: r.host,
    port: r.port,
    protocol: r.protocol,
    version: r.version,
    priority: r.priority,
    weight: r.weight,
    enable_health_check: r.enableHealthCheck,
    healthy: r.healthy,
    isolate: r.isolate,
    location: { ...r.location },
    metadata,
    logic_set: r.logicSet,
    ctime: r.ctime,
    mtime: r.mtime,
    revision: r.revision,
    service_token: options.serviceToken,
  };
  if (r.healthCheck !== null) {
    m.health_check = { type: r.healthCheck.type, heartbeat: { ttl: r.healthCheck.ttl } };
  }
  return toWire(INSTANCE, m);
}

/** Renders a stored service with its instance counts. */
export function renderService(
  r: ServiceRecord,
  counts: { readonly total: number; readonly healthy: number },
): JsonObject {
  return toWire(SERVICE, {
    id: r.id,
    name: r.name,
    namespace: r.namespace,
    metadata: { ...r.metadata },
    ports: r.ports,
    business: r.business,
    department: r.department,
    cmdb_mod1: r.cmdbMod1,
    cmdb_mod2: r.cmdbMod2,
    cmdb_mod3: r.cmdbMod3,
    comment: r.comment,
    owners: r.owners,
    revision: r.revision,
    platform_id: r.platformId,
    ctime: r.ctime,
    mtime: r.mtime,
    export_to: [...r.exportTo],
    editable: true,
    total_instance_count: counts.total,
    healthy_instance_count: counts.healthy,
  });
}

/** Renders a stored namespace with its counts; `id` is the name, as the server sets it. */
export function renderNamespace(
  r: NamespaceRecord,
  counts: { readonly services: number; readonly instances: number; readonly healthy: number },
): JsonObject {
  return toWire(NAMESPACE, {
    id: r.name,
    name: r.name,
    comment: r.comment,
    owners: r.owners,
    ctime: r.ctime,
    mtime: r.mtime,
    total_service_count: counts.services,
    total_instance_count: counts.instances,
    total_health_instance_count: counts.healthy,
    service_export_to: [...r.serviceExportTo],
    editable: true,
  });
}

/** Renders a stored alias; `service_token` is the source service's token. */
export function renderAlias(r: AliasRecord, serviceToken: string | undefined): JsonObject {
  const m: Record<string, DecodedMessage[string]> = {
    id: r.id,
    service: r.service,
    namespace: r.namespace,
    alias: r.alias,
    alias_namespace: r.aliasNamespace,
    type: r.type,
    owners: r.owners,
    comment: r.comment,
    ctime: r.ctime,
    mtime: r.mtime,
    editable: true,
  };
  if (serviceToken !== undefined) m.service_token = serviceToken;
  return toWire(SERVICE_ALIAS, m);
}
