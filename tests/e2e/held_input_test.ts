/**
 * End-to-end: bad input is held, never half-applied (sync-rules §2.2, docs/decisions.md §1), with the
 * controller process, a real kube-apiserver with kube-controller-manager and a real PolarisMesh
 * server (a fault proxy in front, which records every write). A live weight of 500 and live
 * metadata survive an invalid `polarismesh.cn/weight` and an invalid `polarismesh.cn/metadata`:
 * no write touches the Service's instances while held, through several resyncs; the actor is
 * `invalid` with the reason and a `SyncInvalid` Event is on the Service; the fixed annotation's
 * value is then applied.
 */
import assert from "node:assert/strict";
import { type PolarisTarget, startRealPolaris } from "../polaris/polaris_target.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import { meshConfig, startController } from "./controller_process.ts";
import {
  addService,
  CONVERGE_MS,
  ensureNode,
  instancesOf,
  instanceWrites,
  journey,
  pause,
  waitEndpoints,
  waitState,
} from "./journey_kit.ts";

const WEIGHT = "polarismesh.cn/weight";
const METADATA = "polarismesh.cn/metadata";

const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
await ensureNode(objects);

/** `[host, weight, metadata.team]` of each registered instance, sorted. */
async function live(polaris: PolarisTarget, namespace: string, service: string) {
  return (await instancesOf(polaris, namespace, service))
    .map((i) => [i.host, i.weight, i.metadata.team ?? null] as const).sort();
}

/** Waits for a `SyncInvalid` Event on Service `namespace/name` whose message has `fragment`. */
async function waitInvalidEvent(namespace: string, name: string, fragment: string) {
  return await waitFor(async () => {
    const list = await objects.core.listNamespacedEvent({ namespace });
    return list.items.find((e) =>
      e.involvedObject.kind === "Service" && e.involvedObject.name === name &&
      e.reason === "SyncInvalid" && e.type === "Warning" && (e.message ?? "").includes(fragment)
    ) ?? false;
  }, {
    what: `a SyncInvalid Event on "${namespace}/${name}" naming ${fragment}`,
    timeoutMs: CONVERGE_MS,
  });
}

Deno.test({
  name:
    "e2e: an invalid weight or metadata annotation holds the Service: live weight 500 and metadata survive, the fix applies",
  ...journey,
  async fn() {
    const polaris = await startRealPolaris();
    const controller = await startController({
      config: meshConfig({
        polarisUrl: polaris.url,
        token: polaris.token,
        clusterName: "held-a",
        resyncPeriod: "1s",
      }),
      kubeconfig: plane.kubeconfigPath,
    });
    try {
      await objects.createNamespace("held");
      const good = { [WEIGHT]: "500", [METADATA]: '{"team":"a"}' };
      await addService(objects, "held", "web", {
        annotations: good,
        pods: [{ name: "web-0", ip: "10.61.0.1" }, { name: "web-1", ip: "10.61.0.2" }],
      });
      await waitEndpoints(objects, "held", "web", ["10.61.0.1", "10.61.0.2"]);
      await controller.waitReady();
      const registered = [["10.61.0.1", 500, "a"], ["10.61.0.2", 500, "a"]];
      await waitFor(
        async () =>
          JSON.stringify(await live(polaris, "held", "web")) === JSON.stringify(registered),
        { what: "held/web registered with weight 500 and team a", timeoutMs: CONVERGE_MS },
      );

      // A bad weight: held, not reset to 100.
      polaris.resetRequests();
      await objects.setServiceAnnotations("held", "web", { ...good, [WEIGHT]: "heavy" });
      const heldWeight = await waitState(controller, "held", "web", "invalid");
      assert.ok(heldWeight.lastError?.includes(`${WEIGHT}="heavy"`), `${heldWeight.lastError}`);
      await waitInvalidEvent("held", "web", `${WEIGHT}="heavy"`);
      // Several resyncs (every 1 s) while held: none writes.
      await pause(3_000);
      assert.deepStrictEqual(instanceWrites(polaris, "held", "web"), [], "no write while held");
      assert.deepStrictEqual(await live(polaris, "held", "web"), registered);

      // Fixed: the annotation's value is applied.
      await objects.setServiceAnnotations("held", "web", { ...good, [WEIGHT]: "300" });
      await waitFor(
        async () => (await live(polaris, "held", "web")).every(([, weight]) => weight === 300),
        { what: "held/web at weight 300", timeoutMs: CONVERGE_MS },
      );
      await waitState(controller, "held", "web", "synced");

      // Bad metadata: held, the live metadata kept.
      polaris.resetRequests();
      await objects.setServiceAnnotations("held", "web", {
        [WEIGHT]: "300",
        [METADATA]: '{"team":',
      });
      const heldMetadata = await waitState(controller, "held", "web", "invalid");
      assert.ok(heldMetadata.lastError?.includes(METADATA), `${heldMetadata.lastError}`);
      await waitInvalidEvent("held", "web", `${METADATA} is not valid JSON`);
      await pause(3_000);
      assert.deepStrictEqual(instanceWrites(polaris, "held", "web"), [], "no write while held");
      assert.deepStrictEqual(await live(polaris, "held", "web"), [
        ["10.61.0.1", 300, "a"],
        ["10.61.0.2", 300, "a"],
      ]);

      await objects.setServiceAnnotations("held", "web", {
        [WEIGHT]: "300",
        [METADATA]: '{"team":"b"}',
      });
      await waitFor(
        async () => (await live(polaris, "held", "web")).every(([, , team]) => team === "b"),
        { what: "held/web with team b", timeoutMs: CONVERGE_MS },
      );
      await waitState(controller, "held", "web", "synced");
      assert.deepStrictEqual(await controller.stop(), 0);
    } finally {
      await controller.stop();
      await polaris.stop();
    }
  },
});
