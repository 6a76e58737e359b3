/**
 * Reads what the Polaris server holds, directly on the server (never through a fault proxy):
 * every namespace's instances (paged by 100) and every alias. v1.18.1 with the boltdb store keeps
 * listing an instance deleted more than 5 s after its last write (docs/decisions.md §12); the
 * server's operation log says which instances the store really deleted, so an instance whose last
 * logged operation is a delete is left out, as `storedInstances` does in the journeys.
 *
 * @module
 */

import type { PolarisAlias, PolarisInstance, PolarisSnapshot } from "./polaris_objects.ts";

/** Where the server is. */
export interface PolarisServerRef {
  readonly url: string;
  readonly token: string;
  /** The server's working folder (holds `log/operation/polaris-history.log`). */
  readonly dir: string;
}

type Json = Record<string, unknown>;

async function call(server: PolarisServerRef, path: string): Promise<Json> {
  const response = await fetch(`${server.url}${path}`, {
    headers: { "X-Polaris-Token": server.token },
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const json = JSON.parse(text) as Json;
  if (json.code !== 200000) throw new Error(`Cannot read ${path}: ${json.code} ${json.info}`);
  return json;
}

async function readAll(
  server: PolarisServerRef,
  path: string,
  field: string,
  query: Record<string, string>,
): Promise<Json[]> {
  const out: Json[] = [];
  for (let offset = 0;; offset += 100) {
    const search = new URLSearchParams({ ...query, offset: String(offset), limit: "100" });
    const json = await call(server, `${path}?${search}`);
    const page = (json[field] as Json[] | null) ?? [];
    out.push(...page);
    if (page.length < 100 || out.length >= Number(json.amount)) return out;
  }
}

/** `namespace/service/host:port` of every instance whose last logged operation is a delete. */
export async function deletedInStore(server: PolarisServerRef): Promise<Set<string>> {
  let text = "";
  try {
    text = await Deno.readTextFile(`${server.dir}/log/operation/polaris-history.log`);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  // `time|Instance|service(host:port)|namespace|Create|operator|detail|server`, in write order.
  const last = new Map<string, string>();
  for (const line of text.split("\n")) {
    const [, type, name, namespace, operation] = line.split("|");
    if (type !== "Instance" || !name?.endsWith(")")) continue;
    const open = name.lastIndexOf("(");
    last.set(`${namespace}/${name.slice(0, open)}/${name.slice(open + 1, -1)}`, operation);
  }
  return new Set([...last].filter(([, op]) => op === "Delete").map(([key]) => key));
}

function plainInstance(raw: Json): PolarisInstance {
  return {
    id: String(raw.id),
    namespace: String(raw.namespace),
    service: String(raw.service),
    host: String(raw.host),
    port: Number(raw.port),
    protocol: String(raw.protocol ?? ""),
    version: String(raw.version ?? ""),
    weight: Number(raw.weight ?? 0),
    healthy: raw.healthy === true,
    isolate: raw.isolate === true,
    enableHealthCheck: raw.enableHealthCheck === true,
    metadata: (raw.metadata as Record<string, string> | null) ?? {},
    revision: String(raw.revision ?? ""),
  };
}

/** Reads every instance of every namespace and every alias. */
export async function readPolaris(server: PolarisServerRef): Promise<PolarisSnapshot> {
  const deleted = await deletedInStore(server);
  const namespaces = await readAll(server, "/naming/v1/namespaces", "namespaces", {});
  const instances: PolarisInstance[] = [];
  for (const namespace of namespaces) {
    const raw = await readAll(server, "/naming/v1/instances", "instances", {
      namespace: String(namespace.name),
    });
    for (const instance of raw.map(plainInstance)) {
      const key = `${instance.namespace}/${instance.service}/${instance.host}:${instance.port}`;
      if (!deleted.has(key)) instances.push(instance);
    }
  }
  const aliases = (await readAll(server, "/naming/v1/service/aliases", "aliases", {})).map((
    a,
  ): PolarisAlias => ({
    alias: String(a.alias),
    aliasNamespace: String(a.alias_namespace),
    namespace: String(a.namespace),
    service: String(a.service),
    comment: String(a.comment ?? ""),
  }));
  return { instances, aliases };
}
