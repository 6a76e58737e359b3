import assert from "node:assert/strict";
import { group, startEngine } from "./harness.ts";

const svc = (namespace: string, name: string, annotations: Record<string, string> = {}) => ({
  namespace,
  name,
  type: "ClusterIP",
  annotations,
});

Deno.test("engine registers a Service's endpoints with ownership metadata", async () => {
  const e = await startEngine();
  try {
    const [a] = e.sources;
    a.setNamespace({ name: "shop", annotations: {} });
    a.setService(svc("shop", "cart"));
    a.setEndpoints("shop", "cart", [group(["10.0.0.1", "10.0.0.2"], { notReady: ["10.0.0.2"] })]);
    a.markSynced();
    await e.settle();
    const instances = e.emulator.state.instances({ namespace: "shop", service: "cart" });
    assert.deepStrictEqual(instances.length, 2);
    const byHost = Object.fromEntries(instances.map((i) => [i.host, i]));
    assert.deepStrictEqual(byHost["10.0.0.1"].isolate, false);
    assert.deepStrictEqual(byHost["10.0.0.2"].isolate, true);
    assert.deepStrictEqual(byHost["10.0.0.1"].metadata.clusterName, "cluster-a");
    assert.deepStrictEqual(byHost["10.0.0.1"].metadata.source, "polaris-controller");
    assert.deepStrictEqual(byHost["10.0.0.1"].protocol, "http/TCP");
  } finally {
    await e.stop();
  }
});

Deno.test("engine writes nothing on an idle resync", async () => {
  const e = await startEngine({ resyncPeriodMs: 100 });
  try {
    const [a] = e.sources;
    a.setService(svc("shop", "cart"));
    a.setEndpoints("shop", "cart", [group(["10.0.0.1"])]);
    a.markSynced();
    await e.settle();
    e.emulator.resetRequests();
    const before = e.supervisor.supervisorStatus();
    await e.until(
      () => e.supervisor.supervisorStatus().resyncs >= before.resyncs + 2,
      "two resyncs",
    );
    await e.settle();
    assert.deepStrictEqual(e.writes(), {});
    assert.ok((e.emulator.requests()["GET /naming/v1/instances"] ?? 0) > 0, "resync must read");
    assert.deepStrictEqual(
      e.supervisor.supervisorStatus().sweeps,
      before.sweeps,
      "a resync is not a sweep",
    );
  } finally {
    await e.stop();
  }
});

Deno.test("engine reads each namespace once after a full list, however long the list takes", async () => {
  const e = await startEngine();
  try {
    const [a] = e.sources;
    for (let n = 0; n < 10; n++) {
      for (let i = 0; i < 100; i++) {
        a.setService(svc(`ns-${n}`, `s${i}`));
        a.setEndpoints(`ns-${n}`, `s${i}`, [group([`10.1.${n}.${i}`])]);
      }
    }
    a.markSynced();
    await e.settle(20_000);
    assert.deepStrictEqual(e.emulator.state.instances().length, 1000);
    // One listing per namespace (each one page), no per-service read; the sweep, after them,
    // asks only about the two namespaces no Service listed ("default" and "Polaris", one page
    // each) instead of scanning the 1,000 instances the pass just wrote (decisions §32).
    assert.deepStrictEqual(e.emulator.requests()["GET /naming/v1/instances"], 12);
  } finally {
    await e.stop();
  }
});

