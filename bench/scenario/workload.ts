/**
 * Generates the benchmark's clusters: S Services × E endpoints in each of C clusters, spread over
 * namespaces of 100 Services, a few of them with an alias, plus two extra Services of 100 and
 * 1,000 pods in the first cluster for the rolling updates. Every cluster has the same Services
 * (one Polaris service each, sync-rules §2.9) with its own pod addresses, so no `host:port`
 * is shared between clusters.
 *
 * @module
 */

import { MemorySource } from "../../adapters/memory/memory_source.ts";
import type { EndpointAddress, EndpointGroup } from "../../domain/kubernetes.ts";

/** The shape of a generated workload. */
export interface WorkloadShape {
  readonly services: number;
  readonly endpoints: number;
  readonly clusters: number;
  /** One Service in `aliasEvery` carries alias annotations (0: none). */
  readonly aliasEvery: number;
  /** Pod counts of the extra Services rolled during the run (first cluster only). */
  readonly rollouts: readonly number[];
}

/** What was generated, for the lower bounds and the convergence check. */
export interface WorkloadCounts {
  readonly namespaces: number;
  readonly services: number;
  readonly aliases: number;
  readonly instances: number;
  readonly instancesByCluster: Readonly<Record<string, number>>;
}

/** Services per generated namespace. */
export const SERVICES_PER_NAMESPACE = 100;
/** Namespace of the rolled Services. */
export const ROLLOUT_NAMESPACE = "bench-rollout";
/** Namespace the aliases are created in. */
export const ALIAS_NAMESPACE = "bench-alias";

/** The clusterName of cluster `index`. */
export function clusterNameOf(index: number): string {
  return `bench-${String.fromCharCode(97 + index)}`;
}

/**
 * Returns the IPv4 address of endpoint `n` of cluster `cluster`; `pool` 0 for the generated
 * Services, 1 for the pods of the rolled Services. Distinct for every (pool, cluster, n) below
 * 2^21 endpoints per cluster.
 *
 * @example
 * ```ts
 * import { addressOf } from "./workload.ts";
 * if (addressOf(0, 0, 258) !== "10.0.1.2") throw new Error(addressOf(0, 0, 258));
 * if (addressOf(1, 2, 0) !== "10.160.0.0") throw new Error(addressOf(1, 2, 0));
 * ```
 */
export function addressOf(pool: number, cluster: number, n: number): string {
  const second = pool * 128 + cluster * 16 + (n >> 16);
  return `10.${second}.${(n >> 8) & 255}.${n & 255}`;
}

/** One pod of a rolled Service. */
export interface RolloutPod {
  readonly podName: string;
  readonly address: string;
  readonly ready: boolean;
}

/** Returns the endpoint group of a rolled Service's current pods. */
export function rolloutGroup(pods: readonly RolloutPod[]): EndpointGroup {
  return {
    addresses: pods.map((p): EndpointAddress => ({
      address: p.address,
      ready: p.ready,
      terminating: false,
      podName: p.podName,
    })),
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  };
}

/** Counts the changes a source emits (the events a naive per-event syncer would act on). */
export function countChanges(source: MemorySource): { readonly count: () => number } {
  let n = 0;
  source.subscribe(() => n++);
  return { count: () => n };
}

/** Name of the `index`th generated Service and its namespace. */
export function serviceName(index: number): { namespace: string; name: string } {
  return {
    namespace: `bench-ns-${Math.floor(index / SERVICES_PER_NAMESPACE)}`,
    name: `svc-${index}`,
  };
}

/**
 * Fills `sources` (one per cluster, not yet started, so nothing is emitted) with the workload and
 * returns its counts. The rolled Services start with `rollouts[i]` ready pods in the first
 * cluster, named `rollout-<pods>`.
 */
export function fillSources(
  sources: readonly MemorySource[],
  shape: WorkloadShape,
): WorkloadCounts {
  const namespaces = new Set<string>();
  let aliases = 0;
  const byCluster: Record<string, number> = {};
  const annotationsOf = (index: number): Record<string, string> =>
    shape.aliasEvery > 0 && index % shape.aliasEvery === 0
      ? {
        "polarismesh.cn/aliasService": `alias-svc-${index}`,
        "polarismesh.cn/aliasNamespace": ALIAS_NAMESPACE,
      }
      : {};
  sources.forEach((source, c) => {
    let n = 0;
    for (let i = 0; i < shape.services; i++) {
      const { namespace, name } = serviceName(i);
      namespaces.add(namespace);
      if (source.namespace(namespace) === undefined) {
        source.setNamespace({ name: namespace, annotations: {} });
      }
      source.setService({ namespace, name, type: "ClusterIP", annotations: annotationsOf(i) });
      const addresses: EndpointAddress[] = [];
      for (let e = 0; e < shape.endpoints; e++, n++) {
        const podName = `${name}-7d9f8c-${e}`;
        addresses.push({ address: addressOf(0, c, n), ready: true, terminating: false, podName });
        source.setPodLabels(namespace, podName, {
          app: name,
          version: "v1",
          "pod-template-hash": "7d9f8c",
        });
      }
      source.setEndpoints(namespace, name, [{
        addresses,
        ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      }]);
    }
    byCluster[source.clusterName] = n;
  });
  aliases = shape.aliasEvery > 0 ? Math.ceil(shape.services / shape.aliasEvery) : 0;
  const first = sources[0];
  if (first && shape.rollouts.length > 0) {
    namespaces.add(ROLLOUT_NAMESPACE);
    first.setNamespace({ name: ROLLOUT_NAMESPACE, annotations: {} });
    let n = 0;
    for (const pods of shape.rollouts) {
      const name = `rollout-${pods}`;
      first.setService({ namespace: ROLLOUT_NAMESPACE, name, type: "ClusterIP", annotations: {} });
      const current: RolloutPod[] = [];
      for (let p = 0; p < pods; p++, n++) {
        current.push({ podName: `${name}-old-${p}`, address: addressOf(1, 0, n), ready: true });
      }
      first.setEndpoints(ROLLOUT_NAMESPACE, name, [rolloutGroup(current)]);
    }
    byCluster[first.clusterName] += shape.rollouts.reduce((a, b) => a + b, 0);
  }
  if (aliases > 0) namespaces.add(ALIAS_NAMESPACE);
  const instances = Object.values(byCluster).reduce((a, b) => a + b, 0);
  return {
    namespaces: namespaces.size,
    services: shape.services * (sources.length > 0 ? 1 : 0) + shape.rollouts.length,
    aliases,
    instances,
    instancesByCluster: byCluster,
  };
}
