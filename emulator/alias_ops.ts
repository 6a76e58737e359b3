/**
 * Service alias writes (reference §1.3): single-object create and update, batch delete where a
 * missing alias is 400304 (deletes are not idempotent here, unlike everywhere else).
 *
 * @module
 */

import { Code } from "./codes.ts";
import { echo, type JsonObject, toWire, wireResponse } from "./render.ts";
import { type AliasRecord, nameKey, type PolarisStore } from "./store.ts";
import { type DecodedMessage, num, str } from "./wire_decode.ts";
import { SERVICE_ALIAS } from "./wire_schemas.ts";
import { runBatch, type WriteOptions } from "./run_batch.ts";
import { runeLength, validName, validNamespace, validService } from "./validate.ts";
import { POLARIS_LIMITS } from "../domain/polaris.ts";

function aliasItem(code: number, m: DecodedMessage): JsonObject {
  return wireResponse(code, { alias: echo(SERVICE_ALIAS, m) });
}

function checkAliasNamespace(name: string | undefined, badCode: number): number {
  if (name !== undefined && runeLength(name) > POLARIS_LIMITS.namespaceNameLength) {
    return Code.InvalidNamespaceWithAlias;
  }
  return validName(name, Number.MAX_SAFE_INTEGER) ? Code.ExecuteSuccess : badCode;
}

/** Checks an alias create or update body in the server's order; 200000 when valid. */
export function checkAlias(m: DecodedMessage, badAliasNamespace: number): number {
  if (!validService(str(m, "service"))) return Code.InvalidServiceName;
  if (!validNamespace(str(m, "namespace"))) return Code.InvalidNamespaceName;
  const aliasNamespace = checkAliasNamespace(str(m, "alias_namespace"), badAliasNamespace);
  if (aliasNamespace !== Code.ExecuteSuccess) return aliasNamespace;
  return validService(str(m, "alias")) ? Code.ExecuteSuccess : Code.InvalidServiceAlias;
}

/** Returns 200000 when `namespace/service` is a real service, else 400504 (alias) or 400301. */
function checkSource(store: PolarisStore, m: DecodedMessage): number {
  const key = nameKey(str(m, "namespace") as string, str(m, "service") as string);
  if (store.aliases.has(key)) return Code.NotAllowCreateAliasForAlias;
  return store.services.has(key) ? Code.ExecuteSuccess : Code.NotFoundService;
}

function aliasAnswer(store: PolarisStore, code: number, r: AliasRecord): JsonObject {
  const source = store.services.get(nameKey(r.namespace, r.service));
  return wireResponse(code, {
    alias: toWire(SERVICE_ALIAS, {
      service: r.service,
      namespace: r.namespace,
      alias: r.alias,
      alias_namespace: r.aliasNamespace,
      type: r.type,
      owners: r.owners,
      comment: r.comment,
      id: r.id,
      ...(source === undefined ? {} : { service_token: source.token }),
    }),
  });
}

/**
 * Creates an alias. Like the server it neither checks nor creates `alias_namespace`; a name used
 * by any service or alias is 400201.
 */
export function createAlias(store: PolarisStore, m: DecodedMessage): JsonObject {
  const invalid = checkAlias(m, Code.InvalidNamespaceName);
  if (invalid !== Code.ExecuteSuccess) return aliasItem(invalid, m);
  const source = checkSource(store, m);
  if (source !== Code.ExecuteSuccess) return aliasItem(source, m);
  const alias = str(m, "alias") as string;
  const aliasNamespace = str(m, "alias_namespace") as string;
  if (store.nameTaken(aliasNamespace, alias)) return aliasItem(Code.ExistedResource, m);
  const stamp = store.tick();
  const key = nameKey(aliasNamespace, alias);
  const record: AliasRecord = {
    id: store.newId("alias", key, stamp),
    alias,
    aliasNamespace,
    service: str(m, "service") as string,
    namespace: str(m, "namespace") as string,
    type: num(m, "type") ?? 0,
    owners: str(m, "owners") ?? "",
    comment: str(m, "comment") ?? "",
    ctime: stamp.time,
    mtime: stamp.time,
    seq: stamp.seq,
  };
  store.aliases.set(key, record);
  return aliasAnswer(store, Code.ExecuteSuccess, record);
}

/** Updates an alias (repoint, comment, owners): 400304 when missing, 200002 when unchanged. */
export function updateAlias(store: PolarisStore, m: DecodedMessage): JsonObject {
  const invalid = checkAlias(m, Code.InvalidNamespaceWithAlias);
  if (invalid !== Code.ExecuteSuccess) return aliasItem(invalid, m);
  const record = store.aliases.get(
    nameKey(str(m, "alias_namespace") as string, str(m, "alias") as string),
  );
  if (record === undefined) return aliasItem(Code.NotFoundServiceAlias, m);
  const source = checkSource(store, m);
  if (source !== Code.ExecuteSuccess) return aliasItem(source, m);
  const next = {
    service: str(m, "service") as string,
    namespace: str(m, "namespace") as string,
    comment: str(m, "comment") ?? record.comment,
    owners: str(m, "owners") ?? record.owners,
  };
  const same = next.service === record.service && next.namespace === record.namespace &&
    next.comment === record.comment && next.owners === record.owners;
  if (same) return aliasItem(Code.NoNeedUpdate, m);
  const stamp = store.tick();
  Object.assign(record, next, { mtime: stamp.time, seq: stamp.seq });
  return aliasAnswer(store, Code.ExecuteSuccess, record);
}

/**
 * Deletes aliases by `alias` + `alias_namespace`; a missing one is 400304. Like the server, the
 * name of a real service deletes that service, skipping the 400204/400210 guards (reference §1.3).
 */
export function deleteAliases(
  store: PolarisStore,
  items: readonly DecodedMessage[],
  options: WriteOptions,
): JsonObject {
  return runBatch(items, {
    mode: options.validation,
    check: (m) => {
      const ns = checkAliasNamespace(str(m, "alias_namespace"), Code.InvalidNamespaceWithAlias);
      if (ns !== Code.ExecuteSuccess) return ns;
      return validService(str(m, "alias")) ? Code.ExecuteSuccess : Code.InvalidServiceAlias;
    },
    failed: aliasItem,
    execute: (m) => {
      const key = nameKey(str(m, "alias_namespace") as string, str(m, "alias") as string);
      if (store.aliases.delete(key) || store.services.delete(key)) {
        return aliasItem(Code.ExecuteSuccess, m);
      }
      return aliasItem(Code.NotFoundServiceAlias, m);
    },
  });
}
