/**
 * Instance batch writes (reference §1.4): create as upsert keeping the stored `isolate`, update of
 * present fields only, idempotent delete by id or tetrad, delete of every port of a host.
 *
 * @module
 */

import { Code } from "./codes.ts";
import { echo, type JsonObject, toWire, wireResponse } from "./render.ts";
import { type InstanceRecord, nameKey, type PolarisStore, type Stamp } from "./store.ts";
import { bool, type DecodedMessage, msg, num, str, strMap } from "./wire_decode.ts";
import { INSTANCE } from "./wire_schemas.ts";
import { runBatch, sameMap, type WriteOptions } from "./run_batch.ts";
import {
  checkInstanceFields,
  checkInstanceTetrad,
  targetInstanceId,
  validNamespace,
  validService,
} from "./validate.ts";

function instanceItem(code: number, m: DecodedMessage): JsonObject {
  return wireResponse(code, { instance: echo(INSTANCE, m) });
}

function checkCreate(m: DecodedMessage): number {
  const tetrad = checkInstanceTetrad(m);
  return tetrad === Code.ExecuteSuccess ? checkInstanceFields(m) : tetrad;
}

function checkTarget(m: DecodedMessage): number {
  const target = targetInstanceId(m);
  if ("code" in target) return target.code;
  return checkInstanceFields(m);
}

/** Returns the heartbeat ttl the server keeps: values outside (0,60] become 5. */
export function clampTtl(ttl: number | undefined): number {
  return ttl !== undefined && ttl > 0 && ttl <= 60 ? ttl : 5;
}

/** Makes sure the instance's service exists, creating it (and its namespace) when allowed. */
function ensureService(
  store: PolarisStore,
  namespace: string,
  service: string,
  stamp: Stamp,
  options: WriteOptions,
): number {
  if (store.aliases.has(nameKey(namespace, service))) return Code.BadRequest;
  if (store.services.has(nameKey(namespace, service))) return Code.ExecuteSuccess;
  if (!options.autoCreateService) return Code.NotFoundService;
  if (!store.namespaces.has(namespace)) {
    if (!options.autoCreateNamespace) return Code.NotFoundNamespace;
    store.putNamespace(namespace, stamp);
  }
  store.putService(namespace, service, stamp);
  return Code.ExecuteSuccess;
}

/** Builds the stored record of a create request; only `isolate` survives from `previous`. */
function recordFromRequest(
  id: string,
  m: DecodedMessage,
  previous: InstanceRecord | undefined,
  stamp: Stamp,
): InstanceRecord {
  const heartbeat = msg(msg(m, "health_check") ?? {}, "heartbeat");
  const enabled = heartbeat !== undefined && bool(m, "enable_health_check") !== false;
  const location = msg(m, "location") ?? {};
  return {
    id,
    service: str(m, "service") as string,
    namespace: str(m, "namespace") as string,
    vpcId: str(m, "vpc_id") ?? "",
    host: (str(m, "host") as string).trim(),
    port: num(m, "port") as number,
    protocol: str(m, "protocol") ?? "",
    version: str(m, "version") ?? "",
    priority: num(m, "priority") ?? 0,
    weight: num(m, "weight") ?? 100,
    enableHealthCheck: enabled,
    healthCheck: enabled ? { type: 1, ttl: clampTtl(num(heartbeat, "ttl")) } : null,
    healthy: bool(m, "healthy") ?? true,
    isolate: bool(m, "isolate") ?? previous?.isolate ?? false,
    location: {
      region: str(location, "region") ?? "",
      zone: str(location, "zone") ?? "",
      campus: str(location, "campus") ?? "",
    },
    metadata: strMap(m, "metadata") ?? {},
    logicSet: str(m, "logic_set") ?? "",
    revision: "",
    ctime: stamp.time,
    mtime: stamp.time,
    seq: stamp.seq,
  };
}

/**
 * Creates (re-registers) instances. The later copy of an id seen earlier in the same request gets
 * 400208; the service and namespace are auto-created when the options allow it.
 */
export function createInstances(
  store: PolarisStore,
  items: readonly DecodedMessage[],
  options: WriteOptions,
): JsonObject {
  const stamp = store.tick();
  const seen = new Set<string>();
  return runBatch(items, {
    mode: options.validation,
    check: checkCreate,
    failed: instanceItem,
    execute: (m) => {
      const target = targetInstanceId(m) as { id: string };
      if (seen.has(target.id)) return instanceItem(Code.SameInstanceRequest, m);
      seen.add(target.id);
      const namespace = str(m, "namespace") as string;
      const service = str(m, "service") as string;
      const ensured = ensureService(store, namespace, service, stamp, options);
      if (ensured !== Code.ExecuteSuccess) return instanceItem(ensured, m);
      const record = recordFromRequest(target.id, m, store.instances.get(target.id), stamp);
      record.revision = store.newId("revision", target.id, stamp);
      store.putInstance(record);
      return wireResponse(Code.ExecuteSuccess, {
        instance: toWire(INSTANCE, {
          id: record.id,
          service,
          namespace,
          ...(m.vpc_id === undefined ? {} : { vpc_id: record.vpcId }),
          host: record.host,
          port: record.port,
        }),
      });
    },
  });
}

