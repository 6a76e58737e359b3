/**
 * End-to-end on Kubernetes v1.20.2, the oldest supported version (EndpointSlice `v1beta1` only,
 * found by discovery), against the real Polaris server: the instance lifecycle of one Service.
 * The full journeys run on the current Kubernetes; this is the smaller set that keeps the
 * `v1beta1` fallback honest.
 */
import assert from "node:assert/strict";
import { startRealPolaris } from "../polaris/polaris_target.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import { meshConfig, startController } from "./controller_process.ts";
import {
  addPod,
  addService,
  CONVERGE_MS,
  ensureNode,
  instancesOf,
  journey,
  waitHosts,
} from "./journey_kit.ts";

const plane = await startControlPlane({ kubernetes: "1.20" });
const objects = new ClusterObjects(plane.kubeconfigPath);
await ensureNode(objects);

Deno.test({
  name: "e2e on v1.20.2: pods registered, isolated when not ready, removed when gone",
  ...journey,
  async fn() {
    assert.deepStrictEqual(plane.version, "v1.20.2");
    const polaris = await startRealPolaris();
    const controller = await startController({
      config: meshConfig({ polarisUrl: polaris.url, token: polaris.token, clusterName: "old" }),
      kubeconfig: plane.kubeconfigPath,
    });
    try {
      await objects.createNamespace("old");
      await addService(objects, "old", "web", {
        pods: [{ name: "web-1", ip: "10.80.0.1" }, { name: "web-2", ip: "10.80.0.2" }],
      });
      await controller.waitReady();
      const registered = await waitHosts(polaris, "old", "web", ["10.80.0.1", "10.80.0.2"]);
      assert.ok(registered.every((i) => i.metadata.clusterName === "old" && !i.isolate));

      await objects.setPodReady("old", "web-1", "10.80.0.1", false);
      await waitFor(
        async () =>
          (await instancesOf(polaris, "old", "web")).find((i) => i.host === "10.80.0.1")?.isolate,
        { what: "web-1 isolated", timeoutMs: CONVERGE_MS },
      );
      await objects.deletePod("old", "web-2");
      await addPod(objects, "old", "web", { name: "web-3", ip: "10.80.0.3" });
      await waitHosts(polaris, "old", "web", ["10.80.0.1", "10.80.0.3"]);
      await objects.deleteService("old", "web");
      await waitHosts(polaris, "old", "web", []);
      assert.ok(
        controller.output().includes("v1beta1"),
        `the controller says it reads EndpointSlice v1beta1:\n${controller.output().slice(-2000)}`,
      );
    } finally {
      await controller.stop();
      await polaris.stop();
    }
  },
});

Deno.test({
  name: "e2e on v1.20.2: teardown",
  ...journey,
  async fn() {
    await objects.close();
    await plane.stop();
  },
});
