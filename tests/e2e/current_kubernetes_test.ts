/**
 * End-to-end on the current Kubernetes (EndpointSlice v1) against the real Polaris server: what
 * v1.20 could not show. A Pod deleted with a grace period is deregistered while it still exists
 * (its endpoint `terminating`, sync-rules §2.5); a dual-stack Service registers its IPv4 and IPv6
 * hosts; a Service whose 150 endpoints span two EndpointSlices registers every one, and a change in
 * one slice leaves the other slice's instances alone.
 */
import assert from "node:assert/strict";
import type { PolarisTarget } from "../polaris/polaris_target.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { KubeReader } from "../cluster/kube_reader.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import type { ControllerProcess } from "./controller_process.ts";
import {
  addPod,
  addService,
  CONVERGE_MS,
  deletedHosts,
  ensureNode,
  journey,
  NODE,
  waitHosts,
  withController as withPlaneController,
} from "./journey_kit.ts";

const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
await ensureNode(objects);

/** `withController` on this file's control plane, once the controller is ready. */
const withController = (
  clusterName: string,
  fn: (polaris: PolarisTarget, controller: ControllerProcess) => Promise<void>,
) =>
  withPlaneController(plane.kubeconfigPath, { clusterName }, async (polaris, controller) => {
    await controller.waitReady();
    await fn(polaris, controller);
  });

Deno.test({
  name: "e2e: the plane is the current Kubernetes, serving EndpointSlice v1",
  ...journey,
  fn() {
    assert.ok(plane.version.startsWith("v1.3"), `current Kubernetes: ${plane.version}`);
  },
});

Deno.test({
  name: "e2e: a Pod deleted with a grace period is deregistered before it is gone",
  ...journey,
  async fn() {
    await withController("graceful", async (polaris) => {
      await objects.createNamespace("graceful");
      await addService(objects, "graceful", "web", {
        pods: [{ name: "web-1", ip: "10.70.0.1" }, { name: "web-2", ip: "10.70.0.2" }],
      });
      await waitHosts(polaris, "graceful", "web", ["10.70.0.1", "10.70.0.2"]);

      // No kubelet: the Pod stays with a deletionTimestamp, still Ready, its endpoint
      // `serving: true, terminating: true`.
      await objects.deletePod("graceful", "web-2", 300);
      await waitHosts(polaris, "graceful", "web", ["10.70.0.1"]);
      const pod = await objects.core.readNamespacedPod({ namespace: "graceful", name: "web-2" });
      assert.ok(pod.metadata?.deletionTimestamp, "the Pod still exists, terminating");
      assert.deepStrictEqual(deletedHosts(polaris, "graceful", "web"), ["10.70.0.2"]);

      await objects.deletePod("graceful", "web-2", 0);
      await waitFor(async () => {
        try {
          await objects.core.readNamespacedPod({ namespace: "graceful", name: "web-2" });
          return false;
        } catch {
          return true;
        }
      }, { what: "web-2 gone", timeoutMs: CONVERGE_MS });
      await waitHosts(polaris, "graceful", "web", ["10.70.0.1"]);
    });
  },
});

Deno.test({
  name:
    "e2e: a dual-stack Service registers its IPv4 and IPv6 hosts; an IPv6-only one its IPv6 hosts",
  ...journey,
  async fn() {
    await withController("dual", async (polaris) => {
      await objects.createNamespace("dual");
      const port = { name: "http", port: 80, targetPort: 8080 as never, protocol: "TCP" };
      await objects.createService("dual", "both", {
        selector: { app: "both" },
        ipFamilyPolicy: "RequireDualStack",
        ipFamilies: ["IPv4", "IPv6"],
        ports: [port],
      });
      await objects.createService("dual", "six", {
        selector: { app: "six" },
        ipFamilyPolicy: "SingleStack",
        ipFamilies: ["IPv6"],
        ports: [port],
      });
      for (
        const [app, name, ips] of [
          ["both", "both-1", ["10.71.0.1", "fd00:71::1"]],
          ["both", "both-2", ["10.71.0.2", "fd00:71::2"]],
          ["six", "six-1", ["10.71.1.1", "fd00:71:1::1"]],
        ] as const
      ) {
        await objects.createPod("dual", name, { labels: { app }, nodeName: NODE });
        await objects.setPodReady("dual", name, ips, true);
      }
      const both = await waitHosts(polaris, "dual", "both", [
        "10.71.0.1",
        "10.71.0.2",
        "fd00:71::1",
        "fd00:71::2",
      ]);
      assert.ok(both.every((i) => i.port === 8080 && !i.isolate), JSON.stringify(both));
      await waitHosts(polaris, "dual", "six", ["fd00:71:1::1"]);
    });
  },
});

Deno.test({
  name:
    "e2e: 150 endpoints over two EndpointSlices are all registered; a change in one keeps the other",
  ...journey,
  async fn() {
    await withController("many", async (polaris) => {
      await objects.createNamespace("many");
      const ip = (n: number) => `10.72.${Math.floor(n / 200)}.${(n % 200) + 1}`;
      const pods = Array.from({ length: 150 }, (_, n) => ({ name: `web-${n}`, ip: ip(n) }));
      await addService(objects, "many", "web", { pods });
      await waitHosts(polaris, "many", "web", pods.map((p) => p.ip), 60_000);
      const slices = await new KubeReader(plane.kubeconfigPath).getJson<{ items: unknown[] }>(
        "/apis/discovery.k8s.io/v1/namespaces/many/endpointslices",
      );
      assert.ok(slices.items.length >= 2, `the endpoints span ${slices.items.length} slices`);

      polaris.resetRequests();
      await objects.deletePod("many", "web-0");
      await addPod(objects, "many", "web", { name: "web-new", ip: "10.72.9.9" });
      const want = [...pods.slice(1).map((p) => p.ip), "10.72.9.9"];
      await waitHosts(polaris, "many", "web", want, 60_000);
      assert.deepStrictEqual(
        deletedHosts(polaris, "many", "web"),
        [ip(0)],
        "only the gone pod's instance",
      );
    });
  },
});

Deno.test({
  name: "e2e: teardown (current Kubernetes)",
  ...journey,
  async fn() {
    await objects.close();
    await plane.stop();
  },
});