Deno.test("engine reconciles each Service once when two clusters list within a debounce", async () => {
  const e = await startEngine({ clusters: ["cluster-a", "cluster-b"] });
  try {
    const [a, b] = e.sources;
    for (const [source, octet] of [[a, 1], [b, 2]] as const) {
      for (let i = 0; i < 30; i++) {
        source.setService(svc("shop", `s${i}`));
        source.setEndpoints("shop", `s${i}`, [group([`10.${octet}.0.${i}`])]);
      }
    }
    a.markSynced();
    await e.advance(5); // half the harness's 10 ms debounce: b lists inside a's listed-pass window
    b.markSynced();
    await e.settle();
    assert.deepStrictEqual(e.emulator.state.instances().length, 60);
    const reconciles = new Set([...e.supervisor.services()].map((s) => s.reconciles));
    assert.deepStrictEqual([...reconciles], [1], "one reconcile per Service for both lists");
    // One namespace listing and one sweep page per cluster.
    assert.deepStrictEqual(e.emulator.requests()["GET /naming/v1/instances"], 3);
  } finally {
    await e.stop();
  }
});

Deno.test("engine creates the namespaces of a first list in one request, and none on a restart", async () => {
  const e = await startEngine();
  const fill = (source: (typeof e.sources)[number]) => {
    for (let n = 0; n < 12; n++) {
      for (let i = 0; i < 5; i++) {
        source.setService(svc(`team-${n}`, `s${i}`));
        source.setEndpoints(`team-${n}`, `s${i}`, [group([`10.5.${n}.${i}`])]);
      }
    }
  };
  try {
    const [a] = e.sources;
    fill(a);
    a.markSynced();
    await e.settle();
    assert.deepStrictEqual(e.emulator.state.instances().length, 60);
    assert.deepStrictEqual(e.writes()["POST /naming/v1/namespaces"], 1);
  } finally {
    await e.supervisor.stop();
  }
  // A second engine over the same Polaris: every namespace exists, nothing is written.
  const again = await startEngine({ emulator: e.emulator });
  try {
    const [a] = again.sources;
    fill(a);
    e.emulator.resetRequests();
    a.markSynced();
    await again.settle();
    assert.deepStrictEqual(again.writes(), {});
  } finally {
    await again.stop();
  }
});

for (const how of ["loses the lease", "stops"] as const) {
  Deno.test(`engine sends nothing more once it ${how}, even with reconciles still waiting`, async () => {
    const e = await startEngine({ reconcileSlots: 1 });
    try {
      e.emulator.injectFault({
        kind: "latency",
        ms: 50,
        match: { method: "GET", path: "/naming/v1/instances" },
      });
      const [a] = e.sources;
      for (let i = 0; i < 10; i++) {
        a.setService(svc("shop", `s${i}`));
        a.setEndpoints("shop", `s${i}`, [group([`10.6.0.${i}`])]);
      }
      a.markSynced();
      await e.until(() => e.supervisor.countByState().reconciling === 10, "10 reconciles queued");
      if (how === "stops") await e.supervisor.stop();
      else e.supervisor.setLeading(false);
      // Real time, not a timer: the read in flight (50 ms of emulator latency) ends.
      await new Promise((resolve) => setTimeout(resolve, 150));
      e.emulator.resetRequests();
      // Two seconds of engine time: every debounce, backoff, linger and slot would have fired.
      await e.advance(2_000);
      assert.deepStrictEqual(
        e.emulator.requests(),
        {},
        "no request after the replica stopped writing",
      );
    } finally {
      await e.stop();
    }
  });
}

Deno.test("engine finishes a resync that outlasts the resync period before starting another", async () => {
  const e = await startEngine({ resyncPeriodMs: 300, resyncGroup: 1 });
  try {
    const [a] = e.sources;
    for (let i = 0; i < 12; i++) {
      a.setService(svc(`ns${i}`, "web"));
      a.setEndpoints(`ns${i}`, "web", [group([`10.7.0.${i}`])]);
    }
    a.markSynced();
    await e.settle();
    // Each read now takes 60 ms: one resync of 12 groups outlasts the 300 ms period.
    e.emulator.injectFault({
      kind: "latency",
      ms: 60,
      match: { method: "GET", path: "/naming/v1/instances" },
    });
    await e.until(
      () => Math.min(...[...e.supervisor.services()].map((s) => s.reconciles)) >= 3,
      "every Service resynced twice",
      8000,
    );
  } finally {
    await e.stop();
  }
});

