/**
 * The Kubernetes source on v1.20.2, the oldest supported Kubernetes (CI's `kubernetes-1.20` tier,
 * by this file's name): discovery finds only EndpointSlice `discovery.k8s.io/v1beta1` and chooses
 * it; list, watch and the relist after a kube-apiserver restart work on v1beta1 slices of the real
 * 1.20 controller; readiness flips come through; and where the server serves no EndpointSlices at
 * all (`--runtime-config=discovery.k8s.io/v1beta1=false`), core/v1 Endpoints are the last
 * fallback. kube-apiserver's audit log shows which API the source read.
 */

import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { ClusterChange } from "../../domain/cluster.ts";
import { type AuditEvent, startControlPlane } from "../../tests/cluster/control_plane.ts";
import { KubeReader } from "../../tests/cluster/kube_reader.ts";
import { ClusterObjects, waitFor } from "../../tests/cluster/objects.ts";
import {
  endpointLines,
  instanceLines,
  startWatchedSource,
  waitForLines,
} from "./testdata/watched_source.ts";

const NODE = "node-120";
const USER = "polaris-sync";

/** `"<verb> <resource>.<group>/<version>"` of the endpoint requests a user made, without repeats. */
function endpointRequests(events: readonly AuditEvent[], user: string): string[] {
  const seen = new Set<string>();
  for (const event of events) {
    const ref = event.objectRef;
    if (event.user.username !== user || !ref?.resource?.startsWith("endpoint")) continue;
    seen.add(`${event.verb} ${ref.resource}.${ref.apiGroup ?? ""}/${ref.apiVersion ?? ""}`);
  }
  return [...seen].sort();
}

function serviceChanges(changes: readonly ClusterChange[], namespace: string, name: string) {
  return changes.filter((change) =>
    change.kind === "service" && change.namespace === namespace && change.name === name
  ).length;
}

Deno.test("createKubernetesSource() on Kubernetes v1.20 reads EndpointSlice v1beta1", async (t) => {
  const plane = await startControlPlane({ kubernetes: "1.20", auditLog: true });
  const objects = new ClusterObjects(plane.kubeconfigPath);
  try {
    equal(plane.kubernetes, "1.20");
    equal(plane.version, "v1.20.2");
    const kubeconfig = await plane.makeUserKubeconfig(USER, ["system:masters"]);
    await objects.createNode(NODE);
    await objects.createNamespace("old");
    await objects.createService("old", "web", { selector: { app: "web" } });
    await objects.createPod("old", "web-1", { labels: { app: "web" }, nodeName: NODE });
    await objects.createPod("old", "web-2", { labels: { app: "web" }, nodeName: NODE });
    await objects.setPodReady("old", "web-1", "10.244.20.1", true);
    await objects.setPodReady("old", "web-2", "10.244.20.2", false);
    const { source, changes, logs } = await startWatchedSource(kubeconfig);
    try {
      await t.step("discovery chooses v1beta1; the first list has every endpoint", async () => {
        ok(
          logs.some((line) =>
            line.includes("watching endpoints through EndpointSlices discovery.k8s.io/v1beta1")
          ),
          logs.join("\n"),
        );
        await waitForLines(
          () => endpointLines(source.endpoints("old", "web")),
          ["10.244.20.1 ready web-1 http:8080", "10.244.20.2 notready web-2 http:8080"],
          "web's endpoints from the v1beta1 slice",
        );
        deepStrictEqual(instanceLines(source, "old", "web"), [
          "10.244.20.1:8080 serving",
          "10.244.20.2:8080 isolated",
        ]);
        const requests = await waitFor(async () => {
          const made = endpointRequests(await plane.auditEvents(), USER);
          return made.length >= 2 && made;
        }, { what: "the source's EndpointSlice list and watch in the audit log" });
        deepStrictEqual(requests, [
          "list endpointslices.discovery.k8s.io/v1beta1",
          "watch endpointslices.discovery.k8s.io/v1beta1",
        ]);
      });

      await t.step("readiness flips and a new Pod come through the watch", async () => {
        const before = serviceChanges(changes, "old", "web");
        await objects.setPodReady("old", "web-2", "10.244.20.2", true);
        await objects.setPodReady("old", "web-1", "10.244.20.1", false);
        await objects.createPod("old", "web-3", { labels: { app: "web" }, nodeName: NODE });
        await objects.setPodReady("old", "web-3", "10.244.20.3", true);
        await waitForLines(
          () => instanceLines(source, "old", "web"),
          ["10.244.20.1:8080 isolated", "10.244.20.2:8080 serving", "10.244.20.3:8080 serving"],
          "the flipped and the new Pod",
        );
        ok(serviceChanges(changes, "old", "web") > before);
      });

      await t.step(
        "a graceful delete takes the Pod out of the slice at once (no terminating condition in 1.20)",
        async () => {
          await objects.deletePod("old", "web-3", 300);
          await waitForLines(
            () => endpointLines(source.endpoints("old", "web")),
            ["10.244.20.1 notready web-1 http:8080", "10.244.20.2 ready web-2 http:8080"],
            "web-3 gone while terminating",
          );
          const pod = await objects.core.readNamespacedPod({ namespace: "old", name: "web-3" });
          ok(pod.metadata?.deletionTimestamp, "web-3 is still there, terminating");
          await objects.deletePod("old", "web-3", 0);
        },
      );

      await t.step(
        "with publishNotReadyAddresses, a Pod being deleted is left out though 1.20 lists it ready",
        async () => {
          await objects.createService("old", "keep", {
            selector: { app: "keep" },
            publishNotReadyAddresses: true,
          });
          await objects.createPod("old", "keep-1", { labels: { app: "keep" }, nodeName: NODE });
          await objects.createPod("old", "keep-2", { labels: { app: "keep" }, nodeName: NODE });
          await objects.setPodReady("old", "keep-1", "10.244.21.1", true);
          await objects.setPodReady("old", "keep-2", "10.244.21.2", true);
          await waitForLines(
            () => instanceLines(source, "old", "keep"),
            ["10.244.21.1:8080 serving", "10.244.21.2:8080 serving"],
            "keep's two instances",
          );
          await objects.deletePod("old", "keep-2", 300);
          await waitForLines(
            () => instanceLines(source, "old", "keep"),
            ["10.244.21.1:8080 serving"],
            "keep-2 left out while it terminates",
          );
          const raw = await new KubeReader(plane.kubeconfigPath).getJson<{
            items: { endpoints: { addresses: string[]; conditions?: { ready?: boolean } }[] }[];
          }>(
            "/apis/discovery.k8s.io/v1beta1/namespaces/old/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dkeep",
          );
          const listed = raw.items.flatMap((i) => i.endpoints)
            .filter((e) => e.addresses.includes("10.244.21.2"));
          deepStrictEqual(
            listed.map((e) => e.conditions?.ready),
            [true],
            "1.20's slice still lists it, ready",
          );
          await objects.deletePod("old", "keep-2", 0);
        },
      );

      await t.step("relists after a kube-apiserver restart (410) to the same view", async () => {
        // An unwatched write moves etcd's revision past the watchers' resourceVersions, so the
        // restarted apiserver's empty watch cache answers their resumed watches with 410.
        await objects.core.createNamespacedConfigMap({
          namespace: "old",
          body: { metadata: { name: "bump" } },
        });
        changes.length = 0;
        await plane.restartApiserver();
        await objects.setPodReady("old", "web-1", "10.244.20.1", true);
        await objects.deletePod("old", "web-2");
        await waitForLines(
          () => instanceLines(source, "old", "web"),
          ["10.244.20.1:8080 serving"],
          "the changes made after the restart",
          30_000,
        );
        ok(changes.some((change) => change.kind === "relisted"), "the 410 led to a relist");
        const slices = source.status().resources.find((status) =>
          status.resource === "endpointslices"
        );
        ok(slices && slices.restarts > 0 && slices.phase === "watching", JSON.stringify(slices));
        deepStrictEqual(endpointRequests(await plane.auditEvents(), USER), [
          "list endpointslices.discovery.k8s.io/v1beta1",
          "watch endpointslices.discovery.k8s.io/v1beta1",
        ], "never core/v1 Endpoints while v1beta1 is served");
      });
    } finally {
      await source.stop();
    }
  } finally {
    await objects.close();
    await plane.stop();
  }
});

