/**
 * End-to-end: `polarismesh.cn/overideNamespace` and `polarismesh.cn/overideService`
 * (polaris-controller's spelling, issue 16 item 1), with the controller process, a real
 * kube-apiserver with kube-controller-manager and a real PolarisMesh server:
 * - a Service registers under its override, and nothing under its own name;
 * - a changed override moves its instances: the new name is registered first and the old one is
 *   removed after, with every instance listed under one name or the other all along (a poller
 *   reads the server throughout); polaris-controller leaks the old name, we do not;
 * - removing the override moves them back, and a namespace override works the same way;
 * - an override changed while the controller is down moves the same way at the next start.
 */
import assert from "node:assert/strict";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects } from "../cluster/objects.ts";
import { type PolarisTarget, startRealPolaris } from "../polaris/polaris_target.ts";
import { meshConfig, startController } from "./controller_process.ts";
import {
  addService,
  CONVERGE_MS,
  ensureNode,
  hostsOf,
  instancesOf,
  instanceWritesTo,
  journey,
  serviceDebug,
  waitEndpoints,
  waitHosts,
} from "./journey_kit.ts";

const OVERRIDE_SERVICE = "polarismesh.cn/overideService";
const OVERRIDE_NAMESPACE = "polarismesh.cn/overideNamespace";
const NS = "moving";
const HOSTS = ["10.75.0.1", "10.75.0.2", "10.75.0.3"];

const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
await ensureNode(objects);
await objects.createNamespace(NS);

/**
 * Reads the given Polaris services every 100 ms until stopped, and records each moment a host was
 * listed under none of them.
 */
function watchUnion(polaris: PolarisTarget, keys: readonly [string, string][]) {
  const missing: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const lists = await Promise.all(keys.map(([ns, svc]) => instancesOf(polaris, ns, svc)));
      const seen = new Set(lists.flatMap(hostsOf));
      for (const host of HOSTS) if (!seen.has(host)) missing.push(`${host} at ${Date.now()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return missing;
    },
  };
}

Deno.test({
  name:
    "e2e: overideService and overideNamespace register under another name; a change moves the instances, new name first, old one removed, none missing in between",
  ...journey,
  async fn() {
    const polaris = await startRealPolaris();
    const config = meshConfig({
      polarisUrl: polaris.url,
      token: polaris.token,
      clusterName: "moving-a",
      resyncPeriod: "2s",
    });
    let controller = await startController({ config, kubeconfig: plane.kubeconfigPath });
    try {
      await addService(objects, NS, "cart", {
        annotations: { [OVERRIDE_SERVICE]: "Cart" },
        pods: HOSTS.map((ip, i) => ({ name: `cart-${i}`, ip })),
      });
      await waitEndpoints(objects, NS, "cart", HOSTS);
      await controller.waitReady();
      await waitHosts(polaris, NS, "Cart", HOSTS);
      assert.deepStrictEqual(hostsOf(await instancesOf(polaris, NS, "cart")), []);
      // /debug says where the Service went, and shows its actor under that name.
      const view = await controller.getJson(`/debug/services/${NS}/cart`);
      assert.deepStrictEqual((view.body as { registeredUnder?: string[] }).registeredUnder, [
        `${NS}/Cart`,
      ]);
      assert.equal((await serviceDebug(controller, NS, "Cart"))?.state, "synced");

      // Cart → CartV2: registered there first, removed here after, never missing.
      polaris.resetRequests();
      const first = watchUnion(polaris, [[NS, "Cart"], [NS, "CartV2"]]);
      await objects.setServiceAnnotations(NS, "cart", { [OVERRIDE_SERVICE]: "CartV2" });
      await waitHosts(polaris, NS, "CartV2", HOSTS);
      await waitHosts(polaris, NS, "Cart", [], CONVERGE_MS);
      assert.deepStrictEqual(await first.stop(), [], "every instance listed all along");
      const created = instanceWritesTo(polaris, NS, "CartV2").find((w) => w.method === "POST")?.at;
      const touched = instanceWritesTo(polaris, NS, "Cart").find((w) => w.method === "PUT")?.at;
      assert.ok(created !== undefined && touched !== undefined, "a create there, a delete here");
      assert.ok(created < touched, `created at ${created}, old removal began at ${touched}`);

      // The override removed: back under its own name.
      await objects.setServiceAnnotations(NS, "cart", {});
      await waitHosts(polaris, NS, "cart", HOSTS);
      await waitHosts(polaris, NS, "CartV2", []);

      // A namespace override.
      await objects.setServiceAnnotations(NS, "cart", { [OVERRIDE_NAMESPACE]: "Moving-Ns" });
      await waitHosts(polaris, "Moving-Ns", "cart", HOSTS);
      await waitHosts(polaris, NS, "cart", []);
      assert.deepStrictEqual(await controller.stop(), 0);

      // Changed while the controller is down: the next start moves it the same way.
      await objects.setServiceAnnotations(NS, "cart", {
        [OVERRIDE_NAMESPACE]: "Moving-Ns",
        [OVERRIDE_SERVICE]: "Cart",
      });
      polaris.resetRequests();
      const second = watchUnion(polaris, [["Moving-Ns", "cart"], ["Moving-Ns", "Cart"]]);
      controller = await startController({ config, kubeconfig: plane.kubeconfigPath });
      await controller.waitReady();
      await waitHosts(polaris, "Moving-Ns", "Cart", HOSTS);
      await waitHosts(polaris, "Moving-Ns", "cart", []);
      assert.deepStrictEqual(await second.stop(), [], "every instance listed all along");
      assert.deepStrictEqual(await controller.stop(), 0);
    } finally {
      await controller.stop();
      await polaris.stop();
    }
  },
});

Deno.test({
  name: "e2e: teardown (overrides)",
  ...journey,
  async fn() {
    await objects.close();
    await plane.stop();
  },
});
