/**
 * End-to-end: two real control planes synced into one Polaris (sync-rules §2.9, §3.1 "no
 * deletion before every source has listed"), both ways the seed runs: one controller process per
 * cluster, and one controller watching both clusters through a `clusters:` list. Each test has its
 * own real Polaris server (with a fault proxy in front), read as its store holds the instances
 * (`withStoreReads`: v1.18.1 keeps listing an instance deleted over 5 s after its last write).
 */
import assert from "node:assert/strict";
import { type PolarisTarget, startRealPolaris, withStoreReads } from "../polaris/polaris_target.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects } from "../cluster/objects.ts";
import { type ControllerProcess, meshConfig, startController } from "./controller_process.ts";
import {
  addPod,
  addService,
  CONVERGE_MS,
  deletedHosts,
  ensureNode,
  hostsOf,
  instancesOf,
  journey,
  pause,
  waitEndpoints,
  waitHosts,
  waitState,
} from "./journey_kit.ts";

const [east, west] = await Promise.all([startControlPlane(), startControlPlane()]);
const eastObjects = new ClusterObjects(east.kubeconfigPath);
const westObjects = new ClusterObjects(west.kubeconfigPath);
await Promise.all([ensureNode(eastObjects), ensureNode(westObjects)]);

/** A config for one controller watching both clusters. */
function bothClusters(polaris: PolarisTarget): string {
  return meshConfig({
    polarisUrl: polaris.url,
    token: polaris.token,
    extra: [
      "clusters:",
      "  - clusterName: east",
      `    kubeconfig: ${east.kubeconfigPath}`,
      "  - clusterName: west",
      `    kubeconfig: ${west.kubeconfigPath}`,
    ].join("\n"),
  });
}

/** `host → clusterName` of a Polaris service's instances. */
async function owners(polaris: PolarisTarget, namespace: string, service: string) {
  return Object.fromEntries(
    (await instancesOf(polaris, namespace, service)).map((i) => [i.host, i.metadata.clusterName]),
  );
}

async function stopAll(
  controllers: readonly (ControllerProcess | undefined)[],
  polaris: PolarisTarget,
) {
  for (const controller of controllers) await controller?.stop();
  await polaris.stop();
}

Deno.test({
  name: "e2e: one controller per cluster: one Polaris service, each deletes only its own instances",
  ...journey,
  async fn() {
    const polaris = withStoreReads(await startRealPolaris());
    const controllers: ControllerProcess[] = [];
    try {
      for (const [name, plane] of [["east", east], ["west", west]] as const) {
        controllers.push(
          await startController({
            config: meshConfig({
              polarisUrl: polaris.url,
              token: polaris.token,
              clusterName: name,
            }),
            kubeconfig: plane.kubeconfigPath,
          }),
        );
      }
      const [eastController, westController] = controllers;
      await eastObjects.createNamespace("pair");
      await westObjects.createNamespace("pair");
      await addService(eastObjects, "pair", "web", {
        pods: [{ name: "web-1", ip: "10.60.0.1" }, { name: "web-2", ip: "10.60.0.2" }],
      });
      await addService(westObjects, "pair", "web", {
        pods: [{ name: "web-1", ip: "10.61.0.1" }, { name: "web-2", ip: "10.61.0.2" }],
      });
      await Promise.all(controllers.map((c) => c.waitReady()));
      await waitHosts(polaris, "pair", "web", [
        "10.60.0.1",
        "10.60.0.2",
        "10.61.0.1",
        "10.61.0.2",
      ]);
      assert.deepStrictEqual(await owners(polaris, "pair", "web"), {
        "10.60.0.1": "east",
        "10.60.0.2": "east",
        "10.61.0.1": "west",
        "10.61.0.2": "west",
      });
      assert.deepStrictEqual(
        (await polaris.services("pair")).filter((s) => s.name === "web").length,
        1,
      );

      // The same pod IP in both clusters: west must not take over east's instance.
      await addPod(eastObjects, "pair", "web", { name: "web-3", ip: "10.62.0.9" });
      await waitHosts(polaris, "pair", "web", [
        "10.60.0.1",
        "10.60.0.2",
        "10.61.0.1",
        "10.61.0.2",
        "10.62.0.9",
      ]);
      await addPod(westObjects, "pair", "web", { name: "web-3", ip: "10.62.0.9" });
      const conflict = await waitState(westController, "pair", "web", "conflict");
      assert.ok(
        (conflict.lastError ?? "").includes("10.62.0.9"),
        `the conflict names the address: ${conflict.lastError}`,
      );
      await pause(500);
      assert.deepStrictEqual(
        (await owners(polaris, "pair", "web"))["10.62.0.9"],
        "east",
        "not overwritten",
      );
      assert.deepStrictEqual(
        (await waitState(eastController, "pair", "web", "synced")).lastError,
        null,
      );
      await westObjects.deletePod("pair", "web-3");
      await waitState(westController, "pair", "web", "synced");

      // Each controller deletes only its own.
      await eastObjects.deletePod("pair", "web-1");
      await waitHosts(polaris, "pair", "web", [
        "10.60.0.2",
        "10.61.0.1",
        "10.61.0.2",
        "10.62.0.9",
      ]);
      await westObjects.deleteService("pair", "web");
      await waitHosts(polaris, "pair", "web", ["10.60.0.2", "10.62.0.9"]);
      await pause(500);
      assert.deepStrictEqual(await owners(polaris, "pair", "web"), {
        "10.60.0.2": "east",
        "10.62.0.9": "east",
      });
    } finally {
      await stopAll(controllers, polaris);
    }
  },
});

