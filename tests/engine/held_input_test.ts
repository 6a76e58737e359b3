/**
 * Bad input is held, never half-applied (SPEC §2, docs/decisions.md §1), on the engine with the
 * Polaris emulator: an invalid `polarismesh.cn/weight` or `polarismesh.cn/metadata` keeps what is
 * registered (no write to the Service's instances), moves the actor to `invalid` with the reason
 * and plans a `SyncInvalid` Event, and the fixed annotation's value is applied. Clusters whose
 * copies disagree on the alias are reported, and the first cluster's value applies.
 */
import assert from "node:assert/strict";
import { serviceEvents } from "../../adapters/events/service_events.ts";
import { group, startEngine } from "./harness.ts";

const svc = (annotations: Record<string, string>) => ({
  namespace: "shop",
  name: "cart",
  type: "ClusterIP",
  annotations,
});

const LIVE = { "polarismesh.cn/weight": "500", "polarismesh.cn/metadata": '{"team":"a"}' };

for (
  const bad of [
    { annotation: "polarismesh.cn/weight", value: "heavy" },
    { annotation: "polarismesh.cn/metadata", value: '{"team":' },
    { annotation: "polarismesh.cn/metadata", value: '{"team":"b","replicas":3}' },
  ]
) {
  Deno.test(`engine holds a Service whose ${bad.annotation} turns ${bad.value}: registered instances keep their weight and metadata`, async () => {
    const e = await startEngine();
    try {
      const [a] = e.sources;
      a.setService(svc(LIVE));
      a.setEndpoints("shop", "cart", [group(["10.0.0.1", "10.0.0.2"])]);
      a.markSynced();
      await e.settle();
      const live = () =>
        e.emulator.state.instances({ namespace: "shop", service: "cart" })
          .map((i) => [i.host, i.weight, i.metadata.team]).sort();
      assert.deepStrictEqual(live(), [["10.0.0.1", 500, "a"], ["10.0.0.2", 500, "a"]]);

      e.emulator.resetRequests();
      a.setService(svc({ ...LIVE, [bad.annotation]: bad.value }));
      // A new endpoint while held is not registered either: nothing of the cluster is touched.
      a.setEndpoints("shop", "cart", [group(["10.0.0.1", "10.0.0.2", "10.0.0.3"])]);
      await e.until(() => e.supervisor.summary("shop/cart")?.state === "invalid", "held");
      await e.settle();
      assert.deepStrictEqual(e.writes(), {}, "no write to the Service's instances");
      assert.deepStrictEqual(live(), [["10.0.0.1", 500, "a"], ["10.0.0.2", 500, "a"]]);
      const held = e.supervisor.summary("shop/cart")!;
      assert.ok(held.lastError?.includes(bad.annotation), `reason named: ${held.lastError}`);
      assert.ok(held.lastError?.includes("held"), `the hold is said: ${held.lastError}`);
      const report = held.report!;
      assert.deepStrictEqual(report.clusters.map((c) => c.status), ["held"]);
      const events = serviceEvents(report);
      assert.deepStrictEqual(events.map((ev) => [ev.clusterName, ev.reason]), [[
        "cluster-a",
        "SyncInvalid",
      ]]);
      assert.deepStrictEqual(events[0].message, held.lastError);

      // Fixed: the annotation's new value is applied, and the held endpoint registered.
      a.setService(
        svc({ "polarismesh.cn/weight": "300", "polarismesh.cn/metadata": '{"team":"c"}' }),
      );
      await e.until(
        () =>
          live().length === 3 && live().every(([, weight, team]) => weight === 300 && team === "c"),
        "the fixed values applied",
      );
      await e.settle();
      assert.deepStrictEqual(e.supervisor.summary("shop/cart")?.state, "synced");
    } finally {
      await e.stop();
    }
  });
}

Deno.test("engine reports an alias set only on cluster-b's copy; cluster-a's (none) applies", async () => {
  const e = await startEngine({ clusters: ["cluster-a", "cluster-b"] });
  try {
    const [a, b] = e.sources;
    a.setService(svc({}));
    a.setEndpoints("shop", "cart", [group(["10.0.0.1"])]);
    b.setService(svc({
      "polarismesh.cn/aliasService": "basket",
      "polarismesh.cn/aliasNamespace": "shared",
    }));
    b.setEndpoints("shop", "cart", [group(["10.1.0.1"])]);
    a.markSynced();
    b.markSynced();
    await e.settle();
    assert.deepStrictEqual(e.emulator.state.aliases(), [], "the first cluster's value applies");
    const summary = e.supervisor.summary("shop/cart")!;
    assert.deepStrictEqual(summary.state, "synced");
    const warnings = summary.report!.problems.filter((p) => p.code === "clusters-disagree");
    assert.deepStrictEqual(warnings.length, 1, JSON.stringify(summary.report!.problems));
    assert.ok(warnings[0].message.includes('cluster-b "shared/basket"'), warnings[0].message);
    assert.ok(warnings[0].message.includes('the alias of "cluster-a" applies'));
    // Reported on both copies: each owner sees that the clusters disagree.
    assert.deepStrictEqual(
      serviceEvents(summary.report!).map((ev) => [ev.clusterName, ev.reason, ev.message]),
      [["cluster-a", "SyncInvalid", warnings[0].message], [
        "cluster-b",
        "SyncInvalid",
        warnings[0].message,
      ]],
    );
    // The instances of both clusters are registered all the same.
    assert.deepStrictEqual(
      e.emulator.state.instances({ namespace: "shop", service: "cart" }).map((i) => i.host).sort(),
      ["10.0.0.1", "10.1.0.1"],
    );
    // Agreeing again clears the warning and creates the alias.
    a.setService(svc({
      "polarismesh.cn/aliasService": "basket",
      "polarismesh.cn/aliasNamespace": "shared",
    }));
    await e.until(() => e.emulator.state.aliases().length === 1, "the alias created");
    await e.settle();
    assert.deepStrictEqual(e.supervisor.summary("shop/cart")!.report!.problems, []);
  } finally {
    await e.stop();
  }
});
