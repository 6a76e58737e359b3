/**
 * The benchmark's Polaris side on the real PolarisMesh server, run as its own process like
 * `emulator_child.ts` and answering the same control server: the server (boltdb store, or the
 * MySQL store on a throwaway MariaDB), a counting proxy in front of it (`tests/polaris/
 * fault_proxy.ts`, no fault set) that the controller talks to, and the control server that the
 * benchmark reads the server through, straight and with the owner's token, so those reads are
 * never counted.
 *
 * `deno run --allow-all real_polaris_child.ts boltdb|mysql` prints one JSON line `{"polaris":
 * proxy url, "control": url, "token": owner token}` once everything answers; stops on SIGTERM or
 * SIGINT.
 *
 * @module
 */

import { startFaultProxy } from "../../tests/polaris/fault_proxy.ts";
import { type MariaDb, startMariaDb } from "../../tests/polaris/mariadb.ts";
import { boltdbServerConfig, mysqlServerConfig } from "../../tests/polaris/polaris_mysql_config.ts";
import { type PolarisServer, startPolarisServer } from "../../tests/polaris/polaris_server.ts";
import type { ControlInstance, VerifyAnswer } from "./emulator_child.ts";
import { readProcessUsage } from "./process_usage.ts";

/** The owner label pair the controller writes on every instance (`domain/` owner metadata). */
const OWNER_SOURCE = "polaris-controller";

/** Reads the server straight (not through the proxy), with the owner's token. */
export class ServerReader {
  readonly #url: string;
  readonly #token: string;

  /** Creates a reader of the server at `url`. */
  constructor(url: string, token: string) {
    this.#url = url;
    this.#token = token;
  }

  async #get(path: string, query: Record<string, string>): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.#url}${path}?${new URLSearchParams(query)}`, {
      headers: { "X-Polaris-Token": this.#token },
    });
    const json = await response.json() as Record<string, unknown>;
    if (json.code !== 200000) throw new Error(`GET ${path}: ${json.code} ${json.info}`);
    return json;
  }

  /** The `amount` of an instance listing (one page of one row is read). */
  async instanceAmount(query: Record<string, string>): Promise<number> {
    const json = await this.#get("/naming/v1/instances", { ...query, offset: "0", limit: "1" });
    return Number(json.amount ?? 0);
  }

  /**
   * The store's instance count (`GET /naming/v1/instances/count`: a row count in the store, not a
   * scan of the cache, so much cheaper than a filtered listing at 10 reads a second).
   */
  async storeCount(): Promise<number> {
    return Number((await this.#get("/naming/v1/instances/count", {})).amount ?? 0);
  }

  /** The number of instances the controller owns in each cluster of `clusters`. */
  async ownedByCluster(clusters: readonly string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const cluster of clusters) {
      out[cluster] = await this.instanceAmount({
        keys: "clusterName,source",
        values: `${cluster},${OWNER_SOURCE}`,
      });
    }
    return out;
  }

  /** Every instance of one service, as the control server reports them. */
  async serviceInstances(namespace: string, service: string): Promise<ControlInstance[]> {
    const rows: ControlInstance[] = [];
    for (let offset = 0;; offset += 100) {
      const json = await this.#get("/naming/v1/instances", {
        namespace,
        service,
        offset: String(offset),
        limit: "100",
      });
      const page = (json.instances as Record<string, unknown>[] | null) ?? [];
      for (const i of page) {
        const metadata = (i.metadata as Record<string, string> | null) ?? {};
        rows.push({
          host: String(i.host),
          port: Number(i.port),
          isolate: i.isolate === true,
          clusterName: metadata.clusterName ?? "",
        });
      }
      if (page.length < 100 || rows.length >= Number(json.amount)) return rows;
    }
  }

  /** The counts of a full check, read from listing amounts (no instance is transferred). */
  async verify(clusters: readonly string[]): Promise<VerifyAnswer> {
    const byCluster = await this.ownedByCluster(clusters);
    let isolated = 0;
    for (const cluster of clusters) {
      isolated += await this.instanceAmount({
        keys: "clusterName,source",
        values: `${cluster},${OWNER_SOURCE}`,
        isolate: "true",
      });
    }
    const services = Number(
      (await this.#get("/naming/v1/services", { offset: "0", limit: "1" }))
        .amount ?? 0,
    );
    const namespaces = Number(
      (await this.#get("/naming/v1/namespaces", { offset: "0", limit: "1" })).amount ?? 0,
    );
    const aliases = Number(
      (await this.#get("/naming/v1/service/aliases", { offset: "0", limit: "1" })).amount ?? 0,
    );
    return {
      instances: Object.values(byCluster).reduce((sum, n) => sum + n, 0),
      isolated,
      byCluster,
      services,
      namespaces,
      aliases,
    };
  }
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), { headers: { "content-type": "application/json" } });
}

/** The store behind the server. */
export type RealStore = "boltdb" | "mysql";

if (import.meta.main) {
  const store = Deno.args[0] as RealStore;
  if (store !== "boltdb" && store !== "mysql") {
    console.error(`usage: real_polaris_child.ts boltdb|mysql (got "${store}")`);
    Deno.exit(2);
  }
  let db: MariaDb | null = null;
  let server: PolarisServer;
  try {
    if (store === "mysql") db = await startMariaDb({ bufferPoolMb: 512 });
    server = await startPolarisServer({
      logLevel: "warn",
      config: db ? mysqlServerConfig(boltdbServerConfig(), db) : undefined,
    });
  } catch (error) {
    await db?.stop();
    console.error(`Cannot start the real Polaris server (${store}): ${error}`);
    Deno.exit(1);
  }
  const proxy = await startFaultProxy(server.url);
  const reader = new ServerReader(server.url, server.token);
  // The store's own rows (the server's polaris.checker instance), left out of every count.
  const baseline = await reader.storeCount();
  const control = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      const clusters = (url.searchParams.get("clusters") ?? "").split(",").filter((c) => c);
      try {
        switch (url.pathname) {
          case "/requests":
            return json(proxy.requests());
          case "/count":
            return json({ amount: (await reader.storeCount()) - baseline });
          case "/service":
            return json(
              await reader.serviceInstances(
                url.searchParams.get("namespace") ?? "",
                url.searchParams.get("service") ?? "",
              ),
            );
          case "/verify":
            return json(await reader.verify(clusters));
          case "/memory":
            return json({ ...Deno.memoryUsage(), rss: readProcessUsage("", server.pid).rssBytes });
          case "/usage":
            return json([
              readProcessUsage("polaris-server", server.pid),
              ...(db ? [readProcessUsage("mariadbd", db.pid)] : []),
              readProcessUsage("proxy", "self"),
            ]);
          default:
            return new Response("not found", { status: 404 });
        }
      } catch (error) {
        return new Response(String(error), { status: 500 });
      }
    },
  );
  console.log(JSON.stringify({
    polaris: proxy.url,
    control: `http://127.0.0.1:${control.addr.port}`,
    token: server.token,
  }));
  const shutdown = async () => {
    // A listener waits for its requests in flight; a killed scenario may leave some: 2 s at most.
    await Promise.race([
      Promise.allSettled([control.shutdown(), proxy.stop()]),
      new Promise((resolve) => setTimeout(resolve, 2_000)),
    ]);
    await server.stop();
    await db?.stop();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", shutdown);
  Deno.addSignalListener("SIGINT", shutdown);
}
