/**
 * The Polaris side of an end-to-end journey: a real PolarisMesh server with a fault proxy in front.
 * The controller talks to the proxy (`url`); the journey reads and edits the registry directly on
 * the server (`serverUrl`), with plain HTTP and the owner's token, so its own reads are neither
 * counted nor faulted and do not go through the product's client.
 *
 * Reads go through the server's console API. Its instance and service listings answer from the
 * server's caches (an instance listing pulls the store's changes first, so a write shows at once),
 * its alias and namespace listings from the store; the discovery API answers from the caches as
 * refreshed every second. The instance cache can miss a delete for good: see `storedInstances`.
 *
 * @module
 */

import type { RegisteredInstance as DomainInstance } from "../../domain/polaris.ts";
import { type Fault, type FaultProxy, type SeenWrite, startFaultProxy } from "./fault_proxy.ts";
import {
  type PolarisServer,
  type PolarisServerOptions,
  startPolarisServer,
} from "./polaris_server.ts";

export type { Fault, SeenWrite };

/**
 * An instance as the journey reads it back from the server (wire nulls made plain): the fields of
 * the product's `RegisteredInstance`, read here by plain HTTP, plus the server's times.
 */
export interface RegisteredInstance extends Omit<DomainInstance, "revision"> {
  /** `YYYY-MM-DD hh:mm:ss`, second resolution. */
  readonly ctime: string;
  readonly mtime: string;
  /** Changes on every write of the instance. */
  readonly revision: string;
}

