/**
 * What Polaris must hold according to SPEC §2, computed by the chaos harness itself from the
 * Kubernetes objects it read (never from the product's `domain/` rules): which Services sync
 * (mode `all`, the `polarismesh.cn/sync` table, ignored namespaces, ExternalName), one instance
 * per endpoint address × port with its protocol, weight, isolation, version and metadata, and the
 * aliases the synced Services ask for.
 *
 * @module
 */

import { ALIAS_NAMESPACE, ALIAS_SERVICE, METADATA, SYNC, WEIGHT } from "./annotation_names.ts";
import type { ClusterObjectsSnapshot, KubeNamespace, KubeService } from "./kube_objects.ts";

/** Namespaces never synced (SPEC §2's default list). */
export const IGNORED_NAMESPACES: ReadonlySet<string> = new Set([
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "istio-system",
  "polaris-system",
]);

/** Metadata keys the Polaris console listing leaves out of its answers: never compared. */
export const HIDDEN_METADATA_KEYS: ReadonlySet<string> = new Set([
  "version",
  "protocol",
  "region",
  "zone",
  "campus",
]);

/** The `source` metadata value the controllers run with (their default). */
export const OWNER_SOURCE = "polaris-controller";

/** An instance SPEC §2 asks for. */
export interface ExpectedInstance {
  readonly namespace: string;
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: string;
  readonly version: string;
  readonly weight: number;
  readonly healthy: boolean;
  readonly isolate: boolean;
  /** Without the hidden keys. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Everything Polaris must hold: instances by `namespace/service` then `host:port`, and aliases. */
export interface Expectation {
  readonly instances: ReadonlyMap<string, ReadonlyMap<string, ExpectedInstance>>;
  /** `aliasNamespace/alias` → `namespace/service`. */
  readonly aliases: ReadonlyMap<string, string>;
  /** `namespace/service/host:port` claimed by two clusters: a conflict, expected in neither. */
  readonly conflicts: readonly string[];
}

/**
 * Says whether a Service syncs in mode `all`: never in an ignored namespace or as ExternalName;
 * the Service's own `"true"`/`"false"` wins; else the Namespace's `"false"` says no.
 *
 * @example
 * ```ts
 * import { syncs } from "./expectation.ts";
 * const ns = { name: "shop", annotations: { "polarismesh.cn/sync": "false" }, terminating: false };
 * const svc = { namespace: "shop", name: "cart", type: "ClusterIP", annotations: {} };
 * if (syncs(ns, svc)) throw new Error("the Namespace said no");
 * ```
 */
export function syncs(namespace: KubeNamespace | undefined, service: KubeService): boolean {
  if (IGNORED_NAMESPACES.has(service.namespace) || service.type === "ExternalName") return false;
  const own = service.annotations[SYNC];
  if (own === "true") return true;
  if (own === "false") return false;
  return namespace?.annotations[SYNC] !== "false";
}

/** Parses `polarismesh.cn/weight` (an integer 0..65535), else 100. */
export function weightOf(annotations: Readonly<Record<string, string>>): number {
  const raw = annotations[WEIGHT];
  if (raw !== undefined && /^[0-9]+$/.test(raw) && Number(raw) <= 65535) return Number(raw);
  return 100;
}

function metadataAnnotation(annotations: Readonly<Record<string, string>>): Record<string, string> {
  const raw = annotations[METADATA];
  if (raw === undefined) return {};
  const parsed = JSON.parse(raw) as Record<string, string>;
  return { ...parsed };
}

function visible(metadata: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(metadata).sort()) {
    if (!HIDDEN_METADATA_KEYS.has(key)) out[key] = metadata[key];
  }
  return out;
}

/**
 * Computes the expectation from every cluster's objects, in the controllers' cluster order (the
 * first cluster whose copy of a Service syncs gives the service's alias).
 */
export function computeExpectation(clusters: readonly ClusterObjectsSnapshot[]): Expectation {
  const instances = new Map<string, Map<string, ExpectedInstance>>();
  const claims = new Map<string, string>();
  const conflicts = new Set<string>();
  const aliasFrom = new Map<string, Readonly<Record<string, string>> | null>();
  for (const { clusterName, objects } of clusters) {
    const namespaces = new Map(objects.namespaces.map((n) => [n.name, n]));
    const pods = new Map(objects.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
    for (const service of objects.services) {
      if (!syncs(namespaces.get(service.namespace), service)) continue;
      const serviceKey = `${service.namespace}/${service.name}`;
      if (!aliasFrom.has(serviceKey)) aliasFrom.set(serviceKey, service.annotations);
      const weight = weightOf(service.annotations);
      const extra = metadataAnnotation(service.annotations);
      const found = new Map<string, ExpectedInstance>();
      const slices = objects.slices.filter((s) =>
        s.namespace === service.namespace && s.serviceName === service.name
      );
      for (const slice of slices) {
        for (const endpoint of slice.endpoints) {
          if (endpoint.terminating === true) continue;
          const ready = endpoint.ready !== false;
          const pod = endpoint.podName === undefined
            ? undefined
            : pods.get(`${service.namespace}/${endpoint.podName}`);
          const kubernetes: Record<string, string> = {
            k8s_namespace: service.namespace,
            k8s_service: service.name,
          };
          if (endpoint.podName !== undefined) kubernetes.k8s_pod = endpoint.podName;
          const metadata = visible({
            ...pod?.labels,
            ...extra,
            ...kubernetes,
            clusterName,
            source: OWNER_SOURCE,
          });
          for (const host of endpoint.addresses) {
            for (const port of slice.ports) {
              const key = `${host}:${port.port}`;
              const seen = found.get(key);
              if (seen) {
                if (ready && seen.isolate) found.set(key, { ...seen, isolate: false });
                continue;
              }
              found.set(key, {
                namespace: service.namespace,
                service: service.name,
                host,
                port: port.port,
                protocol: `${port.name}/${port.protocol || "TCP"}`,
                version: pod?.labels.version ?? "",
                weight,
                healthy: true,
                isolate: !ready,
                metadata,
              });
            }
          }
        }
      }
      const merged = instances.get(serviceKey) ?? new Map<string, ExpectedInstance>();
      for (const [key, instance] of found) {
        const claimKey = `${serviceKey}/${key}`;
        const claimant = claims.get(claimKey);
        if (claimant !== undefined && claimant !== clusterName) {
          conflicts.add(claimKey);
          merged.delete(key);
          continue;
        }
        claims.set(claimKey, clusterName);
        merged.set(key, instance);
      }
      instances.set(serviceKey, merged);
    }
  }
  const aliases = new Map<string, string>();
  for (const [serviceKey, annotations] of aliasFrom) {
    const alias = annotations?.[ALIAS_SERVICE];
    const aliasNamespace = annotations?.[ALIAS_NAMESPACE];
    if (alias !== undefined && aliasNamespace !== undefined) {
      aliases.set(`${aliasNamespace}/${alias}`, serviceKey);
    }
  }
  return { instances, aliases, conflicts: [...conflicts].sort() };
}
