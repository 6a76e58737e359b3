/**
 * The Polaris request messages the emulator decodes, as specification v1.4.2 (pinned by server
 * v1.18.1) defines them. Namespace `metadata`/`deleteable` and service/alias `deleteable` exist only
 * in v1.5.x, so they are unknown fields here (reference §1.1).
 *
 * @module
 */

import type { FieldSchema, MessageSchema } from "./wire_decode.ts";

const S: FieldSchema = { type: "string" };
const U: FieldSchema = { type: "uint32" };
const B: FieldSchema = { type: "bool" };
const SNAKE_S = (json: string): FieldSchema => ({ type: "string", json });
const SNAKE_U = (json: string): FieldSchema => ({ type: "uint32", json });
const SNAKE_L = (json: string): FieldSchema => ({ type: "stringList", json });

/** `v1.Location`. */
export const LOCATION: MessageSchema = {
  name: "v1.Location",
  fields: { region: S, zone: S, campus: S },
};

/** `v1.HealthCheck` with its `HeartbeatHealthCheck`. */
export const HEALTH_CHECK: MessageSchema = {
  name: "v1.HealthCheck",
  fields: {
    type: { type: { enum: { UNKNOWN: 0, HEARTBEAT: 1 } } },
    heartbeat: { type: { message: { name: "v1.HeartbeatHealthCheck", fields: { ttl: U } } } },
  },
};

/** `v1.Namespace` (v1.4.2). */
export const NAMESPACE: MessageSchema = {
  name: "v1.Namespace",
  fields: {
    name: S,
    comment: S,
    owners: S,
    token: S,
    ctime: S,
    mtime: S,
    total_service_count: SNAKE_U("total_service_count"),
    total_health_instance_count: SNAKE_U("total_health_instance_count"),
    total_instance_count: SNAKE_U("total_instance_count"),
    user_ids: SNAKE_L("user_ids"),
    group_ids: SNAKE_L("group_ids"),
    remove_user_ids: SNAKE_L("remove_user_ids"),
    remove_group_ids: SNAKE_L("remove_group_ids"),
    id: S,
    editable: B,
    service_export_to: SNAKE_L("service_export_to"),
  },
};

/** `v1.Service` (v1.4.2). */
export const SERVICE: MessageSchema = {
  name: "v1.Service",
  fields: {
    name: S,
    namespace: S,
    metadata: { type: "stringMap" },
    ports: S,
    business: S,
    department: S,
    cmdb_mod1: SNAKE_S("cmdb_mod1"),
    cmdb_mod2: SNAKE_S("cmdb_mod2"),
    cmdb_mod3: SNAKE_S("cmdb_mod3"),
    comment: S,
    owners: S,
    token: S,
    ctime: S,
    mtime: S,
    revision: S,
    platform_id: SNAKE_S("platform_id"),
    total_instance_count: SNAKE_U("total_instance_count"),
    healthy_instance_count: SNAKE_U("healthy_instance_count"),
    user_ids: SNAKE_L("user_ids"),
    group_ids: SNAKE_L("group_ids"),
    remove_user_ids: SNAKE_L("remove_user_ids"),
    remove_group_ids: SNAKE_L("remove_group_ids"),
    id: S,
    editable: B,
    export_to: SNAKE_L("export_to"),
  },
};

/** `v1.ServiceAlias` (v1.4.2). */
export const SERVICE_ALIAS: MessageSchema = {
  name: "v1.ServiceAlias",
  fields: {
    service: S,
    namespace: S,
    alias: S,
    alias_namespace: SNAKE_S("alias_namespace"),
    type: { type: { enum: { DEFAULT: 0, CL5SID: 1 } } },
    owners: S,
    comment: S,
    service_token: SNAKE_S("service_token"),
    ctime: S,
    mtime: S,
    id: S,
    editable: B,
  },
};

/** `v1.Instance` (v1.4.2). */
export const INSTANCE: MessageSchema = {
  name: "v1.Instance",
  fields: {
    id: S,
    service: S,
    namespace: S,
    vpc_id: SNAKE_S("vpc_id"),
    host: S,
    port: U,
    protocol: S,
    version: S,
    priority: U,
    weight: U,
    enable_health_check: B,
    health_check: { type: { message: HEALTH_CHECK } },
    healthy: B,
    isolate: B,
    location: { type: { message: LOCATION } },
    metadata: { type: "stringMap" },
    logic_set: SNAKE_S("logic_set"),
    ctime: S,
    mtime: S,
    revision: S,
    service_token: SNAKE_S("service_token"),
  },
};
