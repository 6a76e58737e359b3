/**
 * Reducers from API objects to the few fields the sync reads (issue #4: no full objects in
 * memory), and the structural equality that decides whether an update is a change.
 *
 * @module
 */

import type { EndpointGroup, NamespaceInfo, ServiceInfo } from "../../domain/kubernetes.ts";
import { endpointGroupsFromEndpoints, endpointGroupsFromSlice } from "./endpoint_groups.ts";
import type { RawEndpoints, RawEndpointSlice } from "./endpoint_groups.ts";
import type { RawObject } from "./kube_client.ts";
import { sharedLabels } from "./label_interner.ts";

/** The endpoint groups of one Service held by one EndpointSlice or one Endpoints object. */
export interface EndpointRecord {
  readonly namespace: string;
  /** The Service the groups belong to (label `kubernetes.io/service-name`, or the Endpoints name). */
  readonly service: string;
  readonly groups: readonly EndpointGroup[];
}

/** A Pod reduced to its labels. */
export interface PodRecord {
  readonly labels: Readonly<Record<string, string>>;
  /** Present (true) once the Pod has a `deletionTimestamp`: it is terminating. */
  readonly deleting?: true;
}

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

/**
 * kubectl's copy of the whole applied manifest: often the largest annotation, never read by the
 * sync rules, so dropping it saves memory and spares a change when only it differs.
 */
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** Reduces a Namespace (full or `PartialObjectMetadata`) to its name and annotations. */
export function reduceNamespace(object: RawObject): NamespaceInfo {
  return { name: object.metadata?.name ?? "", annotations: annotationsOf(object) };
}

/**
 * Reduces a Service to namespace, name, `spec.type` (default `ClusterIP`), annotations and labels
 * (kept only when it has some).
 */
export function reduceService(object: RawObject): ServiceInfo {
  const spec = object.spec as { type?: string } | undefined;
  const labels = object.metadata?.labels;
  return {
    namespace: object.metadata?.namespace ?? "",
    name: object.metadata?.name ?? "",
    type: spec?.type ?? "ClusterIP",
    annotations: annotationsOf(object),
    ...(labels && Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}),
  };
}

/** Reduces an EndpointSlice (v1 or v1beta1); a slice without a Service label is not interesting. */
export function reduceEndpointSlice(object: RawObject): EndpointRecord | undefined {
  const service = object.metadata?.labels?.[SERVICE_NAME_LABEL];
  if (!service) return undefined;
  return {
    namespace: object.metadata?.namespace ?? "",
    service,
    groups: endpointGroupsFromSlice(object as RawEndpointSlice),
  };
}

/** Reduces a core/v1 Endpoints object; its name is its Service's name. */
export function reduceEndpoints(object: RawObject): EndpointRecord {
  return {
    namespace: object.metadata?.namespace ?? "",
    service: object.metadata?.name ?? "",
    groups: endpointGroupsFromEndpoints(object as RawEndpoints),
  };
}

/**
 * Reduces a Pod (full or `PartialObjectMetadata`) to its labels, shared with every Pod that has
 * the same ones (`LabelInterner`), and whether it is deleting.
 */
export function reducePod(object: RawObject): PodRecord {
  const labels = sharedLabels.intern(object.metadata?.labels ?? {});
  return object.metadata?.deletionTimestamp ? { labels, deleting: true } : { labels };
}

/**
 * Returns true when two JSON-like values are structurally equal (object key order ignored, array
 * order kept). Used on reduced objects only, which are small and acyclic.
 */
export function sameReduced(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameReduced(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && sameReduced(left[key], right[key]));
}

function annotationsOf(object: RawObject): Record<string, string> {
  const annotations: Record<string, string> = { ...object.metadata?.annotations };
  delete annotations[LAST_APPLIED];
  return annotations;
}
