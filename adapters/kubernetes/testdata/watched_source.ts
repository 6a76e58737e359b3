/**
 * A Kubernetes source started against a test control plane (tests/cluster) for the cluster tests,
 * with what it emitted and logged, and the two views the tests compare: the source's endpoint
 * lines and the instances `desiredInstances` makes of them (what would be registered).
 *
 * @module
 */

import type { ClusterChange, ClusterSource } from "../../../domain/cluster.ts";
import { desiredInstances } from "../../../domain/desired_instances.ts";
import type { EndpointGroup } from "../../../domain/kubernetes.ts";
import { waitFor } from "../../../tests/cluster/objects.ts";
import { createKubernetesSource, type KubernetesSourceOptions } from "../kubernetes_source.ts";

/** A running source with the changes it emitted and its log lines, for assertions. */
export interface WatchedSource {
  readonly source: ClusterSource;
  readonly changes: ClusterChange[];
  /** `"<level> <message> <fields as JSON>"`, oldest first. */
  readonly logs: string[];
}

/**
 * Starts a source for `kubeconfigPath` (fast retries, every log line kept) and waits until it is
 * synced; the caller stops it.
 */
export async function startWatchedSource(
  kubeconfigPath: string,
  options: Partial<KubernetesSourceOptions> = {},
): Promise<WatchedSource> {
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
  try {
    await waitFor(() => source.synced, { what: "the source synced", timeoutMs: 30_000 });
  } catch (error) {
    await source.stop();
    throw error;
  }
  return { source, changes, logs };
}

/**
 * The source's endpoints of a Service as sorted lines:
 * `"<address> <ready|notready>[ terminating] <pod|-> <port name>:<port>,..."`.
 */
export function endpointLines(groups: readonly EndpointGroup[]): string[] {
  return groups.flatMap((group) =>
    group.addresses.map((address) =>
      `${address.address} ${address.ready ? "ready" : "notready"}${
        address.terminating ? " terminating" : ""
      } ${address.podName ?? "-"} ${
        group.ports.map((port) => `${port.name}:${port.port}`).join(",")
      }`
    )
  ).sort();
}

/**
 * What would be registered for a Service from the source's view, as sorted lines
 * `"<host>:<port> <serving|isolated>"` (desiredInstances with the default metadata rules).
 */
export function instanceLines(source: ClusterSource, namespace: string, name: string): string[] {
  const service = source.service(namespace, name);
  if (!service) return [];
  return desiredInstances({
    clusterName: source.clusterName,
    source: "polaris-controller",
    service,
    groups: source.endpoints(namespace, name),
    podLabels: (pod) => source.podLabels(namespace, pod),
    podLabelPolicy: { kind: "all" },
  }).instances.map((instance) =>
    `${instance.host}:${instance.port} ${instance.isolate ? "isolated" : "serving"}`
  ).sort();
}

/** Waits until `read()` returns exactly `wanted` (compared as JSON), naming both on a timeout. */
export async function waitForLines(
  read: () => readonly string[],
  wanted: readonly string[],
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  let last: readonly string[] = [];
  try {
    await waitFor(() => {
      last = read();
      return JSON.stringify(last) === JSON.stringify(wanted);
    }, { what, timeoutMs });
  } catch (error) {
    throw new Error(
      `Cannot see ${what}: wanted ${JSON.stringify(wanted)}, got ${JSON.stringify(last)}`,
      { cause: error },
    );
  }
}