/** A Polaris service as read back. */
export interface RegisteredService {
  readonly namespace: string;
  readonly name: string;
  readonly comment: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A service alias as read back. */
export interface RegisteredAlias {
  readonly alias: string;
  readonly aliasNamespace: string;
  readonly service: string;
  readonly namespace: string;
  readonly comment: string;
}

/** An instance to seed, as another tool (or polaris-controller) would have registered it. */
export interface SeedInstance {
  readonly namespace: string;
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly protocol?: string;
  readonly version?: string;
  readonly weight?: number;
  readonly healthy?: boolean;
  readonly isolate?: boolean;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Names one instance. */
export interface InstanceKey {
  readonly namespace: string;
  readonly service: string;
  readonly host: string;
  readonly port: number;
}

/** A running Polaris for one journey. */
export interface PolarisTarget extends Omit<FaultProxy, "url" | "stop"> {
  /** The proxy's URL: what the controller is configured with. */
  readonly url: string;
  /** The server itself, for reads that must bypass the proxy. */
  readonly serverUrl: string;
  /** The owner's console token; the controller's `accessToken`. */
  readonly token: string;
  /** The server process (for its log and pid). */
  readonly server: PolarisServer;
  /** The instances of one service, sorted by host then port. */
  instances(namespace: string, service: string): Promise<RegisteredInstance[]>;
  /**
   * The instances of one service as the server's store holds them: `instances()` without the ones
   * the server has deleted since their last write ({@linkcode deletedInStore}). v1.18.1 with the
   * boltdb store keeps listing, in its console and discovery reads alike, an instance deleted more
   * than `cache.diffTime` (5 s) after its last write: the delete marks the row invalid but leaves
   * the mtime inside the row's proto, which is what each incremental cache pull filters on, so the
   * cache never drops it (`store/boltdb/instance.go` `BatchDeleteInstances`, `GetMoreInstances`).
   */
  storedInstances(namespace: string, service: string): Promise<RegisteredInstance[]>;
  /**
   * The `host:port` of each instance of one service whose last write the server recorded is a
   * delete, from its operation log (`log/operation/polaris-history.log`): the server writes a line
   * for every console create, update and delete of an instance once the store has done it.
   */
  deletedInStore(namespace: string, service: string): Promise<string[]>;
  /** The services of a namespace. */
  services(namespace: string): Promise<RegisteredService[]>;
  /** Whether a namespace exists. */
  hasNamespace(name: string): Promise<boolean>;
  /** The aliases whose alias lives in `aliasNamespace`. */
  aliases(aliasNamespace: string): Promise<RegisteredAlias[]>;
  /** Every alias, in any namespace (the listing with no filter; it answers from the store). */
  allAliases(): Promise<RegisteredAlias[]>;
  /** Registers instances as another tool would; resolves once a read shows every one. */
  seedInstances(instances: readonly SeedInstance[]): Promise<void>;
  /** Creates services (and their namespaces). */
  seedServices(
    services: readonly { namespace: string; name: string; comment?: string }[],
  ): Promise<void>;
  /** Creates aliases (their source services must exist). */
  seedAliases(aliases: readonly Omit<RegisteredAlias, "comment">[]): Promise<void>;
  /** Deletes one instance as a console user would. */
  deleteInstance(key: InstanceKey): Promise<void>;
  /**
   * Sends one heartbeat for an instance as its workload would (`POST /v1/Heartbeat`); resolves
   * with the server's code (200000, or 400141 when the instance has no heartbeat check).
   */
  heartbeat(key: InstanceKey): Promise<number>;
  /** Edits one instance as a console user would (the fields given, the rest kept). */
  updateInstance(key: InstanceKey, patch: Partial<SeedInstance>): Promise<void>;
  /** Deletes a service as a console user would; rejects while it holds instances (400204). */
  deleteService(namespace: string, name: string): Promise<void>;
  /** Deletes a namespace as a console user would; rejects while it holds services (400203). */
  deleteNamespace(name: string): Promise<void>;
  /** Stops the proxy, then the server. */
  stop(): Promise<void>;
}

/** Starts a real Polaris server (with `options`, e.g. another config) and a fault proxy in front. */
export async function startRealPolaris(
  options: PolarisServerOptions = {},
): Promise<PolarisTarget> {
  const server = await startPolarisServer(options);
  let proxy: FaultProxy;
  try {
    proxy = await startFaultProxy(server.url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const headers = { "Content-Type": "application/json", "X-Polaris-Token": server.token };

  const call = async (method: "GET" | "POST" | "PUT", path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    }
    return json;
  };
  const write = async (method: "POST" | "PUT", path: string, body: unknown[]) => {
    const json = await call(method, path, body);
    // 200000 done, 200001 nothing to do, 400201 already there: each leaves the wanted state.
    const fine = (code: unknown) => [200000, 200001, 400201].includes(code as number);
    if (fine(json.code)) return;
    const items = (json.responses as { code: number; info: string }[] | null) ?? [];
    if (items.length > 0 && items.every((item) => fine(item.code))) return;
    throw new Error(`${method} ${path}: ${json.code} ${json.info} ${JSON.stringify(items)}`);
  };
  const readAll = async <T>(path: string, field: string, query: Record<string, string>) => {
    const out: T[] = [];
    for (let offset = 0;; offset += 100) {
      const search = new URLSearchParams({ ...query, offset: String(offset), limit: "100" });
      const json = await call("GET", `${path}?${search}`);
      if (json.code !== 200000) throw new Error(`GET ${path}: ${json.code} ${json.info}`);
      const page = (json[field] as T[] | null) ?? [];
      out.push(...page);
      if (page.length < 100 || out.length >= Number(json.amount)) return out;
    }
  };
  const instances = async (namespace: string, service: string) => {
    const raw = await readAll<Record<string, unknown>>("/naming/v1/instances", "instances", {
      namespace,
      service,
    });
    return raw.map(plainInstance).sort((a, b) =>
      a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1
    );
  };
  const deletedInStore = async (namespace: string, service: string) => {
    let text = "";
    try {
      text = await Deno.readTextFile(`${server.dir}/log/operation/polaris-history.log`);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    // `time|Instance|service(host:port)|namespace|Create|operator|detail|server`, in write order.
    const last = new Map<string, string>();
    for (const line of text.split("\n")) {
      const [, type, name, ns, operation] = line.split("|");
      if (type !== "Instance" || ns !== namespace || !name?.startsWith(`${service}(`)) continue;
      last.set(name.slice(service.length + 1, -1), operation);
    }
    return [...last].filter(([, operation]) => operation === "Delete").map(([key]) => key).sort();
  };
  const plainAlias = (a: Record<string, unknown>): RegisteredAlias => ({
    alias: String(a.alias),
    aliasNamespace: String(a.alias_namespace),
    service: String(a.service),
    namespace: String(a.namespace),
    comment: String(a.comment ?? ""),
  });

  return {
    url: proxy.url,
    serverUrl: server.url,
    token: server.token,
    server,
    requests: proxy.requests,
    writes: proxy.writes,
    resetRequests: proxy.resetRequests,
    injectFault: proxy.injectFault,
    clearFaults: proxy.clearFaults,
    staleReads: proxy.staleReads,
    instances,
    async storedInstances(namespace, service) {
      const gone = new Set(await deletedInStore(namespace, service));
      return (await instances(namespace, service)).filter((i) => !gone.has(`${i.host}:${i.port}`));
    },
    deletedInStore,
    async services(namespace) {
      const raw = await readAll<Record<string, unknown>>("/naming/v1/services", "services", {
        namespace,
      });
      return raw.map((s) => ({
        namespace: String(s.namespace),
        name: String(s.name),
        comment: String(s.comment ?? ""),
        metadata: (s.metadata as Record<string, string> | null) ?? {},
      }));
    },
    async hasNamespace(name) {
      const raw = await readAll<{ name: string }>("/naming/v1/namespaces", "namespaces", { name });
      return raw.some((n) => n.name === name);
    },
    async aliases(aliasNamespace) {
      const raw = await readAll<Record<string, unknown>>(
        "/naming/v1/service/aliases",
        "aliases",
        { alias_namespace: aliasNamespace },
      );
      return raw.map(plainAlias);
    },
    async allAliases() {
      return (await readAll<Record<string, unknown>>("/naming/v1/service/aliases", "aliases", {}))
        .map(plainAlias);
    },
    async heartbeat(key) {
      const json = await call("POST", "/v1/Heartbeat", { ...key });
      return Number(json.code);
    },
    async seedInstances(list) {
      await write(
        "POST",
        "/naming/v1/instances",
        list.map((i) => ({ weight: 100, healthy: true, isolate: false, ...i })),
      );
      const deadline = Date.now() + 10_000;
      for (const i of list) {
        while (
          !(await instances(i.namespace, i.service)).some((r) =>
            r.host === i.host && r.port === i.port
          )
        ) {
          if (Date.now() > deadline) {
            throw new Error(`seeded instance ${i.host}:${i.port} never showed`);
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    },
    async seedServices(list) {
      await write(
        "POST",
        "/naming/v1/namespaces",
        [...new Set(list.map((s) => s.namespace))].map((name) => ({ name })),
      );
      await write("POST", "/naming/v1/services", list.map((s) => ({ ...s, owners: "polaris" })));
    },
    async seedAliases(list) {
      await write(
        "POST",
        "/naming/v1/namespaces",
        [...new Set(list.map((a) => a.aliasNamespace))].map((name) => ({ name })),
      );
      for (const a of list) {
        const json = await call("POST", "/naming/v1/service/alias", {
          alias: a.alias,
          alias_namespace: a.aliasNamespace,
          service: a.service,
          namespace: a.namespace,
          owners: "polaris",
        });
        if (json.code !== 200000) {
          throw new Error(`seed alias ${a.alias}: ${json.code} ${json.info}`);
        }
      }
    },
    async deleteInstance(key) {
      await write("POST", "/naming/v1/instances/delete", [key]);
    },
    async updateInstance(key, patch) {
      const [current] = (await instances(key.namespace, key.service)).filter((i) =>
        i.host === key.host && i.port === key.port
      );
      if (!current) throw new Error(`no instance ${key.host}:${key.port} to edit`);
      await write("PUT", "/naming/v1/instances", [{
        namespace: key.namespace,
        service: key.service,
        host: key.host,
        port: key.port,
        protocol: current.protocol,
        version: current.version,
        weight: current.weight,
        healthy: current.healthy,
        isolate: current.isolate,
        metadata: current.metadata,
        ...patch,
      }]);
    },
    async deleteService(namespace, name) {
      await write("POST", "/naming/v1/services/delete", [{ namespace, name }]);
    },
    async deleteNamespace(name) {
      await write("POST", "/naming/v1/namespaces/delete", [{ name }]);
    },
    async stop() {
      await proxy.stop();
      await server.stop();
    },
  };
}

function heartbeatTtl(raw: Record<string, unknown>): number | undefined {
  const check = raw.healthCheck as { heartbeat?: { ttl?: number } } | null | undefined;
  return check?.heartbeat?.ttl ?? undefined;
}

function plainInstance(raw: Record<string, unknown>): RegisteredInstance {
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
    ...(heartbeatTtl(raw) ? { healthCheckTtl: heartbeatTtl(raw) } : {}),
    vpcId: String(raw.vpc_id ?? ""),
    metadata: (raw.metadata as Record<string, string> | null) ?? {},
    ctime: String(raw.ctime ?? ""),
    mtime: String(raw.mtime ?? ""),
    revision: String(raw.revision ?? ""),
  };
}

/**
 * The same target, with `instances` answering as the store holds them (`storedInstances`), so the
 * journey kit's reads and waits (`instancesOf`, `waitHosts`) see deletes the server's own listing
 * may never show. The controller still reads the server's listing, as it would in production.
 */
export function withStoreReads(target: PolarisTarget): PolarisTarget {
  return { ...target, instances: target.storedInstances };
}
