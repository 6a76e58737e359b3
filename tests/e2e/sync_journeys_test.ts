/**
 * End-to-end journeys: the controller process against a real kube-apiserver with
 * kube-controller-manager (Endpoints and EndpointSlices made by Kubernetes from Pods whose
 * readiness the test flips) and a real PolarisMesh server (with a fault proxy in front) over HTTP.
 * Each test has its own Polaris server, read as its store holds the instances (`withStoreReads`:
 * v1.18.1 keeps listing an instance deleted over 5 s after its last write).
 */
import assert from "node:assert/strict";
import { startRealPolaris, withStoreReads } from "../polaris/polaris_target.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import { meshConfig, startController } from "./controller_process.ts";

const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
await objects.createNode("node-1");

const journey = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "e2e: a Service's pods are registered, isolated when not ready, removed when deleted",
  ...journey,
  async fn() {
    const polaris = withStoreReads(await startRealPolaris());
    const controller = await startController({
      config: meshConfig({ polarisUrl: polaris.url, token: polaris.token, clusterName: "e2e-a" }),
      kubeconfig: plane.kubeconfigPath,
    });
    try {
      await objects.createNamespace("journey1");
      await objects.createService("journey1", "web", {
        selector: { app: "web" },
        ports: [{ name: "http", port: 80, targetPort: 8080 as never, protocol: "TCP" }],
      });
      for (const [pod, ip] of [["web-1", "10.1.0.1"], ["web-2", "10.1.0.2"]]) {
        await objects.createPod("journey1", pod, {
          labels: { app: "web", version: "v1" },
          nodeName: "node-1",
        });
        await objects.setPodReady("journey1", pod, ip, true);
      }
      await controller.waitReady();
      const instances = () => polaris.instances("journey1", "web");
      await waitFor(async () => (await instances()).length === 2, { what: "two instances" });
      const first = (await instances()).find((i) => i.host === "10.1.0.1")!;
      assert.deepStrictEqual(first.port, 8080);
      assert.deepStrictEqual(first.protocol, "http/TCP");
      assert.deepStrictEqual(first.version, "v1");
      assert.deepStrictEqual(first.isolate, false);
      assert.deepStrictEqual(first.metadata.clusterName, "e2e-a");
      assert.deepStrictEqual(first.metadata.k8s_pod, "web-1");

      await objects.setPodReady("journey1", "web-1", "10.1.0.1", false);
      await waitFor(
        async () => (await instances()).find((i) => i.host === "10.1.0.1")?.isolate === true,
        { what: "web-1 isolated" },
      );
      await objects.setPodReady("journey1", "web-1", "10.1.0.1", true);
      await waitFor(
        async () => (await instances()).find((i) => i.host === "10.1.0.1")?.isolate === false,
        { what: "web-1 back" },
      );
      await objects.deletePod("journey1", "web-2");
      await waitFor(async () => (await instances()).length === 1, { what: "web-2 removed" });

      await objects.deleteService("journey1", "web");
      await waitFor(async () => (await instances()).length === 0, {
        what: "every instance removed",
      });
      assert.deepStrictEqual(await controller.stop(), 0);
    } finally {
      await controller.stop();
      await polaris.stop();
    }
  },
});

Deno.test({
  name: "e2e: SIGTERM stops the controller without deregistering anything",
  ...journey,
  async fn() {
    const polaris = withStoreReads(await startRealPolaris());
    const controller = await startController({
      config: meshConfig({ polarisUrl: polaris.url, token: polaris.token, clusterName: "e2e-b" }),
      kubeconfig: plane.kubeconfigPath,
    });
    try {
      await objects.createNamespace("journey2");
      await objects.createService("journey2", "api", {
        selector: { app: "api" },
        ports: [{ name: "grpc", port: 9000, targetPort: 9000 as never, protocol: "TCP" }],
      });
      await objects.createPod("journey2", "api-1", { labels: { app: "api" }, nodeName: "node-1" });
      await objects.setPodReady("journey2", "api-1", "10.2.0.1", true);
      await controller.waitReady();
      const instances = () => polaris.instances("journey2", "api");
      await waitFor(async () => (await instances()).length === 1, { what: "api registered" });
      polaris.resetRequests();
      assert.deepStrictEqual(await controller.stop("SIGTERM"), 0);
      assert.deepStrictEqual((await instances()).length, 1);
      const deletes = Object.keys(polaris.requests()).filter((k) => k.includes("delete"));
      assert.deepStrictEqual(deletes, []);
      assert.ok(controller.output().includes("registrations are kept"), "shutdown is logged");
    } finally {
      await controller.stop();
      await polaris.stop();
    }
  },
});

Deno.test({
  name: "e2e: teardown",
  ...journey,
  async fn() {
    await objects.close();
    await plane.stop();
  },
});