Deno.test({
  name: "e2e: one controller watching two clusters: one service, both clusterNames, IP clash held",
  ...journey,
  async fn() {
    const polaris = withStoreReads(await startRealPolaris());
    let controller: ControllerProcess | undefined;
    try {
      controller = await startController({ config: bothClusters(polaris) });
      await eastObjects.createNamespace("duo");
      await westObjects.createNamespace("duo");
      await addService(eastObjects, "duo", "api", { pods: [{ name: "api-1", ip: "10.63.0.1" }] });
      await addService(westObjects, "duo", "api", { pods: [{ name: "api-1", ip: "10.64.0.1" }] });
      await controller.waitReady();
      await waitHosts(polaris, "duo", "api", ["10.63.0.1", "10.64.0.1"]);
      const both = await instancesOf(polaris, "duo", "api");
      assert.deepStrictEqual(await owners(polaris, "duo", "api"), {
        "10.63.0.1": "east",
        "10.64.0.1": "west",
      });
      assert.ok(both.every((i) => i.metadata.k8s_pod === "api-1"), "pods named per cluster");

      // The same pod IP in both clusters: the first registration stays, the service is in conflict.
      await addPod(eastObjects, "duo", "api", { name: "api-2", ip: "10.65.0.9" });
      await waitHosts(polaris, "duo", "api", ["10.63.0.1", "10.64.0.1", "10.65.0.9"]);
      await addPod(westObjects, "duo", "api", {
        name: "api-2",
        ip: "10.65.0.9",
        labels: { x: "y" },
      });
      await waitEndpoints(westObjects, "duo", "api", ["10.64.0.1", "10.65.0.9"]);
      const conflict = await waitState(controller, "duo", "api", "conflict");
      assert.ok(
        (conflict.lastError ?? "").includes("10.65.0.9"),
        `the conflict names the address: ${conflict.lastError}`,
      );
      await pause(500);
      const clash = (await instancesOf(polaris, "duo", "api")).find((i) => i.host === "10.65.0.9");
      assert.deepStrictEqual(
        clash?.metadata.clusterName,
        "east",
        "east's instance is not overwritten",
      );
      assert.deepStrictEqual(
        clash?.metadata.x,
        undefined,
        "west's labels were not written onto it",
      );

      // A deletion in one cluster removes only that cluster's instance.
      await westObjects.deletePod("duo", "api-2");
      await waitState(controller, "duo", "api", "synced");
      await westObjects.deletePod("duo", "api-1");
      await waitHosts(polaris, "duo", "api", ["10.63.0.1", "10.65.0.9"]);
      assert.deepStrictEqual(await owners(polaris, "duo", "api"), {
        "10.63.0.1": "east",
        "10.65.0.9": "east",
      });
    } finally {
      await stopAll([controller], polaris);
    }
  },
});

