/**
 * What an operator reads of the running system (SPEC §6), built by `createSystem` over in-memory
 * cluster sources and the Polaris emulator: every Service the sources know is on
 * `/debug/services` with each cluster's sync reason, sorted and paged, filtered by reason, and its
 * detail answers (404 only for a Service no cluster has); the logs say "cluster source listed"
 * once per cluster, every alias write, and clusters that disagree, whose Event is planned.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../adapters/config/load_config.ts";
import { createLogger } from "../../adapters/log/mod.ts";
import { PolarisClient } from "../../adapters/polaris/mod.ts";
import { createSystem, type System } from "../../actors/system.ts";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { group, ListingOnStart } from "./harness.ts";

interface Line {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

interface Item {
  readonly key: string;
  readonly state: string;
  readonly sync: readonly { clusterName: string; code: string; message: string }[];
}

const svc = (
  namespace: string,
  name: string,
  annotations: Record<string, string> = {},
  type = "ClusterIP",
) => ({ namespace, name, type, annotations });

const ALIAS = {
  "polarismesh.cn/aliasService": "basket",
  "polarismesh.cn/aliasNamespace": "shared",
};

/** Starts a system on two listing-on-start memory sources, filled by `fill` before it starts. */
async function startSystem(fill: (a: ListingOnStart, b: ListingOnStart) => void) {
  const emulator = await startPolarisEmulator();
  const yaml = ["serviceSync:", "  mode: all", "  debounce: 10ms"].join("\n");
  const loaded = loadConfig(
    ["--config", "mesh.yaml", "--cluster-name", "cluster-a", "--polaris-address", emulator.url],
    { env: {}, readTextFile: () => yaml, inCluster: true },
  );
  if (loaded.kind !== "config") throw new Error(JSON.stringify(loaded));
  const lines: Line[] = [];
  const log = createLogger({
    level: "debug",
    format: "json",
    write: (line) => lines.push(JSON.parse(line)),
  });
  const a = new ListingOnStart("cluster-a");
  const b = new ListingOnStart("cluster-b");
  fill(a, b);
  const system = createSystem({
    config: loaded.config,
    log,
    sources: [a, b],
    api: new PolarisClient({ baseUrl: emulator.url, timeoutMs: 2000, maxRetries: 1 }),
  });
  await system.start();
  await until(() => system.supervisor.settled, "the system to settle");
  return {
    system,
    emulator,
    a,
    b,
    lines,
    stop: async () => {
      await system.stop();
      await emulator.stop();
    },
  };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function list(system: System, filter: Record<string, string> = {}, offset = 0, limit = 100) {
  const page = system.view.services(filter, offset, limit);
  return { total: page.total, items: page.items as Item[] };
}

Deno.test("/debug/services lists every Service the sources know, with each cluster's reason", async () => {
  const s = await startSystem((a, b) => {
    a.setNamespace({ name: "legacy", annotations: { "polarismesh.cn/sync": "false" } });
    a.setService(svc("shop", "cart"));
    a.setEndpoints("shop", "cart", [group(["10.0.0.1"])]);
    a.setService(svc("shop", "cdn", {}, "ExternalName"));
    a.setService(svc("legacy", "inventory"));
    a.setService(svc("kube-system", "kube-dns"));
    a.setService(svc("shop", "opted", { "polarismesh.cn/sync": "false" }));
    b.setService(svc("shop", "opted", { "polarismesh.cn/sync": "false" }));
    b.setService(svc("shop", "cart", { "polarismesh.cn/sync": "false" }));
  });
  try {
    const all = list(s.system);
    assert.deepStrictEqual(all.items.map((i) => [i.key, i.state]), [
      ["kube-system/kube-dns", "unsynced"],
      ["legacy/inventory", "unsynced"],
      ["shop/cart", "synced"],
      ["shop/cdn", "unsynced"],
      ["shop/opted", "unsynced"],
    ]);
    const byKey = Object.fromEntries(all.items.map((i) => [i.key, i.sync]));
    assert.deepStrictEqual(byKey["shop/cdn"].map((r) => [r.clusterName, r.code]), [[
      "cluster-a",
      "external-name",
    ]]);
    assert.ok(byKey["shop/cdn"][0].message.includes("ExternalName"));
    assert.deepStrictEqual(byKey["kube-system/kube-dns"][0].code, "ignored-namespace");
    assert.deepStrictEqual(byKey["legacy/inventory"][0].code, "namespace-annotation-false");
    assert.deepStrictEqual(byKey["shop/opted"].map((r) => r.clusterName), [
      "cluster-a",
      "cluster-b",
    ]);
    // An actor's row says per cluster too: synced in a, opted out in b.
    assert.deepStrictEqual(byKey["shop/cart"].map((r) => r.code), [
      "synced",
      "service-annotation-false",
    ]);

    // Paged in key order; filtered by state and by reason (an actor matches on any cluster's).
    const second = list(s.system, {}, 2, 2);
    assert.deepStrictEqual([second.total, second.items.map((i) => i.key)], [5, [
      "shop/cart",
      "shop/cdn",
    ]]);
    assert.deepStrictEqual(list(s.system, { state: "unsynced" }).total, 4);
    assert.deepStrictEqual(
      list(s.system, { reason: "service-annotation-false" }).items.map((i) => i.key),
      ["shop/cart", "shop/opted"],
    );
    assert.deepStrictEqual(
      list(s.system, { reason: "external-name", namespace: "shop" }).items.map((i) => i.key),
      ["shop/cdn"],
    );
    const overview = s.system.view.overview() as { states: Record<string, number> };
    assert.deepStrictEqual([overview.states.unsynced, overview.states.synced], [4, 1]);

    // The detail of a Service without an actor answers, with its reasons; an unknown one is 404.
    const cdn = await s.system.view.service("shop", "cdn") as Item & { desired: unknown[] };
    assert.deepStrictEqual([cdn.state, cdn.sync[0].code, cdn.desired], [
      "unsynced",
      "external-name",
      [],
    ]);
    assert.deepStrictEqual(await s.system.view.service("shop", "nothing"), undefined);

    // Released: opted out after being synced, its actor is gone, and it is still shown.
    s.a.setService(svc("shop", "cart", { "polarismesh.cn/sync": "false" }));
    await until(() => s.system.supervisor.summary("shop/cart") === undefined, "cart released");
    const released = await s.system.view.service("shop", "cart") as Item;
    assert.deepStrictEqual(
      [released.state, released.sync.map((r) => r.code)],
      ["unsynced", ["service-annotation-false", "service-annotation-false"]],
    );
    assert.deepStrictEqual(list(s.system, { state: "unsynced" }).total, 5);
  } finally {
    await s.stop();
  }
});

Deno.test("the system logs each cluster's first list once, and every alias write", async () => {
  const s = await startSystem((a, b) => {
    a.setService(svc("shop", "cart", ALIAS));
    a.setEndpoints("shop", "cart", [group(["10.0.0.1"])]);
    b.setService(svc("shop", "other"));
  });
  try {
    const listed = s.lines.filter((l) => l.msg === "cluster source listed").map((l) => l.cluster);
    assert.deepStrictEqual(listed, ["cluster-a", "cluster-b"]);
    const aliasLines = () =>
      s.lines.filter((l) => l.msg.startsWith("alias ")).map((l) => [
        l.level,
        l.msg,
        l.alias,
        l.service,
      ]);
    assert.deepStrictEqual(aliasLines(), [["info", "alias created", "shared/basket", "shop/cart"]]);
    s.a.setService(svc("shop", "cart", { ...ALIAS, "polarismesh.cn/aliasService": "trolley" }));
    await until(() => aliasLines().length === 3, "the move logged");
    s.a.setService(svc("shop", "cart"));
    await until(() => aliasLines().length === 4, "the delete logged");
    assert.deepStrictEqual(aliasLines().slice(1), [
      ["info", "alias deleted", "shared/basket", "shop/cart"],
      ["info", "alias created", "shared/trolley", "shop/cart"],
      ["info", "alias deleted", "shared/trolley", "shop/cart"],
    ]);
  } finally {
    await s.stop();
  }
});

Deno.test("the system logs clusters that disagree and plans their Event on both copies", async () => {
  const s = await startSystem((a, b) => {
    a.setService(svc("shop", "cart", { "polarismesh.cn/weight": "50" }));
    a.setEndpoints("shop", "cart", [group(["10.0.0.1"])]);
    b.setService(svc("shop", "cart"));
    b.setEndpoints("shop", "cart", [group(["10.1.0.1"])]);
  });
  try {
    const warned = s.lines.filter((l) => l.msg === "clusters disagree");
    assert.ok(warned.length >= 1, "logged");
    assert.deepStrictEqual([warned[0].level, warned[0].service, warned[0].code], [
      "warn",
      "shop/cart",
      "clusters-disagree",
    ]);
    assert.ok(String(warned[0].problem).includes('cluster-a "50", cluster-b (absent)'));
    // Memory sources have no Kubernetes API: the Event is logged instead, once per cluster.
    const events = s.lines.filter((l) => l.msg === "no Kubernetes API for an Event; logged only")
      .map((l) => [l.cluster, l.reason]);
    assert.deepStrictEqual(events.slice(0, 2), [["cluster-a", "SyncInvalid"], [
      "cluster-b",
      "SyncInvalid",
    ]]);
    // Each cluster's instances carry their own weight.
    const weights = s.emulator.state.instances({ namespace: "shop", service: "cart" })
      .map((i) => [i.host, i.weight]).sort();
    assert.deepStrictEqual(weights, [["10.0.0.1", 50], ["10.1.0.1", 100]]);
  } finally {
    await s.stop();
  }
});
