/**
 * Namespace batch writes (reference §1.1). Their top-level code is the highest failing item code
 * (`api.Collect`), not the `FormatBatchWriteResponse` rule: a mix of created and existing
 * namespaces answers 400201.
 *
 * @module
 */

import { Code, collectCode } from "./codes.ts";
import { batchWriteBody, echo, type JsonObject, toWire, wireResponse } from "./render.ts";
import type { PolarisStore } from "./store.ts";
import { type DecodedMessage, str } from "./wire_decode.ts";
import { NAMESPACE } from "./wire_schemas.ts";
import { validNamespace } from "./validate.ts";

function item(code: number, namespace: JsonObject): JsonObject {
  return wireResponse(code, { namespace });
}

function finish(responses: readonly JsonObject[]): JsonObject {
  return batchWriteBody(collectCode(responses.map((r) => r.code as number)), responses);
}

function stringList(m: DecodedMessage, field: string): string[] {
  const v = m[field];
  return Array.isArray(v) ? [...v] : [];
}

/** Creates namespaces; an existing one is item code 400201. */
export function createNamespaces(
  store: PolarisStore,
  items: readonly DecodedMessage[],
): JsonObject {
  const stamp = store.tick();
  const responses = items.map((m) => {
    const name = str(m, "name");
    if (!validNamespace(name)) return item(Code.InvalidNamespaceName, echo(NAMESPACE, m));
    if (store.namespaces.has(name)) return item(Code.ExistedResource, echo(NAMESPACE, m));
    const record = store.putNamespace(name, stamp, str(m, "owners") ?? "");
    record.comment = str(m, "comment") ?? "";
    record.serviceExportTo = stringList(m, "service_export_to");
    return item(Code.ExecuteSuccess, toWire(NAMESPACE, { name, token: record.token }));
  });
  return finish(responses);
}

/**
 * Updates namespaces: comment and owners when present; `service_export_to` is replaced even when
 * omitted (`updateNamespaceAttribute`). A missing namespace is 400202.
 */
export function updateNamespaces(
  store: PolarisStore,
  items: readonly DecodedMessage[],
): JsonObject {
  const stamp = store.tick();
  const responses = items.map((m) => {
    const name = str(m, "name");
    if (!validNamespace(name)) return item(Code.InvalidNamespaceName, echo(NAMESPACE, m));
    const record = store.namespaces.get(name);
    if (record === undefined) return item(Code.NotFoundResource, echo(NAMESPACE, m));
    record.comment = str(m, "comment") ?? record.comment;
    record.owners = str(m, "owners") ?? record.owners;
    record.serviceExportTo = stringList(m, "service_export_to");
    record.mtime = stamp.time;
    record.seq = stamp.seq;
    return item(Code.ExecuteSuccess, echo(NAMESPACE, m));
  });
  return finish(responses);
}

/** Deletes namespaces; a missing one is success, one holding services or aliases is 400203. */
export function deleteNamespaces(
  store: PolarisStore,
  items: readonly DecodedMessage[],
): JsonObject {
  const responses = items.map((m) => {
    const name = str(m, "name");
    if (!validNamespace(name)) return item(Code.InvalidNamespaceName, echo(NAMESPACE, m));
    const inUse = [...store.services.values(), ...store.aliases.values()].some((r) =>
      ("aliasNamespace" in r ? r.aliasNamespace : r.namespace) === name
    );
    if (inUse) return item(Code.NamespaceExistedServices, echo(NAMESPACE, m));
    store.namespaces.delete(name);
    return item(Code.ExecuteSuccess, echo(NAMESPACE, m));
  });
  return finish(responses);
}
