/**
 * The Kubernetes side of the apiserver scenario: creates the planned Nodes, Namespaces, Pods (with
 * a Ready status, as a kubelet would set it: there is none) and Services on the test control plane
 * in parallel batches, and waits until kube-controller-manager has published every ready address
 * in both Endpoints and EndpointSlices.
 *
 * @module
 */

import type { V1Pod } from "@kubernetes/client-node";
import { runBounded } from "../../adapters/concurrency/limiter.ts";
import type { KubeReader } from "../../tests/cluster/kube_reader.ts";
import type { ClusterObjects } from "../../tests/cluster/objects.ts";
import type { ApiPlan, ApiPod } from "./api_workload.ts";
import { TARGET_PORT } from "./api_workload.ts";
import {
  type EndpointSliceList,
  type EndpointsList,
  incompleteServices,
  readyFromEndpoints,
  readyFromSlices,
} from "./endpoint_counts.ts";

/** The Node every Pod of the scenario is bound to. */
export const BENCH_NODE = "bench-node";

/** Creates a Pod bound to the bench Node and sets its status Ready with `pod.ip`. */
export async function createReadyPod(
  objects: ClusterObjects,
  namespace: string,
  app: string,
  pod: ApiPod,
): Promise<void> {
  const created = await objects.createPod(namespace, pod.name, {
    labels: { app, version: "v1" },
    nodeName: BENCH_NODE,
    containerPort: TARGET_PORT,
  });
  await setReady(objects, created, pod.ip);
}

/** Replaces the status of a just-created Pod (its resourceVersion is current): Running, Ready. */
async function setReady(objects: ClusterObjects, pod: V1Pod, ip: string): Promise<void> {
  const namespace = pod.metadata?.namespace ?? "";
  const name = pod.metadata?.name ?? "";
  pod.status = {
    phase: "Running",
    podIP: ip,
    podIPs: [{ ip }],
    hostIP: "192.0.2.1",
    conditions: [{ type: "Ready", status: "True", lastTransitionTime: new Date() }],
  };
  await objects.core.replaceNamespacedPodStatus({ namespace, name, body: pod });
}

/**
 * Creates the plan's Node, Namespaces, ready Pods and then Services, `concurrency` requests at a
 * time. Pods come before their Services, so kube-controller-manager writes each Service's
 * Endpoints and EndpointSlice once, complete, instead of once per Pod.
 */
export async function createWorkload(
  objects: ClusterObjects,
  plan: ApiPlan,
  options: { readonly concurrency: number; readonly progress: (message: string) => void },
): Promise<{ requests: number }> {
  let requests = 0;
  await objects.createNode(BENCH_NODE);
  requests++;
  await runBounded(plan.namespaces, options.concurrency, async (name) => {
    await objects.createNamespace(name);
    requests++;
  });
  const pods = plan.services.flatMap((s) => s.pods.map((pod) => ({ service: s, pod })));
  let done = 0;
  await runBounded(pods, options.concurrency, async ({ service, pod }) => {
    await createReadyPod(objects, service.namespace, service.name, pod);
    requests += 2;
    if (++done % 1000 === 0) options.progress(`${done}/${pods.length} pods ready`);
  });
  await runBounded(plan.services, options.concurrency, async (service) => {
    await objects.createService(service.namespace, service.name, {
      selector: { app: service.name },
      ports: [{ name: "http", port: 80, targetPort: TARGET_PORT as never, protocol: "TCP" }],
    });
    requests++;
  });
  return { requests };
}

/**
 * Waits until every planned Service has all its Pods as ready addresses in both its Endpoints and
 * its EndpointSlices; returns how many polls it took. Throws after `timeoutMs` naming how many
 * Services were still incomplete.
 */
export async function waitEndpointsPublished(
  reader: KubeReader,
  plan: ApiPlan,
  options: {
    readonly timeoutMs: number;
    readonly sliceVersion: string;
    readonly progress: (message: string) => void;
  },
): Promise<number> {
  const expected = new Map(plan.services.map((s) => [`${s.namespace}/${s.name}`, s.pods.length]));
  const deadline = performance.now() + options.timeoutMs;
  let polls = 0;
  let last = "";
  while (true) {
    polls++;
    const endpoints = await reader.getJson<EndpointsList>("/api/v1/endpoints");
    const slices = await reader.getJson<EndpointSliceList>(
      `/apis/discovery.k8s.io/${options.sliceVersion}/endpointslices`,
    );
    const missingEndpoints = incompleteServices(expected, readyFromEndpoints(endpoints));
    const missingSlices = incompleteServices(expected, readyFromSlices(slices));
    if (missingEndpoints.length === 0 && missingSlices.length === 0) return polls;
    const state =
      `${missingEndpoints.length} Endpoints and ${missingSlices.length} EndpointSlice sets incomplete`;
    if (state !== last && polls % 5 === 1) options.progress(`waiting: ${state}`);
    last = state;
    if (performance.now() > deadline) {
      throw new Error(
        `Cannot see every Service's addresses published within ${options.timeoutMs} ms: ${state} (first: "${
          missingEndpoints[0] ?? missingSlices[0]
        }")`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Returns the newest `discovery.k8s.io` version the API server serves (`v1` or `v1beta1`). */
export async function sliceVersion(reader: KubeReader): Promise<string> {
  const group = await reader.getJson<{ versions?: { version?: string }[] }>(
    "/apis/discovery.k8s.io",
  );
  const served = (group.versions ?? []).map((v) => v.version);
  if (served.includes("v1")) return "v1";
  if (served.includes("v1beta1")) return "v1beta1";
  throw new Error(`Cannot list EndpointSlices: discovery.k8s.io serves "${served.join(", ")}"`);
}