Deno.test("engine registers a cluster that listed while it was a follower, once it leads", async () => {
  const e = await startEngine({ clusters: ["cluster-a", "cluster-b"], leading: false });
  try {
    const [a, b] = e.sources;
    a.setService(svc("shop", "only-a"));
    a.setEndpoints("shop", "only-a", [group(["10.8.0.1"])]);
    b.setService(svc("shop", "only-b"));
    b.setEndpoints("shop", "only-b", [group(["10.8.0.2"])]);
    a.markSynced();
    await e.advance(100); // a's listed pass came and went
    e.supervisor.setLeading(true);
    b.markSynced();
    await e.settle();
    const services = e.emulator.state.instances().map((i) => i.service).sort();
    assert.deepStrictEqual(services, ["only-a", "only-b"]);
  } finally {
    await e.stop();
  }
});

Deno.test("engine deletes what a reconcile under way held back when the last cluster lists", async () => {
  const e = await startEngine({
    clusters: ["cluster-a", "cluster-b"],
    seed: (emulator) =>
      emulator.seedInstances([{
        namespace: "shop",
        service: "web",
        host: "10.9.0.2",
        port: 80,
        metadata: { clusterName: "cluster-b", source: "polaris-controller" },
      }]),
  });
  try {
    e.emulator.injectFault({
      kind: "latency",
      ms: 200,
      match: { method: "POST", path: "/naming/v1/instances" },
    });
    const [a, b] = e.sources;
    a.setService(svc("shop", "web"));
    a.setEndpoints("shop", "web", [group(["10.9.0.1"])]);
    a.markSynced();
    // cluster-b lists (without shop/web) after shop/web planned, while its create is in flight.
    await e.until(
      () => (e.emulator.requests()["POST /naming/v1/instances"] ?? 0) === 1,
      "the create of 10.9.0.1 sent",
    );
    b.markSynced();
    await e.settle();
    const hosts = e.emulator.state.instances({ namespace: "shop", service: "web" }).map((i) =>
      i.host
    );
    assert.deepStrictEqual(hosts, ["10.9.0.1"], "cluster-b's stale instance is gone");
  } finally {
    await e.stop();
  }
});

Deno.test("engine resyncs a group of actors at a time, and every one of them", async () => {
  const e = await startEngine({ resyncPeriodMs: 500, resyncGroup: 3 });
  try {
    const [a] = e.sources;
    for (let i = 0; i < 12; i++) {
      a.setService(svc("shop", `s${i}`));
      a.setEndpoints("shop", `s${i}`, [group([`10.0.2.${i}`])]);
    }
    a.markSynced();
    await e.settle();
    await e.until(() => e.supervisor.supervisorStatus().parked === 12, "every actor parked");
    const reconciles = () => [...e.supervisor.services()].map((s) => s.reconciles);
    const before = reconciles();
    const resyncs = e.supervisor.supervisorStatus().resyncs;
    let most = 0;
    await e.until(
      () => {
        const status = e.supervisor.supervisorStatus();
        most = Math.max(most, e.supervisor.countByState().reconciling);
        return status.resyncs > resyncs && e.supervisor.settled;
      },
      "one resync done",
      5000,
    );
    assert.ok(most <= 3, `at most 3 actors reconciling at once, saw ${most}`);
    assert.deepStrictEqual(
      reconciles(),
      before.map((n) => n + 1),
      "each actor reconciled once more",
    );
  } finally {
    await e.stop();
  }
});

