/**
 * Kubernetes Events against a real kube-apiserver: the controller process writes one Warning
 * Event on a Service whose sync annotation is invalid and one on a Service in conflict, and
 * repeated reconciles (a 1 s resync) write no duplicates.
 */
import assert from "node:assert/strict";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import { meshConfig, startController } from "../e2e/controller_process.ts";

const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
await objects.createNode("node-1");

const journey = { sanitizeOps: false, sanitizeResources: false };

interface SeenEvent {
  name: string;
  kind: string;
  uid: string;
  type: string;
  reason: string;
  message: string;
  count: number;
  component: string;
}

async function eventsIn(namespace: string): Promise<SeenEvent[]> {
  const list = await objects.core.listNamespacedEvent({ namespace });
  return list.items.map((e) => ({
    name: e.involvedObject.name ?? "",
    kind: e.involvedObject.kind ?? "",
    uid: e.involvedObject.uid ?? "",
    type: e.type ?? "",
    reason: e.reason ?? "",
    message: e.message ?? "",
    count: e.count ?? 0,
    component: e.source?.component ?? "",
  })).filter((e) => e.component === "polaris-k8s-sync");
}

interface ServiceRow {
  key: string;
  state: string;
  reconciles: number;
}

async function serviceRow(
  controller: Awaited<ReturnType<typeof startController>>,
  key: string,
): Promise<ServiceRow | undefined> {
  const page = (await controller.getJson("/debug/services?limit=1000")).body as {
    items: ServiceRow[];
  };
  return page.items.find((s) => s.key === key);
}

Deno.test({
  name: "events: invalid and conflicting Services get one Warning Event each, never duplicated",
  ...journey,
  async fn() {
    const emulator = await startPolarisEmulator();
    // Someone else already registered the address the "clash" Service's Pod will have.
    emulator.seedInstances([{
      namespace: "events1",
      service: "clash",
      host: "10.5.0.1",
      port: 8080,
      metadata: { clusterName: "someone-else", source: "polaris-controller" },
    }]);
    const controller = await startController({
      config: meshConfig({ polarisUrl: emulator.url, clusterName: "ev-a", resyncPeriod: "1s" }),
      kubeconfig: plane.kubeconfigPath,
    });
    try {
      await objects.createNamespace("events1");
      const bad = await objects.createService("events1", "bad", {
        annotations: { "polarismesh.cn/sync": "yes" },
      });
      const clash = await objects.createService("events1", "clash", {
        selector: { app: "clash" },
        ports: [{ name: "http", port: 80, targetPort: 8080 as never, protocol: "TCP" }],
      });
      await objects.createService("events1", "fine", {});
      await objects.createPod("events1", "clash-1", {
        labels: { app: "clash" },
        nodeName: "node-1",
      });
      await objects.setPodReady("events1", "clash-1", "10.5.0.1", true);
      await controller.waitReady(120_000);

      const invalid = await waitFor(
        async () => (await eventsIn("events1")).find((e) => e.name === "bad"),
        { what: "an Event on events1/bad", timeoutMs: 60_000 },
      );
      assert.deepStrictEqual(invalid.kind, "Service");
      assert.deepStrictEqual(invalid.uid, bad.metadata?.uid);
      assert.deepStrictEqual(invalid.type, "Warning");
      assert.deepStrictEqual(invalid.reason, "SyncInvalid");
      assert.ok(
        invalid.message.includes('polarismesh.cn/sync="yes"') &&
          invalid.message.includes('expected "true" or "false"'),
        `a message that says what is wrong and what is expected: ${invalid.message}`,
      );

      const conflict = await waitFor(
        async () => (await eventsIn("events1")).find((e) => e.name === "clash"),
        { what: "an Event on events1/clash", timeoutMs: 60_000 },
      );
      assert.deepStrictEqual(conflict.uid, clash.metadata?.uid);
      assert.deepStrictEqual([conflict.type, conflict.reason], ["Warning", "SyncConflict"]);
      assert.ok(
        conflict.message.includes("10.5.0.1:8080") && conflict.message.includes("someone-else"),
        `the conflict names the address and its owner: ${conflict.message}`,
      );
      const foreign = emulator.state.instances({ namespace: "events1", service: "clash" });
      assert.deepStrictEqual(foreign.map((i) => i.metadata.clusterName), ["someone-else"]);

      // Repeated reconciles (resync every second) must not add Events or bump their count.
      const before = await serviceRow(controller, "events1/clash");
      assert.ok(before !== undefined, "the clash service has an actor");
      await waitFor(
        async () =>
          ((await serviceRow(controller, "events1/clash"))?.reconciles ?? 0) >=
            before.reconciles + 3,
        { what: "three more reconciles of events1/clash", timeoutMs: 60_000 },
      );
      const after = await eventsIn("events1");
      assert.deepStrictEqual(
        after.map((e) => `${e.name} ${e.reason} ${e.count}`).sort(),
        ["bad SyncInvalid 1", "clash SyncConflict 1"],
      );
      assert.deepStrictEqual(after.filter((e) => e.name === "fine"), []);
      const metrics = await (await fetch(`${controller.url}/metrics`)).text();
      assert.ok(
        /polaris_sync_kubernetes_events_total\{reason="SyncConflict",result="deduplicated"\} [1-9]/
          .test(metrics),
        "the repeats are counted as deduplicated",
      );
      assert.deepStrictEqual(await controller.stop(), 0);
    } finally {
      await controller.stop();
      await emulator.stop();
    }
  },
});

Deno.test({
  name: "events: teardown",
  ...journey,
  async fn() {
    await objects.close();
    await plane.stop();
  },
});
