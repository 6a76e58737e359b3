/**
 * The Kubernetes cluster source against a real kube-apiserver of the current Kubernetes (the
 * version tests/deps/kubernetes pins; EndpointSlice v1) with the real endpoint and EndpointSlice
 * controllers (tests/cluster). One control plane for the whole file; each case works in its own
 * namespace. The v1.20 (EndpointSlice v1beta1) counterpart is
 * kubernetes_source_v1_20_cluster_test.ts.
 */

import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { ClusterChange, ClusterSource } from "../../domain/cluster.ts";
import type { EndpointGroup } from "../../domain/kubernetes.ts";
import { startControlPlane } from "../../tests/cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../../tests/cluster/objects.ts";
import { createKubernetesSource, type KubernetesSourceOptions } from "./kubernetes_source.ts";

const NODE = "node-a";

/** A running source with the changes it emitted, for assertions. */
interface Watched {
  readonly source: ClusterSource;
  readonly changes: ClusterChange[];
  readonly logs: string[];
}

async function watch(
  kubeconfigPath: string,
  options: Partial<KubernetesSourceOptions> = {},
): Promise<Watched> {
  const changes: ClusterChange[] = [];
  const logs: string[] = [];
  const source = createKubernetesSource({
    clusterName: "cluster-a",
    kubeconfigPath,
    backoffBaseMs: 100,
    backoffMaxMs: 1000,
    log: (level, message, fields) => logs.push(`${level} ${message} ${JSON.stringify(fields)}`),
    ...options,
  });
  source.subscribe((change) => changes.push(change));
  await source.start();
  await waitFor(() => source.synced, { what: "the source synced", timeoutMs: 15_000 });
  return { source, changes, logs };
}

function serviceChanges(
  changes: readonly ClusterChange[],
  namespace: string,
  name: string,
): number {
  return changes.filter((change) =>
    change.kind === "service" && change.namespace === namespace && change.name === name
  ).length;
}

function addresses(groups: readonly EndpointGroup[]): string[] {
  return groups.flatMap((group) =>
    group.addresses.map((address) =>
      `${address.address} ${address.ready ? "ready" : "notready"} ${address.podName ?? "-"} ${
        group.ports.map((port) => `${port.name}:${port.port}`).join(",")
      }`
    )
  ).sort();
}