Deno.test("engine finds an orphan at resync from the namespace listing, without a sweep", async () => {
  const e = await startEngine({ resyncPeriodMs: 300 });
  try {
    const [a] = e.sources;
    // 25 Services in one namespace: a resync reads them with one namespace-wide listing.
    for (let i = 0; i < 25; i++) {
      a.setService(svc("shop", `s${i}`));
      a.setEndpoints("shop", `s${i}`, [group([`10.0.1.${i}`])]);
    }
    a.markSynced();
    await e.settle();
    const before = e.supervisor.supervisorStatus();
    // An instance of ours appears under a key with no Service and no actor (e.g. written by an
    // older replica after this one's start-up sweep), beside a foreign one that must stay.
    e.emulator.seedInstances([
      {
        namespace: "shop",
        service: "ghost",
        host: "10.9.9.9",
        port: 80,
        metadata: { clusterName: "cluster-a", source: "polaris-controller" },
      },
      {
        namespace: "shop",
        service: "ghost",
        host: "10.9.9.8",
        port: 80,
        metadata: { clusterName: "cluster-z", source: "polaris-controller" },
      },
    ]);
    await e.until(
      () => e.emulator.state.instances({ namespace: "shop", service: "ghost" }).length === 1,
      "the orphan deleted",
    );
    const [left] = e.emulator.state.instances({ namespace: "shop", service: "ghost" });
    assert.deepStrictEqual(left.metadata.clusterName, "cluster-z");
    const after = e.supervisor.supervisorStatus();
    assert.ok(after.resyncs > before.resyncs, "found by a resync");
    assert.deepStrictEqual(after.sweeps, before.sweeps, "not by a sweep");
  } finally {
    await e.stop();
  }
});

Deno.test("engine holds deletes until every source has listed, then sweeps orphans", async () => {
  const e = await startEngine({
    clusters: ["cluster-a", "cluster-b"],
    seed: (emulator) => {
      emulator.seedInstances([{
        namespace: "shop",
        service: "gone",
        host: "10.9.9.9",
        port: 80,
        metadata: { clusterName: "cluster-a", source: "polaris-controller" },
      }]);
    },
  });
  try {
    const [a, b] = e.sources;
    a.setService(svc("shop", "cart"));
    a.setEndpoints("shop", "cart", [group(["10.0.0.1"])]);
    a.markSynced();
    await e.until(
      () => e.emulator.state.instances({ namespace: "shop", service: "cart" }).length === 1,
      "cart registered",
    );
    assert.deepStrictEqual(
      e.emulator.state.instances({ namespace: "shop", service: "gone" }).length,
      1,
    );
    b.markSynced();
    await e.settle();
    assert.deepStrictEqual(
      e.emulator.state.instances({ namespace: "shop", service: "gone" }).length,
      0,
    );
    assert.deepStrictEqual(
      e.emulator.state.instances({ namespace: "shop", service: "cart" }).length,
      1,
    );
  } finally {
    await e.stop();
  }
});

Deno.test("engine leaves foreign instances untouched and reports the conflict", async () => {
  const e = await startEngine({
    seed: (emulator) => {
      emulator.seedInstances([
        {
          namespace: "shop",
          service: "cart",
          host: "10.0.0.1",
          port: 8080,
          metadata: { clusterName: "other", source: "polaris-controller" },
        },
        { namespace: "shop", service: "cart", host: "10.7.7.7", port: 1, metadata: { app: "vm" } },
      ]);
    },
  });
  try {
    const [a] = e.sources;
    a.setService(svc("shop", "cart"));
    a.setEndpoints("shop", "cart", [group(["10.0.0.1", "10.0.0.2"])]);
    a.markSynced();
    await e.settle();
    const detail = e.supervisor.service("shop/cart");
    assert.deepStrictEqual(detail?.state, "conflict");
    const instances = e.emulator.state.instances({ namespace: "shop", service: "cart" });
    const byHost = Object.fromEntries(instances.map((i) => [i.host, i]));
    assert.deepStrictEqual(byHost["10.0.0.1"].metadata.clusterName, "other");
    assert.deepStrictEqual(byHost["10.7.7.7"].metadata, { app: "vm" });
    assert.deepStrictEqual(byHost["10.0.0.2"].metadata.clusterName, "cluster-a");
  } finally {
    await e.stop();
  }
});

