import assert from "node:assert/strict";
import type { ClusterView } from "./cluster.ts";
import type { ServiceInfo } from "./kubernetes.ts";
import { serviceIntent, serviceWanted } from "./service_intent.ts";

/** A cluster with one Service `shop/cart` (annotations given) and one ready endpoint. */
function cluster(clusterName: string, annotations: Record<string, string> | null): ClusterView {
  const service: ServiceInfo | undefined = annotations === null
    ? undefined
    : { namespace: "shop", name: "cart", type: "ClusterIP", annotations };
  return {
    clusterName,
    namespace: (name) => (name === "shop" ? { name, annotations: {} } : undefined),
    service: (namespace, name) => (namespace === "shop" && name === "cart" ? service : undefined),
    services: () => (service ? [service] : []),
    servicesInNamespace: () => (service ? [service] : []),
    endpoints: () => [{
      addresses: [{ address: "10.0.0.1", ready: true, terminating: false }],
      ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    }],
    podLabels: () => undefined,
  };
}

const sources = (...views: ClusterView[]) => ({
  views,
  policy: { mode: "all" as const, ignoredNamespaces: [] },
  ownerSource: "polaris-controller",
  podLabelPolicy: { kind: "all" as const },
});

Deno.test("serviceIntent(): a synced cluster wants its endpoints; an absent one says so", () => {
  const intent = serviceIntent(sources(cluster("a", {}), cluster("b", null)), "shop", "cart");
  assert.deepStrictEqual(intent.wanted, true);
  assert.deepStrictEqual(intent.desired.map((d) => [d.host, d.port, d.metadata.clusterName]), [[
    "10.0.0.1",
    8080,
    "a",
  ]]);
  assert.deepStrictEqual(intent.clusters.map((c) => [c.clusterName, c.status]), [["a", "synced"], [
    "b",
    "absent",
  ]]);
});

Deno.test("serviceIntent(): opted out is off and unwanted; a bad sync value is held, fatal", () => {
  const off = serviceIntent(
    sources(cluster("a", { "polarismesh.cn/sync": "false" })),
    "shop",
    "cart",
  );
  assert.deepStrictEqual([off.wanted, off.clusters[0].status, off.desired.length], [
    false,
    "off",
    0,
  ]);
  const held = serviceIntent(
    sources(cluster("a", { "polarismesh.cn/sync": "maybe" })),
    "shop",
    "cart",
  );
  assert.deepStrictEqual([held.wanted, held.clusters[0].status], [true, "held"]);
  assert.deepStrictEqual(held.problems.map((p) => [p.code, p.fatal]), [[
    "invalid-annotation",
    true,
  ]]);
});

Deno.test("serviceWanted() agrees with serviceIntent() without reading endpoints", () => {
  const cases: Record<string, string>[] = [
    {},
    { "polarismesh.cn/sync": "false" },
    { "polarismesh.cn/sync": "x" },
  ];
  for (const annotations of cases) {
    const s = sources(cluster("a", annotations));
    assert.deepStrictEqual(
      serviceWanted(s, "shop", "cart"),
      serviceIntent(s, "shop", "cart").wanted,
    );
  }
});

Deno.test("serviceIntent(): a bad weight or metadata holds the cluster, fatal, nothing desired", () => {
  const bad: Record<string, string>[] = [
    { "polarismesh.cn/weight": "heavy" },
    { "polarismesh.cn/metadata": "{oops" },
  ];
  for (const annotations of bad) {
    const held = serviceIntent(sources(cluster("a", annotations)), "shop", "cart");
    assert.deepStrictEqual([held.wanted, held.clusters[0].status, held.desired], [
      true,
      "held",
      [],
    ]);
    assert.deepStrictEqual(held.problems.map((p) => p.fatal), [true]);
    assert.deepStrictEqual(held.clusters[0].reason, held.problems[0].message);
  }
});

Deno.test("serviceIntent(): an alias only on cluster b is reported, cluster a's (none) applies", () => {
  const intent = serviceIntent(
    sources(
      cluster("a", {}),
      cluster("b", {
        "polarismesh.cn/aliasNamespace": "shared",
        "polarismesh.cn/aliasService": "cart-alias",
      }),
    ),
    "shop",
    "cart",
  );
  assert.deepStrictEqual(intent.alias, { kind: "none" });
  assert.deepStrictEqual(intent.problems.map((p) => [p.code, p.fatal]), [[
    "clusters-disagree",
    false,
  ]]);
  assert.ok(intent.problems[0].message.includes('b "shared/cart-alias"'), "cluster b's value");
  // A held cluster is not compared: its values do not apply.
  const oneSynced = serviceIntent(
    sources(cluster("a", {}), cluster("b", { "polarismesh.cn/weight": "heavy" })),
    "shop",
    "cart",
  );
  assert.deepStrictEqual(oneSynced.problems.map((p) => p.code), ["invalid-weight"]);
});

// Found by actors/reconcile_fuzz_test.ts, shrunk to one cluster whose Service has the alias pair
// shared/cart-alias and polarismesh.cn/sync "": the held cluster gave no alias intent, so the
// reconcile planned "no alias" and deleted the alias this controller had made.
Deno.test("serviceIntent(): a held cluster holds the alias too, whatever its annotations ask", () => {
  const alias = {
    "polarismesh.cn/aliasService": "cart-alias",
    "polarismesh.cn/aliasNamespace": "shared",
  };
  const held = serviceIntent(
    sources(cluster("a", { ...alias, "polarismesh.cn/sync": "" })),
    "shop",
    "cart",
  );
  assert.equal(held.alias.kind, "invalid");
  assert.deepStrictEqual(held.problems.map((p) => p.code), ["invalid-annotation"]);
  // The first cluster that syncs or holds the Service decides, as a synced one does.
  const heldFirst = serviceIntent(
    sources(cluster("a", { "polarismesh.cn/sync": "True" }), cluster("b", alias)),
    "shop",
    "cart",
  );
  assert.equal(heldFirst.alias.kind, "invalid");
  const syncedFirst = serviceIntent(
    sources(cluster("b", alias), cluster("a", { "polarismesh.cn/sync": "True" })),
    "shop",
    "cart",
  );
  assert.deepStrictEqual(syncedFirst.alias, {
    kind: "alias",
    alias: "cart-alias",
    aliasNamespace: "shared",
  });
});
