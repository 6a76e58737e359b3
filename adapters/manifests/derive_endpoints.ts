/**
 * Endpoints of a Service derived from Pods, as kube-controller-manager's EndpointSlice controller
 * derives them, so that `deno task dev` sees what a real cluster would report.
 *
 * @module
 */

import type { EndpointAddress, EndpointGroup, EndpointPort } from "../../domain/kubernetes.ts";
import type { ManifestPod, ManifestService, ManifestServicePort } from "./manifest_objects.ts";

/**
 * Returns the endpoint groups the EndpointSlice controller would write for a Service, given the
 * Pods of its namespace. A Pod counts when it matches the selector, has a `podIP` and has not
 * finished (`Succeeded`/`Failed`). It is ready when its `Ready` condition is true and it is not
 * terminating, or always when the Service publishes not-ready addresses. Each port's `targetPort`
 * is a number or the name of a container port with the same protocol; a name a Pod lacks drops
 * that port for that Pod only. Pods are grouped by their resolved port list, one group per distinct
 * list, as the controller writes one EndpointSlice per port mapping. Output is sorted.
 *
 * Services without a selector, and ExternalName Services, get no derived endpoints.
 *
 * @example
 * ```ts
 * import { deriveEndpoints } from "./derive_endpoints.ts";
 * const groups = deriveEndpoints({
 *   info: { namespace: "shop", name: "cart", type: "ClusterIP", annotations: {} },
 *   selector: { app: "cart" },
 *   ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
 *   publishNotReadyAddresses: false,
 * }, [{
 *   namespace: "shop", name: "cart-0", labels: { app: "cart" }, podIP: "10.1.0.5", ready: true,
 *   terminating: false, terminal: false,
 *   containerPorts: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
 * }]);
 * if (groups[0].ports[0].port !== 8080 || !groups[0].addresses[0].ready) throw new Error("unexpected");
 * ```
 */
export function deriveEndpoints(
  service: Readonly<ManifestService>,
  pods: readonly ManifestPod[],
): EndpointGroup[] {
  const { selector, info } = service;
  if (selector === undefined || info.type === "ExternalName") return [];
  const groups = new Map<string, { ports: EndpointPort[]; addresses: EndpointAddress[] }>();
  for (const pod of pods) {
    if (pod.namespace !== info.namespace || !matches(selector, pod.labels)) continue;
    if (pod.podIP === undefined || pod.terminal) continue;
    const ports = service.ports.flatMap((port) => resolvePort(port, pod));
    const signature = JSON.stringify(ports);
    const group = groups.get(signature) ?? { ports, addresses: [] };
    groups.set(signature, group);
    group.addresses.push({
      address: pod.podIP,
      ready: service.publishNotReadyAddresses || (pod.ready && !pod.terminating),
      terminating: pod.terminating,
      podName: pod.name,
    });
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([, group]) => ({
      ports: group.ports,
      addresses: group.addresses.sort((a, b) =>
        compare(a.address, b.address) || compare(a.podName ?? "", b.podName ?? "")
      ),
    }));
}

function matches(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function resolvePort(port: ManifestServicePort, pod: ManifestPod): EndpointPort[] {
  if (typeof port.targetPort === "number") {
    return [{ name: port.name, port: port.targetPort, protocol: port.protocol }];
  }
  const found = pod.containerPorts.find((candidate) =>
    candidate.name === port.targetPort && candidate.protocol === port.protocol
  );
  return found ? [{ name: port.name, port: found.containerPort, protocol: port.protocol }] : [];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