Deno.test("engine deletes its instances when the Service goes, and forgets the actor", async () => {
  const e = await startEngine();
  try {
    const [a] = e.sources;
    a.setService(svc("shop", "cart"));
    a.setEndpoints("shop", "cart", [group(["10.0.0.1"])]);
    a.markSynced();
    await e.settle();
    await e.until(() => e.supervisor.supervisorStatus().parked === 1, "the actor parked at rest");
    a.deleteService("shop", "cart");
    await e.until(() => e.supervisor.service("shop/cart") === undefined, "actor released");
    assert.deepStrictEqual(
      e.emulator.state.instances({ namespace: "shop", service: "cart" }).length,
      0,
    );
  } finally {
    await e.stop();
  }
});

Deno.test("engine never treats a failed Polaris read as empty, and recovers", async () => {
  const e = await startEngine();
  try {
    const [a] = e.sources;
    a.setService(svc("shop", "cart"));
    a.setEndpoints("shop", "cart", [group(["10.0.0.1", "10.0.0.2"])]);
    a.markSynced();
    await e.settle();
    const remove = e.emulator.injectFault({
      kind: "status",
      code: 500000,
      match: { method: "GET", path: "/naming/v1/instances" },
    });
    a.setEndpoints("shop", "cart", [group(["10.0.0.1"])]);
    await e.until(() => e.supervisor.service("shop/cart")?.state === "backoff", "backoff");
    assert.deepStrictEqual(
      e.emulator.state.instances({ namespace: "shop", service: "cart" }).length,
      2,
    );
    remove();
    await e.settle();
    assert.deepStrictEqual(
      e.emulator.state.instances({ namespace: "shop", service: "cart" }).length,
      1,
    );
  } finally {
    await e.stop();
  }
});

Deno.test("engine reports the same host:port from two clusters as a conflict", async () => {
  const e = await startEngine({ clusters: ["cluster-a", "cluster-b"] });
  try {
    const [a, b] = e.sources;
    for (const s of [a, b]) s.setService(svc("shop", "cart"));
    a.setEndpoints("shop", "cart", [group(["10.0.0.1", "10.0.0.5"])]);
    b.setEndpoints("shop", "cart", [group(["10.0.0.1", "10.0.1.5"])]);
    a.markSynced();
    b.markSynced();
    await e.settle();
    assert.deepStrictEqual(e.supervisor.service("shop/cart")?.state, "conflict");
    const hosts = e.emulator.state.instances({ namespace: "shop", service: "cart" })
      .map((i) => `${i.host}@${i.metadata.clusterName}`).sort();
    assert.deepStrictEqual(hosts, ["10.0.0.5@cluster-a", "10.0.1.5@cluster-b"]);
  } finally {
    await e.stop();
  }
});

Deno.test("engine creates, moves and deletes an alias with its annotations", async () => {
  const e = await startEngine();
  try {
    const [a] = e.sources;
    const alias = (name: string) => ({
      "polarismesh.cn/aliasService": name,
      "polarismesh.cn/aliasNamespace": "shared",
    });
    a.setService(svc("shop", "cart", alias("basket")));
    a.setEndpoints("shop", "cart", [group(["10.0.0.1"])]);
    a.markSynced();
    await e.settle();
    const names = () => e.emulator.state.aliases().map((x) => `${x.aliasNamespace}/${x.alias}`);
    assert.deepStrictEqual(names(), ["shared/basket"]);
    a.setService(svc("shop", "cart", alias("trolley")));
    await e.until(() => names().join() === "shared/trolley", "alias moved");
    a.setService(svc("shop", "cart"));
    await e.until(() => names().length === 0, "alias deleted");
  } finally {
    await e.stop();
  }
});