Deno.test("createKubernetesSource() against the current kube-apiserver with kube-controller-manager", async (t) => {
  const plane = await startControlPlane();
  const objects = new ClusterObjects(plane.kubeconfigPath);
  try {
    await objects.createNode(NODE, { "topology.kubernetes.io/zone": "zone-a" });

    await t.step("lists every kind first, then watches new objects", async () => {
      const ns = "list-then-watch";
      await objects.createNamespace(ns, { "polarismesh.cn/sync": "true" });
      await objects.createService(ns, "web", {
        selector: { app: "web" },
        annotations: { team: "a" },
      });
      await objects.createPod(ns, "web-1", {
        labels: { app: "web", version: "v1" },
        nodeName: NODE,
      });
      await objects.setPodReady(ns, "web-1", "10.244.1.1", true);
      const { source, changes } = await watch(plane.kubeconfigPath);
      try {
        deepStrictEqual(source.namespace(ns)?.annotations, { "polarismesh.cn/sync": "true" });
        deepStrictEqual(source.service(ns, "web"), {
          namespace: ns,
          name: "web",
          type: "ClusterIP",
          annotations: { team: "a" },
        });
        const resources = source.status().resources.map((status) => status.resource);
        deepStrictEqual(resources, ["namespaces", "services", "endpointslices", "pods"]);
        await waitFor(() => source.endpoints(ns, "web").length === 1, {
          what: "web's EndpointSlice",
        });
        deepStrictEqual(addresses(source.endpoints(ns, "web")), [
          "10.244.1.1 ready web-1 http:8080",
        ]);
        // Since 1.35 (PodTopologyLabelsAdmission) a Pod bound to a Node also carries the Node's
        // topology labels, so the Pod's own labels are read back rather than assumed.
        const pod = await objects.core.readNamespacedPod({ namespace: ns, name: "web-1" });
        deepStrictEqual(source.podLabels(ns, "web-1"), pod.metadata?.labels);
        deepStrictEqual(
          [source.podLabels(ns, "web-1")?.app, source.podLabels(ns, "web-1")?.version],
          ["web", "v1"],
        );
        equal(changes.filter((change) => change.kind === "synced").length, 1);

        await objects.createService(ns, "api", { type: "NodePort" });
        await objects.createNamespace(`${ns}-2`);
        await waitFor(() => source.service(ns, "api")?.type === "NodePort", {
          what: "the new Service",
        });
        await waitFor(() => source.namespace(`${ns}-2`), { what: "the new Namespace" });
        ok(changes.some((change) => change.kind === "namespace" && change.name === `${ns}-2`));
        deepStrictEqual([...source.servicesInNamespace(ns)].map((service) => service.name).sort(), [
          "api",
          "web",
        ]);
        for (const status of source.status().resources) {
          equal(status.phase, "watching", JSON.stringify(status));
          ok(status.resourceVersion !== "", JSON.stringify(status));
        }
      } finally {
        await source.stop();
      }
    });

    await t.step(
      "follows Pod readiness flips and a grace-0 delete through real EndpointSlices",
      async () => {
        const ns = "readiness";
        await objects.createNamespace(ns);
        await objects.createService(ns, "web", { selector: { app: "web" } });
        await objects.createPod(ns, "web-1", { labels: { app: "web" }, nodeName: NODE });
        const { source, changes } = await watch(plane.kubeconfigPath);
        try {
          const expect = async (wanted: string[], what: string) => {
            await waitFor(
              () =>
                JSON.stringify(addresses(source.endpoints(ns, "web"))) === JSON.stringify(wanted),
              {
                what: `${what}: ${JSON.stringify(wanted)}, got ${
                  JSON.stringify(addresses(source.endpoints(ns, "web")))
                }`,
              },
            );
          };
          await objects.setPodReady(ns, "web-1", "10.244.2.1", true);
          await expect(["10.244.2.1 ready web-1 http:8080"], "ready");
          const before = serviceChanges(changes, ns, "web");
          await objects.setPodReady(ns, "web-1", "10.244.2.1", false);
          await expect(["10.244.2.1 notready web-1 http:8080"], "not ready");
          ok(serviceChanges(changes, ns, "web") > before);
          await objects.setPodReady(ns, "web-1", "10.244.2.1", true);
          await expect(["10.244.2.1 ready web-1 http:8080"], "ready again");
          await objects.deletePod(ns, "web-1");
          await expect([], "deleted");
        } finally {
          await source.stop();
        }
      },
    );

    await t.step("reads core/v1 Endpoints when configured to", async () => {
      const ns = "endpoints-api";
      await objects.createNamespace(ns);
      await objects.createService(ns, "web", { selector: { app: "web" } });
      await objects.createPod(ns, "web-1", { labels: { app: "web" }, nodeName: NODE });
      await objects.createPod(ns, "web-2", { labels: { app: "web" }, nodeName: NODE });
      await objects.setPodReady(ns, "web-1", "10.244.4.1", true);
      await objects.setPodReady(ns, "web-2", "10.244.4.2", false);
      const { source } = await watch(plane.kubeconfigPath, { endpointsApi: "endpoints" });
      try {
        ok(source.status().resources.some((status) => status.resource === "endpoints"));
        const wanted = ["10.244.4.1 ready web-1 http:8080", "10.244.4.2 notready web-2 http:8080"];
        await waitFor(
          () => JSON.stringify(addresses(source.endpoints(ns, "web"))) === JSON.stringify(wanted),
          {
            what: `Endpoints ${JSON.stringify(wanted)}`,
          },
        );
      } finally {
        await source.stop();
      }
    });

    await t.step("sees an annotation removed by an update and a Pod label change", async () => {
      const ns = "updates";
      await objects.createNamespace(ns, { "polarismesh.cn/sync": "true" });
      await objects.createService(ns, "web", {
        selector: { app: "web" },
        annotations: { "polarismesh.cn/sync": "true", keep: "me" },
      });
      await objects.createPod(ns, "web-1", {
        labels: { app: "web", version: "v1" },
        nodeName: NODE,
      });
      await objects.setPodReady(ns, "web-1", "10.244.3.1", true);
      const { source, changes } = await watch(plane.kubeconfigPath);
      try {
        await waitFor(() => source.endpoints(ns, "web").length === 1, { what: "web's endpoints" });
        changes.length = 0;
        await objects.setServiceAnnotations(ns, "web", { keep: "me" });
        await waitFor(
          () => !("polarismesh.cn/sync" in (source.service(ns, "web")?.annotations ?? {})),
          {
            what: "the removed annotation",
          },
        );
        equal(serviceChanges(changes, ns, "web"), 1);
        await objects.setNamespaceAnnotations(ns, {});
        await waitFor(
          () => changes.some((change) => change.kind === "namespace" && change.name === ns),
          {
            what: "the namespace change",
          },
        );
        deepStrictEqual(source.namespace(ns)?.annotations, {});
        changes.length = 0;
        await objects.setPodLabels(ns, "web-1", { app: "web", version: "v2" });
        await waitFor(() => source.podLabels(ns, "web-1")?.version === "v2", {
          what: "the new Pod label",
        });
        ok(serviceChanges(changes, ns, "web") >= 1, JSON.stringify(changes));
      } finally {
        await source.stop();
      }
    });

    await t.step(
      "survives a kube-apiserver restart: no lost change, no duplicate, same view",
      async () => {
        const ns = "restart";
        await objects.createNamespace(ns);
        for (const name of ["stays", "changes", "goes"]) {
          await objects.createService(ns, name, { annotations: { v: "1" } });
        }
        const { source, changes } = await watch(plane.kubeconfigPath);
        try {
          // An unwatched write moves etcd's revision past every watcher's resourceVersion, so the
          // restarted apiserver's fresh watch cache answers the resumed watches with 410.
          await objects.core.createNamespacedConfigMap({
            namespace: ns,
            body: { metadata: { name: "bump" } },
          });
          changes.length = 0;
          await plane.restartApiserver();
          await objects.setServiceAnnotations(ns, "changes", { v: "2" });
          await objects.deleteService(ns, "goes");
          await objects.createService(ns, "new");
          await waitFor(() => source.service(ns, "new") && !source.service(ns, "goes"), {
            what: "the changes made after the restart",
            timeoutMs: 30_000,
          });
          await waitFor(() => source.service(ns, "changes")?.annotations.v === "2", {
            what: "the update",
          });
          equal(serviceChanges(changes, ns, "stays"), 0, "an untouched Service emits nothing");
          equal(serviceChanges(changes, ns, "changes"), 1);
          equal(serviceChanges(changes, ns, "goes"), 1);
          ok(changes.some((change) => change.kind === "relisted"), "the 410 led to a relist");
          const restarts = source.status().resources.map((status) => status.restarts);
          ok(restarts.every((count) => count > 0), JSON.stringify(source.status()));
          const listed = await objects.core.listServiceForAllNamespaces();
          deepStrictEqual(
            [...source.services()].map((service) => `${service.namespace}/${service.name}`).sort(),
            listed.items.map((service) =>
              `${service.metadata?.namespace}/${service.metadata?.name}`
            ).sort(),
          );
        } finally {
          await source.stop();
        }
      },
    );
  } finally {
    await objects.close();
    await plane.stop();
  }
});
