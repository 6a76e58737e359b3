/**
 * End-to-end: what must reach Polaris at once, and then never again, on the real kube-apiserver
 * and the real PolarisMesh server v1.18.1: a change to a Pod label the console list hides, and a
 * port served over TCP and UDP. One control plane serves the file; each test has its own Polaris
 * server and controller process.
 */
import assert from "node:assert/strict";
import type { PolarisTarget } from "../polaris/polaris_target.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import {
  addPod,
  addService,
  CONVERGE_MS,
  ensureNode,
  hostsOf,
  instancesOf,
  journey,
  pause,
  serviceDebug,
  waitEndpoints,
  waitHosts,
  withController as withPlaneController,
  type WithControllerOptions,
  writeCount,
} from "./journey_kit.ts";
import type { ControllerProcess } from "./controller_process.ts";

const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
await ensureNode(objects);

/** `withController` on this file's control plane. */
const withController = (
  options: WithControllerOptions,
  fn: (polaris: PolarisTarget, controller: ControllerProcess) => Promise<void>,
) => withPlaneController(plane.kubeconfigPath, options, fn);

/**
 * The hosts of a service whose stored metadata has `key` = `value`: the console list's filter sees
 * the keys its output strips (reference §5).
 */
async function hostsWithMetadata(
  polaris: PolarisTarget,
  namespace: string,
  service: string,
  key: string,
  value: string,
): Promise<string[]> {
  const query = new URLSearchParams({ namespace, service, keys: key, values: value });
  const response = await fetch(`${polaris.serverUrl}/naming/v1/instances?${query}`, {
    headers: { "X-Polaris-Token": polaris.token },
  });
  const body = await response.json() as { code: number; instances?: { host: string }[] | null };
  assert.deepStrictEqual(body.code, 200000, `GET instances with ${key}=${value}`);
  return (body.instances ?? []).map((i) => i.host).sort();
}

Deno.test({
  name:
    "e2e: a change to only a console-hidden Pod label (zone) reaches Polaris at once, and the resyncs after it write nothing",
  ...journey,
  async fn() {
    await withController({ clusterName: "hidden" }, async (polaris, controller) => {
      await objects.createNamespace("hidden");
      await addService(objects, "hidden", "web", {
        pods: [{ name: "web-1", ip: "10.61.0.1", labels: { zone: "z1" } }],
      });
      await controller.waitReady();
      await waitHosts(polaris, "hidden", "web", ["10.61.0.1"]);
      assert.deepStrictEqual(
        await hostsWithMetadata(polaris, "hidden", "web", "zone", "z1"),
        ["10.61.0.1"],
      );
      assert.deepStrictEqual(
        (await instancesOf(polaris, "hidden", "web"))[0].metadata.zone,
        undefined,
        "the console list does not show it",
      );

      await objects.setPodLabels("hidden", "web-1", { app: "web", zone: "z2" });
      await waitFor(
        async () => (await hostsWithMetadata(polaris, "hidden", "web", "zone", "z2")).length === 1,
        { what: "zone z2 stored in Polaris", timeoutMs: CONVERGE_MS },
      );

      // The resync period is 2 s: two of them, and no update between.
      polaris.resetRequests();
      await pause(5_000);
      assert.deepStrictEqual(writeCount(polaris), 0, JSON.stringify(polaris.requests()));
    });
  },
});

Deno.test({
  name:
    "e2e: a port served over UDP and TCP is one Polaris instance with the TCP protocol, reported on /debug and as an Event; the resyncs write nothing",
  ...journey,
  async fn() {
    await withController({ clusterName: "ports" }, async (polaris, controller) => {
      await objects.createNamespace("ports");
      // UDP listed first: the rule, not the order, picks the protocol.
      await objects.createService("ports", "dns", {
        selector: { app: "dns" },
        ports: [
          { name: "dns-udp", port: 53, targetPort: 53 as never, protocol: "UDP" },
          { name: "dns", port: 53, targetPort: 53 as never, protocol: "TCP" },
        ],
      });
      await addPod(objects, "ports", "dns", { name: "dns-1", ip: "10.62.0.1" });
      await waitEndpoints(objects, "ports", "dns", ["10.62.0.1"]);
      await controller.waitReady();
      const [instance] = await waitHosts(polaris, "ports", "dns", ["10.62.0.1"]);
      assert.deepStrictEqual([instance.port, instance.protocol], [53, "dns/TCP"]);

      const report = await waitFor(async () => {
        const debug = await serviceDebug(controller, "ports", "dns");
        return debug?.report?.problems.some((p) => p.code === "shared-port") ? debug.report : false;
      }, { what: "the shared port reported on /debug", timeoutMs: CONVERGE_MS });
      const message = report.problems.find((p) => p.code === "shared-port")!.message;
      assert.match(message, /"dns-udp"\/UDP/);
      await waitFor(async () => {
        const list = await objects.core.listNamespacedEvent({ namespace: "ports" });
        return list.items.some((e) =>
          e.involvedObject.kind === "Service" && e.involvedObject.name === "dns" &&
          e.type === "Warning" && e.message === message
        );
      }, { what: "a Warning Event on Service ports/dns", timeoutMs: CONVERGE_MS });

      polaris.resetRequests();
      await pause(5_000);
      assert.deepStrictEqual(writeCount(polaris), 0, JSON.stringify(polaris.requests()));
      assert.deepStrictEqual(hostsOf(await instancesOf(polaris, "ports", "dns")), ["10.62.0.1"]);
    });
  },
});

Deno.test({
  name: "e2e: teardown (repairs)",
  ...journey,
  async fn() {
    await objects.close();
    await plane.stop();
  },
});
