/**
 * Service batch writes (reference §1.2). In whole-batch validation mode the items that passed
 * validation come back as all-null entries beside the failing ones, as HEAD's `api.Collect` does.
 *
 * @module
 */

import { Code } from "./codes.ts";
import { echo, type JsonObject, toWire, wireResponse } from "./render.ts";
import { nameKey, type PolarisStore, type ServiceRecord } from "./store.ts";
import { type DecodedMessage, str, strMap } from "./wire_decode.ts";
import { allNullResponse, runBatch, sameMap, type WriteOptions } from "./run_batch.ts";
import { SERVICE } from "./wire_schemas.ts";
import { checkMetadata, runeLength, validNamespace, validService } from "./validate.ts";

const TEXT_LIMITS: ReadonlyArray<readonly [string, number, number]> = [
  ["ports", 8192, Code.InvalidServicePorts],
  ["business", 128, Code.InvalidParameter],
  ["department", 1024, Code.InvalidParameter],
  ["cmdb_mod1", 1024, Code.InvalidParameter],
  ["cmdb_mod2", 1024, Code.InvalidParameter],
  ["cmdb_mod3", 1024, Code.InvalidParameter],
  ["comment", 1024, Code.InvalidServiceComment],
  ["owners", 1024, Code.InvalidServiceOwners],
  ["platform_id", 32, Code.InvalidParameter],
];

const TEXT_FIELDS: ReadonlyArray<readonly [string, keyof ServiceRecord]> = [
  ["ports", "ports"],
  ["business", "business"],
  ["department", "department"],
  ["cmdb_mod1", "cmdbMod1"],
  ["cmdb_mod2", "cmdbMod2"],
  ["cmdb_mod3", "cmdbMod3"],
  ["comment", "comment"],
  ["owners", "owners"],
  ["platform_id", "platformId"],
];

/** Checks a service request item; 200000 when valid. */
export function checkService(m: DecodedMessage): number {
  if (!validService(str(m, "name"))) return Code.InvalidServiceName;
  if (!validNamespace(str(m, "namespace"))) return Code.InvalidNamespaceName;
  const metadata = checkMetadata(strMap(m, "metadata"));
  if (metadata !== Code.ExecuteSuccess) return metadata;
  for (const [field, max, code] of TEXT_LIMITS) {
    const v = str(m, field);
    if (v !== undefined && runeLength(v) > max) return code;
  }
  return Code.ExecuteSuccess;
}

function serviceItem(code: number, m: DecodedMessage): JsonObject {
  return wireResponse(code, { service: echo(SERVICE, m) });
}

/** Creates services; an existing one is 400201 carrying the existing id. */
export function createServices(
  store: PolarisStore,
  items: readonly DecodedMessage[],
  options: WriteOptions,
): JsonObject {
  const stamp = store.tick();
  return runBatch(items, {
    mode: options.validation,
    check: checkService,
    failed: serviceItem,
    passed: allNullResponse,
    execute: (m) => {
      const name = str(m, "name") as string;
      const namespace = str(m, "namespace") as string;
      const existing = store.services.get(nameKey(namespace, name));
      if (existing !== undefined) {
        return wireResponse(Code.ExistedResource, {
          service: toWire(SERVICE, { ...m, id: existing.id }),
        });
      }
      if (store.aliases.has(nameKey(namespace, name))) return serviceItem(Code.ExistedResource, m);
      if (!store.namespaces.has(namespace)) {
        if (!options.autoCreateNamespace) return serviceItem(Code.NotFoundNamespace, m);
        store.putNamespace(namespace, stamp);
      }
      const record = store.putService(namespace, name, stamp, str(m, "owners") ?? "");
      applyServiceFields(record, m);
      return wireResponse(Code.ExecuteSuccess, {
        service: toWire(SERVICE, { id: record.id, name, namespace, token: record.token }),
      });
    },
  });
}

/** Copies the present fields of a request onto a record; returns whether anything changed. */
function applyServiceFields(record: ServiceRecord, m: DecodedMessage): boolean {
  let changed = false;
  const metadata = strMap(m, "metadata");
  if (metadata !== undefined && !sameMap(metadata, record.metadata)) {
    record.metadata = metadata;
    changed = true;
  }
  for (const [field, key] of TEXT_FIELDS) {
    const v = str(m, field);
    if (v !== undefined && v !== record[key]) {
      (record as unknown as Record<string, string>)[key] = v;
      changed = true;
    }
  }
  const exportTo = m.export_to;
  if (Array.isArray(exportTo) && exportTo.join("\n") !== record.exportTo.join("\n")) {
    record.exportTo = [...exportTo];
    changed = true;
  }
  return changed;
}

/** Updates services: present fields only; 200002 when nothing changed, 400202 when missing. */
export function updateServices(
  store: PolarisStore,
  items: readonly DecodedMessage[],
  options: WriteOptions,
): JsonObject {
  const stamp = store.tick();
  return runBatch(items, {
    mode: options.validation,
    check: checkService,
    failed: serviceItem,
    passed: allNullResponse,
    execute: (m) => {
      const key = nameKey(str(m, "namespace") as string, str(m, "name") as string);
      if (store.aliases.has(key)) return serviceItem(Code.NotAllowAliasUpdate, m);
      const record = store.services.get(key);
      if (record === undefined) return serviceItem(Code.NotFoundResource, m);
      if (!applyServiceFields(record, m)) return serviceItem(Code.NoNeedUpdate, m);
      store.touch(record, key, stamp);
      return serviceItem(Code.ExecuteSuccess, m);
    },
  });
}

/** Deletes services; missing is success, remaining instances 400204, remaining aliases 400210. */
export function deleteServices(
  store: PolarisStore,
  items: readonly DecodedMessage[],
  options: WriteOptions,
): JsonObject {
  return runBatch(items, {
    mode: options.validation,
    check: (m) => {
      if (!validService(str(m, "name"))) return Code.InvalidServiceName;
      return validNamespace(str(m, "namespace")) ? Code.ExecuteSuccess : Code.InvalidNamespaceName;
    },
    failed: serviceItem,
    passed: allNullResponse,
    execute: (m) => {
      const namespace = str(m, "namespace") as string;
      const name = str(m, "name") as string;
      const key = nameKey(namespace, name);
      // An alias is a service row on the server: deleting it by service name removes it.
      if (store.aliases.delete(key)) return serviceItem(Code.ExecuteSuccess, m);
      if (!store.services.has(key)) return serviceItem(Code.ExecuteSuccess, m);
      if (store.instancesOf(namespace, name).length > 0) {
        return serviceItem(Code.ServiceExistedInstances, m);
      }
      if (store.aliasesOf(namespace, name).length > 0) {
        return serviceItem(Code.ServiceExistedAlias, m);
      }
      store.services.delete(key);
      return serviceItem(Code.ExecuteSuccess, m);
    },
  });
}
