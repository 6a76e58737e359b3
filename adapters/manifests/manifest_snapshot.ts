/**
 * The merged content of a manifest folder, and the keys that differ between two such snapshots.
 *
 * @module
 */

import type { ClusterChange } from "../../domain/cluster.ts";
import { type ServiceKey, serviceKey } from "../../domain/keys.ts";
import type { EndpointGroup, NamespaceInfo, ServiceInfo } from "../../domain/kubernetes.ts";
import { deriveEndpoints } from "./derive_endpoints.ts";
import type {
  ManifestEndpoints,
  ManifestFile,
  ManifestPod,
  ManifestService,
} from "./manifest_objects.ts";

/** The reduced state of one cluster as a manifest folder describes it. */
export interface ManifestSnapshot {
  /** Declared Namespaces, plus every namespace an object lives in (no annotations). */
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  readonly services: ReadonlyMap<ServiceKey, ServiceInfo>;
  readonly servicesByNamespace: ReadonlyMap<string, readonly ServiceInfo[]>;
  /** Endpoint groups by Service key, explicit or derived from Pods. */
  readonly endpoints: ReadonlyMap<ServiceKey, readonly EndpointGroup[]>;
  /** Pod labels by `"<namespace>/<pod>"`. */
  readonly podLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** One file's parsed content, named for messages. */
export interface NamedManifestFile {
  readonly fileName: string;
  readonly content: ManifestFile;
}

/**
 * Merges the files of a folder into one snapshot. Files are read in the given order and a later
 * declaration of the same object replaces an earlier one (each such case is returned in
 * `duplicates`). Endpoints of a Service come from explicit EndpointSlices when the files hold any
 * for it, else from explicit Endpoints, else from its selector and the Pods (`deriveEndpoints`):
 * a folder that spells endpoints out gets exactly those.
 */
export function buildManifestSnapshot(
  files: readonly NamedManifestFile[],
): { snapshot: ManifestSnapshot; duplicates: string[] } {
  const duplicates: string[] = [];
  const declaredIn = new Map<string, string>();
  const declare = (what: string, fileName: string) => {
    const earlier = declaredIn.get(what);
    if (earlier !== undefined) {
      duplicates.push(`${what} is declared in "${earlier}" and "${fileName}"; the later one wins`);
    }
    declaredIn.set(what, fileName);
  };
  const namespaces = new Map<string, NamespaceInfo>();
  const services = new Map<ServiceKey, ManifestService>();
  const pods = new Map<string, ManifestPod>();
  const slices = new Map<string, ManifestEndpoints>();
  for (const { fileName, content } of files) {
    for (const ns of content.namespaces) {
      declare(`Namespace "${ns.name}"`, fileName);
      namespaces.set(ns.name, ns);
    }
    for (const service of content.services) {
      const key = serviceKey(service.info.namespace, service.info.name);
      declare(`Service "${key}"`, fileName);
      services.set(key, service);
    }
    for (const pod of content.pods) {
      const key = `${pod.namespace}/${pod.name}`;
      declare(`Pod "${key}"`, fileName);
      pods.set(key, pod);
    }
    for (const slice of content.endpoints) {
      const key = `${slice.kind} "${slice.namespace}/${slice.name}"`;
      declare(key, fileName);
      slices.set(key, slice);
    }
  }

  const implicit = (name: string) => {
    if (!namespaces.has(name)) namespaces.set(name, { name, annotations: {} });
  };
  for (const service of services.values()) implicit(service.info.namespace);
  for (const pod of pods.values()) implicit(pod.namespace);
  for (const slice of slices.values()) implicit(slice.namespace);

  const explicit = new Map<ServiceKey, { slices: EndpointGroup[]; endpoints: EndpointGroup[] }>();
  for (const slice of slices.values()) {
    const key = serviceKey(slice.namespace, slice.service);
    const entry = explicit.get(key) ?? { slices: [], endpoints: [] };
    explicit.set(key, entry);
    (slice.kind === "EndpointSlice" ? entry.slices : entry.endpoints).push(...slice.groups);
  }
  const podsByNamespace = groupBy([...pods.values()], (pod) => pod.namespace);
  const endpoints = new Map<ServiceKey, readonly EndpointGroup[]>();
  for (const [key, entry] of explicit) {
    endpoints.set(key, entry.slices.length > 0 ? entry.slices : entry.endpoints);
  }
  for (const [key, service] of services) {
    if (explicit.has(key)) continue;
    const derived = deriveEndpoints(service, podsByNamespace.get(service.info.namespace) ?? []);
    if (derived.length > 0) endpoints.set(key, derived);
  }

  const serviceInfos = new Map([...services].map(([key, service]) => [key, service.info]));
  return {
    snapshot: {
      namespaces,
      services: serviceInfos,
      servicesByNamespace: groupBy([...serviceInfos.values()], (info) => info.namespace),
      endpoints,
      podLabels: new Map([...pods].map(([key, pod]) => [key, pod.labels])),
    },
    duplicates,
  };
}

/**
 * Returns a change for every namespace and Service key whose reduced state differs between two
 * snapshots: a Service changes with its annotations or type, its endpoints, or the labels of a Pod
 * behind them. Namespaces come first, then Services, each sorted by key.
 *
 * @example
 * ```ts
 * import { buildManifestSnapshot, snapshotChanges } from "./manifest_snapshot.ts";
 * const empty = buildManifestSnapshot([]).snapshot;
 * if (snapshotChanges(empty, empty).length !== 0) throw new Error("unexpected");
 * ```
 */
export function snapshotChanges(
  before: ManifestSnapshot,
  after: ManifestSnapshot,
): ClusterChange[] {
  const changes: ClusterChange[] = [];
  const namespaceNames = new Set([...before.namespaces.keys(), ...after.namespaces.keys()]);
  for (const name of [...namespaceNames].sort()) {
    const a = before.namespaces.get(name);
    const b = after.namespaces.get(name);
    if (canonicalJson(a) !== canonicalJson(b)) changes.push({ kind: "namespace", name });
  }
  const keys = new Set([
    ...before.services.keys(),
    ...before.endpoints.keys(),
    ...after.services.keys(),
    ...after.endpoints.keys(),
  ]);
  for (const key of [...keys].sort()) {
    if (serviceFingerprint(before, key) === serviceFingerprint(after, key)) continue;
    const slash = key.indexOf("/");
    changes.push({ kind: "service", namespace: key.slice(0, slash), name: key.slice(slash + 1) });
  }
  return changes;
}

function serviceFingerprint(snapshot: ManifestSnapshot, key: ServiceKey): string {
  const namespace = key.slice(0, key.indexOf("/"));
  const groups = snapshot.endpoints.get(key) ?? [];
  const labels: Record<string, unknown> = {};
  for (const group of groups) {
    for (const { podName } of group.addresses) {
      if (podName !== undefined) {
        labels[podName] = snapshot.podLabels.get(`${namespace}/${podName}`);
      }
    }
  }
  return canonicalJson({ service: snapshot.services.get(key), groups, labels });
}

/** JSON with object keys sorted, so that reordering keys in a file is not a change. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
    const record = item as Record<string, unknown>;
    return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]]));
  }) ?? "undefined";
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const group = groups.get(name);
    if (group) group.push(item);
    else groups.set(name, [item]);
  }
  return groups;
}
