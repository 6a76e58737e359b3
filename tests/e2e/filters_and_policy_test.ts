/**
 * End-to-end: choosing what to sync and the write policy (issue 16 items 3 and 4), with the
 * controller process, a real kube-apiserver with kube-controller-manager and a real PolarisMesh
 * server:
 * - `--deny-namespaces`, `--label-selector` and `--service-types` leave Services out whatever
 *   their annotations say, and `/debug` says which filter; a Service relabelled out of the
 *   selector has its instances removed, like any Service that stops syncing;
 * - `--policy upsert-only` creates and updates but never deletes: a removed Pod and a deleted
 *   Service keep their instances;
 * - `--policy create-only` creates, but neither updates nor deletes.
 */
import assert from "node:assert/strict";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import {
  addService,
  CONVERGE_MS,
  ensureNode,
  hostsOf,
  instancesOf,
  instanceWrites,
  journey,
  pause,
  serviceView,
  SYNC,
  waitEndpoints,
  waitHosts,
  waitState,
  withController,
} from "./journey_kit.ts";

const WEIGHT = "polarismesh.cn/weight";

const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
await ensureNode(objects);

Deno.test({
  name:
    "e2e: --deny-namespaces, --label-selector and --service-types leave Services out whatever their annotations, and say why",
  ...journey,
  async fn() {
    await objects.createNamespace("flt-a");
    await objects.createNamespace("flt-b");
    await withController(plane.kubeconfigPath, {
      clusterName: "filters-a",
      resyncPeriod: "1s",
      args: ["--deny-namespaces=flt-b", "--label-selector=team=a", "--service-types=ClusterIP"],
    }, async (polaris, controller) => {
      const synced = { [SYNC]: "true" };
      await addService(objects, "flt-a", "web", {
        labels: { team: "a" },
        pods: [{ name: "web-0", ip: "10.72.0.1" }],
      });
      await addService(objects, "flt-a", "noteam", {
        annotations: synced,
        pods: [{ name: "noteam-0", ip: "10.72.0.2" }],
      });
      await addService(objects, "flt-a", "nodeport", {
        type: "NodePort",
        labels: { team: "a" },
        annotations: synced,
        pods: [{ name: "nodeport-0", ip: "10.72.0.3" }],
      });
      await addService(objects, "flt-b", "web", {
        labels: { team: "a" },
        annotations: synced,
        pods: [{ name: "web-0", ip: "10.72.1.1" }],
      });
      await waitEndpoints(objects, "flt-b", "web", ["10.72.1.1"]);
      await controller.waitReady();
      await waitHosts(polaris, "flt-a", "web", ["10.72.0.1"]);

      const reasons: Array<[string, string, string]> = [
        ["flt-a", "noteam", 'does not match serviceSync.labelSelector "team=a"'],
        ["flt-a", "nodeport", "of type NodePort, not in serviceSync.serviceTypes"],
        ["flt-b", "web", 'namespace "flt-b" is in serviceSync.denyNamespaces'],
      ];
      for (const [namespace, name, message] of reasons) {
        const view = await waitFor(async () => {
          const v = await serviceView(controller, namespace, name);
          return v?.sync.some((s) => s.code === "filtered") ? v : false;
        }, { what: `${namespace}/${name} shown as filtered`, timeoutMs: CONVERGE_MS });
        assert.ok(
          view.sync.some((s) => s.message.includes(message)),
          `${namespace}/${name}: ${JSON.stringify(view.sync)}`,
        );
        assert.deepStrictEqual(hostsOf(await instancesOf(polaris, namespace, name)), []);
      }

      // Relabelled out of the selector: it stops syncing, and its instance goes.
      await objects.setServiceLabels("flt-a", "web", { team: "b" });
      await waitHosts(polaris, "flt-a", "web", []);
      assert.deepStrictEqual(await controller.stop(), 0);
    });
  },
});

Deno.test({
  name:
    "e2e: --policy upsert-only creates and updates but never deletes; create-only never updates either",
  ...journey,
  async fn() {
    await objects.createNamespace("pol");
    await withController(plane.kubeconfigPath, {
      clusterName: "policy-a",
      resyncPeriod: "1s",
      args: ["--policy=upsert-only"],
    }, async (polaris, controller) => {
      await addService(objects, "pol", "web", {
        pods: [{ name: "web-0", ip: "10.73.0.1" }, { name: "web-1", ip: "10.73.0.2" }],
      });
      await controller.waitReady();
      await waitHosts(polaris, "pol", "web", ["10.73.0.1", "10.73.0.2"]);

      // An update is made.
      await objects.setServiceAnnotations("pol", "web", { [WEIGHT]: "30" });
      await waitFor(
        async () => (await instancesOf(polaris, "pol", "web")).every((i) => i.weight === 30),
        { what: "pol/web at weight 30", timeoutMs: CONVERGE_MS },
      );
      // A removed Pod and then the deleted Service keep their instances: no delete is sent.
      polaris.resetRequests();
      await objects.deletePod("pol", "web-1");
      await waitEndpoints(objects, "pol", "web", ["10.73.0.1"]);
      await objects.deleteService("pol", "web");
      await pause(3_000);
      assert.deepStrictEqual(instanceWrites(polaris, "pol", "web"), [], "no delete, no touch");
      assert.deepStrictEqual(hostsOf(await instancesOf(polaris, "pol", "web")), [
        "10.73.0.1",
        "10.73.0.2",
      ]);
      assert.deepStrictEqual(await controller.stop(), 0);
    });

    await withController(plane.kubeconfigPath, {
      clusterName: "policy-b",
      resyncPeriod: "1s",
      args: ["--policy=create-only"],
    }, async (polaris, controller) => {
      await addService(objects, "pol", "api", {
        annotations: { [WEIGHT]: "40" },
        pods: [{ name: "api-0", ip: "10.73.1.1" }],
      });
      await controller.waitReady();
      await waitHosts(polaris, "pol", "api", ["10.73.1.1"]);
      polaris.resetRequests();
      await objects.setServiceAnnotations("pol", "api", { [WEIGHT]: "70" });
      await waitState(controller, "pol", "api", "synced");
      await pause(3_000);
      assert.deepStrictEqual(instanceWrites(polaris, "pol", "api"), [], "no update is sent");
      assert.deepStrictEqual((await instancesOf(polaris, "pol", "api")).map((i) => i.weight), [40]);
      assert.deepStrictEqual(await controller.stop(), 0);
    });
  },
});

Deno.test({
  name: "e2e: teardown (filters and policy)",
  ...journey,
  async fn() {
    await objects.close();
    await plane.stop();
  },
});