Deno.test({
  name: "e2e: nothing is deleted before every cluster has listed; the sweep runs once they have",
  ...journey,
  async fn() {
    const polaris = withStoreReads(await startRealPolaris());
    let controller: ControllerProcess | undefined;
    let westDown = false;
    try {
      await eastObjects.createNamespace("late");
      await westObjects.createNamespace("late");
      await addService(eastObjects, "late", "web", { pods: [{ name: "web-1", ip: "10.66.0.1" }] });
      await addService(westObjects, "late", "web", { pods: [{ name: "web-1", ip: "10.67.0.1" }] });
      await waitEndpoints(westObjects, "late", "web", ["10.67.0.1"]);
      const owned = (clusterName: string) => ({ clusterName, source: "polaris-controller" });
      await polaris.seedInstances([
        // East's, for a Service that exists in no cluster.
        {
          namespace: "late",
          service: "gone",
          host: "10.66.9.1",
          port: 8080,
          metadata: owned("east"),
        },
        // East's, for a pod east no longer has.
        {
          namespace: "late",
          service: "web",
          host: "10.66.9.2",
          port: 8080,
          metadata: owned("east"),
        },
        // West's: one west still runs, one it does not.
        {
          namespace: "late",
          service: "web",
          host: "10.67.0.1",
          port: 8080,
          metadata: owned("west"),
        },
        {
          namespace: "late",
          service: "web",
          host: "10.67.9.3",
          port: 8080,
          metadata: owned("west"),
        },
      ]);
      const seededHosts = ["10.66.9.2", "10.67.0.1", "10.67.9.3"];

      // Idle HTTP/2 connections to a stopping kube-apiserver get a GOAWAY that can abort this very
      // test process inside Deno's nghttp2 (an assertion in find_stream_on_goaway_func): close
      // them first; the helpers open new ones on their next request.
      await westObjects.close();
      await west.stopApiserver();
      westDown = true;
      controller = await startController({ config: bothClusters(polaris) });
      // East is listed and synced: its new pod is created, but nothing is deleted yet.
      await waitHosts(polaris, "late", "web", [...seededHosts, "10.66.0.1"]);
      await pause(3_000);
      assert.deepStrictEqual(
        hostsOf(await instancesOf(polaris, "late", "web")),
        [...seededHosts, "10.66.0.1"].sort(),
      );
      assert.deepStrictEqual(hostsOf(await instancesOf(polaris, "late", "gone")), ["10.66.9.1"]);
      // A delete and a re-create between two reads would not show in them: no delete was sent.
      assert.deepStrictEqual(
        deletedHosts(polaris, "late", "web"),
        [],
        "no delete sent for late/web",
      );
      assert.deepStrictEqual(
        deletedHosts(polaris, "late", "gone"),
        [],
        "no delete sent for late/gone",
      );
      const readiness = await controller.getJson("/readyz");
      assert.deepStrictEqual(readiness.status, 503);
      assert.ok(
        JSON.stringify(readiness.body).includes("west"),
        "readyz names the listing cluster",
      );

      await west.startApiserver();
      westDown = false;
      await controller.waitReady(CONVERGE_MS);
      await waitHosts(polaris, "late", "gone", []);
      await waitHosts(polaris, "late", "web", ["10.66.0.1", "10.67.0.1"]);
      assert.deepStrictEqual(await owners(polaris, "late", "web"), {
        "10.66.0.1": "east",
        "10.67.0.1": "west",
      });
    } finally {
      if (westDown) await west.startApiserver();
      await stopAll([controller], polaris);
    }
  },
});

Deno.test({
  name: "e2e: teardown (multi-cluster)",
  ...journey,
  async fn() {
    await eastObjects.close();
    await westObjects.close();
    await Promise.all([east.stop(), west.stop()]);
  },
});