/** Applies the present fields of an update to a record; returns whether anything changed. */
function applyUpdate(r: InstanceRecord, m: DecodedMessage): boolean {
  let changed = false;
  const set = <K extends keyof InstanceRecord>(key: K, value: InstanceRecord[K] | undefined) => {
    if (value !== undefined && value !== r[key]) {
      r[key] = value;
      changed = true;
    }
  };
  set("protocol", str(m, "protocol"));
  set("version", str(m, "version"));
  set("priority", num(m, "priority"));
  set("weight", num(m, "weight"));
  set("healthy", bool(m, "healthy"));
  set("isolate", bool(m, "isolate"));
  set("logicSet", str(m, "logic_set"));
  const metadata = strMap(m, "metadata");
  if (metadata !== undefined && !sameMap(metadata, r.metadata)) set("metadata", metadata);
  const location = msg(m, "location");
  if (location !== undefined) {
    const next = {
      region: str(location, "region") ?? "",
      zone: str(location, "zone") ?? "",
      campus: str(location, "campus") ?? "",
    };
    if (!sameMap(next, r.location)) set("location", next);
  }
  if (bool(m, "enable_health_check") === false && r.enableHealthCheck) {
    set("enableHealthCheck", false);
    set("healthCheck", null);
  }
  const heartbeat = msg(msg(m, "health_check") ?? {}, "heartbeat");
  if (heartbeat !== undefined && bool(m, "enable_health_check") !== false) {
    const ttl = clampTtl(num(heartbeat, "ttl"));
    if (!r.enableHealthCheck) {
      set("enableHealthCheck", true);
      set("healthy", false);
    }
    if (r.healthCheck?.ttl !== ttl) set("healthCheck", { type: 1, ttl });
  }
  return changed;
}

/** Updates instances by id or tetrad: 400303 when missing, 200002 when nothing changed. */
export function updateInstances(
  store: PolarisStore,
  items: readonly DecodedMessage[],
  options: WriteOptions,
): JsonObject {
  const stamp = store.tick();
  return runBatch(items, {
    mode: options.validation,
    check: checkTarget,
    failed: instanceItem,
    execute: (m) => {
      const { id } = targetInstanceId(m) as { id: string };
      const record = store.instances.get(id);
      if (record === undefined) return instanceItem(Code.NotFoundInstance, m);
      if (!applyUpdate(record, m)) return instanceItem(Code.NoNeedUpdate, m);
      store.touch(record, id, stamp);
      return instanceItem(Code.ExecuteSuccess, m);
    },
  });
}

/** Deletes instances by id or tetrad; a missing one is success, a repeated id 400208. */
export function deleteInstances(
  store: PolarisStore,
  items: readonly DecodedMessage[],
  options: WriteOptions,
): JsonObject {
  const seen = new Set<string>();
  return runBatch(items, {
    mode: options.validation,
    check: (m) => {
      const target = targetInstanceId(m);
      return "code" in target ? target.code : Code.ExecuteSuccess;
    },
    failed: instanceItem,
    execute: (m) => {
      const { id } = targetInstanceId(m) as { id: string };
      if (seen.has(id)) return instanceItem(Code.SameInstanceRequest, m);
      seen.add(id);
      store.removeInstance(id);
      return instanceItem(Code.ExecuteSuccess, m);
    },
  });
}

/** Deletes every port of a host in a service; a missing service is 400301. */
export function deleteInstancesByHost(
  store: PolarisStore,
  items: readonly DecodedMessage[],
  options: WriteOptions,
): JsonObject {
  return runBatch(items, {
    mode: options.validation,
    check: (m) => {
      if (!validService(str(m, "service"))) return Code.InvalidServiceName;
      if (!validNamespace(str(m, "namespace"))) return Code.InvalidNamespaceName;
      return (str(m, "host") ?? "").trim() === "" ? Code.InvalidInstanceHost : Code.ExecuteSuccess;
    },
    failed: instanceItem,
    execute: (m) => {
      const namespace = str(m, "namespace") as string;
      const service = str(m, "service") as string;
      if (!store.services.has(nameKey(namespace, service))) {
        return instanceItem(Code.NotFoundService, m);
      }
      const host = (str(m, "host") as string).trim();
      for (const r of store.instancesOf(namespace, service)) {
        if (r.host === host) store.removeInstance(r.id);
      }
      return instanceItem(Code.ExecuteSuccess, m);
    },
  });
}