Deno.test("createKubernetesSource() on Kubernetes v1.20 without EndpointSlices falls back to core/v1 Endpoints", async () => {
  const plane = await startControlPlane({
    kubernetes: "1.20",
    auditLog: true,
    extraApiserverFlags: ["--runtime-config=discovery.k8s.io/v1beta1=false"],
  });
  const objects = new ClusterObjects(plane.kubeconfigPath);
  try {
    const kubeconfig = await plane.makeUserKubeconfig(USER, ["system:masters"]);
    await objects.createNode(NODE);
    await objects.createNamespace("bare");
    await objects.createService("bare", "web", { selector: { app: "web" } });
    await objects.createPod("bare", "web-1", { labels: { app: "web" }, nodeName: NODE });
    await objects.setPodReady("bare", "web-1", "10.244.21.1", true);
    const { source, logs } = await startWatchedSource(kubeconfig);
    try {
      ok(
        logs.some((line) => line.includes("watching endpoints through core/v1 Endpoints")),
        logs.join("\n"),
      );
      deepStrictEqual(source.status().resources.map((status) => status.resource), [
        "namespaces",
        "services",
        "endpoints",
        "pods",
      ]);
      await waitForLines(
        () => instanceLines(source, "bare", "web"),
        ["10.244.21.1:8080 serving"],
        "web's instance from core/v1 Endpoints",
      );
      await objects.setPodReady("bare", "web-1", "10.244.21.1", false);
      await waitForLines(
        () => instanceLines(source, "bare", "web"),
        ["10.244.21.1:8080 isolated"],
        "the flip through the Endpoints watch",
      );
      const requests = await waitFor(async () => {
        const made = endpointRequests(await plane.auditEvents(), USER);
        return made.length >= 2 && made;
      }, { what: "the source's Endpoints list and watch in the audit log" });
      deepStrictEqual(requests, ["list endpoints./v1", "watch endpoints./v1"]);
    } finally {
      await source.stop();
    }
  } finally {
    await objects.close();
    await plane.stop();
  }
});
