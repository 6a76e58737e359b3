/**
 * End-to-end: taking over a registry written by polaris-controller (issue 16 item 6,
 * docs/migrating-from-polaris-controller.md), with the controller process, a real kube-apiserver
 * with kube-controller-manager and a real PolarisMesh server. The registry is seeded exactly as
 * polaris-controller writes it: protocol `<portName>/<PROTO>`, the version from the Pod label,
 * the weight of `polarismesh.cn/weight`, `isolate` for a Pod that is not ready, metadata of the
 * `polarismesh.cn/metadata` map, every Pod label, `clusterName` and `source`, one instance with
 * the legacy `platform` key instead of `source`, and its alias. Our controller takes it over with
 * the writes the migration doc names and no other: one metadata update per instance, batched;
 * no create, no delete, no namespace, service or alias write; the instance ids stay. A resync
 * afterwards writes nothing.
 */
import assert from "node:assert/strict";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import { startRealPolaris } from "../polaris/polaris_target.ts";
import { meshConfig, startController } from "./controller_process.ts";
import {
  addService,
  CONVERGE_MS,
  ensureNode,
  journey,
  pause,
  waitEndpoints,
} from "./journey_kit.ts";

const CLUSTER = "migrate-a";
const NS = "migrate";
const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
await ensureNode(objects);

Deno.test({
  name:
    "e2e: a registry written by polaris-controller is taken over with one metadata update per instance, no create and no delete",
  ...journey,
  async fn() {
    await objects.createNamespace(NS);
    const annotations = {
      "polarismesh.cn/weight": "80",
      "polarismesh.cn/metadata": '{"team":"payments"}',
      "polarismesh.cn/aliasService": "cart-alias",
      "polarismesh.cn/aliasNamespace": NS,
    };
    const pods = [
      { name: "cart-0", ip: "10.74.0.1", labels: { version: "v1", tier: "web" } },
      { name: "cart-1", ip: "10.74.0.2", labels: { version: "v1", tier: "web" } },
      { name: "cart-2", ip: "10.74.0.3", labels: { version: "v2", tier: "web" }, ready: false },
    ];
    await addService(objects, NS, "cart", { annotations, pods });
    await waitEndpoints(objects, NS, "cart", pods.map((p) => p.ip));

    const polaris = await startRealPolaris();
    try {
      // What polaris-controller registered for them (reference §3.2).
      await polaris.seedServices([{ namespace: NS, name: "cart" }]);
      await polaris.seedInstances(pods.map((pod, i) => ({
        namespace: NS,
        service: "cart",
        host: pod.ip,
        port: 8080,
        protocol: "http/TCP",
        version: pod.labels.version,
        weight: 80,
        healthy: true,
        isolate: pod.ready === false,
        metadata: {
          team: "payments",
          app: "cart",
          ...pod.labels,
          clusterName: CLUSTER,
          // The last one as older polaris-controller versions marked it.
          ...(i === 2 ? { platform: "polaris-controller" } : { source: "polaris-controller" }),
        },
      })));
      await polaris.seedAliases([
        { alias: "cart-alias", aliasNamespace: NS, service: "cart", namespace: NS },
      ]);
      const before = await polaris.instances(NS, "cart");
      assert.equal(before.length, 3);
      polaris.resetRequests();

      const controller = await startController({
        config: meshConfig({
          polarisUrl: polaris.url,
          token: polaris.token,
          clusterName: CLUSTER,
          resyncPeriod: "1s",
        }),
        kubeconfig: plane.kubeconfigPath,
      });
      try {
        await controller.waitReady();
        const after = await waitFor(async () => {
          const now = await polaris.instances(NS, "cart");
          return now.length === 3 && now.every((i) => i.metadata.k8s_service === "cart") && now;
        }, { what: "every instance taken over (k8s_service written)", timeoutMs: CONVERGE_MS });

        // The doc's writes: one update per instance, in one batch; nothing else.
        const writes = polaris.writes();
        const summary = writes.map((w) =>
          `${w.method} ${w.path} ${Array.isArray(w.body) ? w.body.length : 1}`
        );
        assert.deepStrictEqual(summary, ["PUT /naming/v1/instances 3"], summary.join("\n"));
        // The same instances (ids), with what polaris-controller registered kept.
        assert.deepStrictEqual(after.map((i) => i.id), before.map((i) => i.id));
        for (const [i, instance] of after.entries()) {
          assert.deepStrictEqual(
            [instance.protocol, instance.version, instance.weight, instance.isolate],
            ["http/TCP", pods[i].labels.version, 80, pods[i].ready === false],
          );
          assert.equal(instance.metadata.source, "polaris-controller");
          assert.equal(instance.metadata.platform, undefined, "the legacy key gives way");
          assert.equal(instance.metadata.team, "payments");
          assert.equal(instance.metadata.k8s_pod, pods[i].name);
        }
        assert.deepStrictEqual(
          (await polaris.aliases(NS)).map((a) => `${a.alias}->${a.namespace}/${a.service}`),
          [`cart-alias->${NS}/cart`],
        );

        // Settled: resyncs (every 1 s) write nothing more.
        polaris.resetRequests();
        await pause(3_000);
        assert.deepStrictEqual(polaris.writes().map((w) => `${w.method} ${w.path}`), []);
        assert.deepStrictEqual(await controller.stop(), 0);
      } finally {
        await controller.stop();
      }
    } finally {
      await polaris.stop();
    }
  },
});

Deno.test({
  name: "e2e: teardown (migration)",
  ...journey,
  async fn() {
    await objects.close();
    await plane.stop();
  },
});
