/**
 * Terminating endpoints on the current Kubernetes (sync-rules §2.5: an endpoint whose `terminating`
 * condition is true is removed, even while it is still `serving`). There is no kubelet: a Pod
 * deleted with a grace period stays, with a `deletionTimestamp`, and the real EndpointSlice
 * controller marks its endpoint `terminating` (`serving` stays true, `ready` false). The endpoint
 * must leave what would be registered while the Pod still exists; the test then force-deletes it.
 */

import { deepStrictEqual, ok } from "node:assert/strict";
import { startControlPlane } from "../../tests/cluster/control_plane.ts";
import { KubeReader } from "../../tests/cluster/kube_reader.ts";
import { ClusterObjects } from "../../tests/cluster/objects.ts";
import type { RawEndpointSlice } from "./endpoint_groups.ts";
import {
  endpointLines,
  instanceLines,
  startWatchedSource,
  waitForLines,
} from "./testdata/watched_source.ts";

const NODE = "node-term";

/** The conditions of each endpoint of a Service's v1 slices, read fresh from the API server. */
async function conditions(reader: KubeReader, namespace: string, service: string) {
  const list = await reader.getJson<{ items: RawEndpointSlice[] }>(
    `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices?labelSelector=${
      encodeURIComponent(`kubernetes.io/service-name=${service}`)
    }`,
  );
  return list.items.flatMap((slice) =>
    (slice.endpoints ?? []).map((endpoint) =>
      `${
        endpoint.addresses?.[0]
      } ready=${endpoint.conditions?.ready} serving=${endpoint.conditions?.serving} terminating=${endpoint.conditions?.terminating}`
    )
  ).sort();
}

Deno.test("createKubernetesSource() on the current Kubernetes drops a terminating endpoint while its Pod still serves", async (t) => {
  const plane = await startControlPlane();
  const objects = new ClusterObjects(plane.kubeconfigPath);
  const reader = new KubeReader(plane.kubeconfigPath);
  try {
    await objects.createNode(NODE);
    await objects.createNamespace("term");
    const { source } = await startWatchedSource(plane.kubeconfigPath);
    try {
      for (
        const [service, publishNotReadyAddresses] of [["web", false], ["web-pnr", true]] as const
      ) {
        await t.step(
          `${service}: graceful delete → terminating, gone before the Pod is${
            publishNotReadyAddresses ? " (publishNotReadyAddresses keeps it ready)" : ""
          }`,
          async () => {
            const app = service;
            const [a, b] = [`${service}-a`, `${service}-b`];
            const [ipA, ipB] = publishNotReadyAddresses
              ? ["10.244.9.1", "10.244.9.2"]
              : ["10.244.8.1", "10.244.8.2"];
            await objects.createService("term", service, {
              selector: { app },
              publishNotReadyAddresses,
            });
            for (const [pod, ip] of [[a, ipA], [b, ipB]]) {
              await objects.createPod("term", pod, { labels: { app }, nodeName: NODE });
              await objects.setPodReady("term", pod, ip, true);
            }
            await waitForLines(
              () => instanceLines(source, "term", service),
              [`${ipA}:8080 serving`, `${ipB}:8080 serving`],
              "both Pods registered",
            );

            await objects.deletePod("term", b, 300);
            const ready = publishNotReadyAddresses ? "ready" : "notready";
            await waitForLines(
              () => endpointLines(source.endpoints("term", service)),
              [`${ipA} ready ${a} http:8080`, `${ipB} ${ready} terminating ${b} http:8080`],
              "the endpoint marked terminating in the source",
            );
            deepStrictEqual(await conditions(reader, "term", service), [
              `${ipA} ready=true serving=true terminating=false`,
              `${ipB} ready=${publishNotReadyAddresses} serving=true terminating=true`,
            ], "the real controller says: still serving, terminating");
            deepStrictEqual(instanceLines(source, "term", service), [`${ipA}:8080 serving`]);
            const pod = await objects.core.readNamespacedPod({ namespace: "term", name: b });
            ok(pod.metadata?.deletionTimestamp, "the Pod is still there, terminating");

            await objects.deletePod("term", b, 0);
            await waitForLines(
              () => endpointLines(source.endpoints("term", service)),
              [`${ipA} ready ${a} http:8080`],
              "the endpoint gone with the Pod",
            );
            deepStrictEqual(instanceLines(source, "term", service), [`${ipA}:8080 serving`]);
          },
        );
      }
    } finally {
      await source.stop();
    }
  } finally {
    reader.close();
    await objects.close();
    await plane.stop();
  }
});
