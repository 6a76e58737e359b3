/**
 * What a cluster source offers the engine: a read-only view of one cluster's objects and a stream
 * of keys that changed. Implemented by the Kubernetes informer source, the manifest-folder source
 * of `deno task dev` and the benchmark generator, so the engine cannot tell them apart.
 *
 * Changes carry keys, not objects: the engine reads the current state from the view when it gets
 * to the key, so a burst of events for one Service costs one reconcile (the lister pattern).
 *
 * @module
 */

import type { EndpointGroup, NamespaceInfo, ServiceInfo } from "./kubernetes.ts";

/** A change notification from a cluster source. */
export type ClusterChange =
  /** A Namespace was added, changed (annotations) or deleted. */
  | { readonly kind: "namespace"; readonly name: string }
  /** A Service, its endpoints, or the labels of one of its Pods changed, or it was deleted. */
  | { readonly kind: "service"; readonly namespace: string; readonly name: string }
  /** Every informer of the source finished its first full list (sent once). */
  | { readonly kind: "synced" }
  /** A relist replaced the cache (after a 410 or a restart): every key may have changed. */
  | { readonly kind: "relisted" };

/** Phase of one watched resource inside a source. */
export type WatchPhase = "listing" | "watching" | "backoff" | "stopped";

/** Status of one watched resource, for `/debug/clusters`. */
export interface ResourceStatus {
  readonly resource: string;
  readonly phase: WatchPhase;
  readonly resourceVersion: string;
  readonly objects: number;
  readonly restarts: number;
  readonly lastError?: string;
}

/** Status of one cluster source, for `/debug/clusters` and `/readyz`. */
export interface ClusterSourceStatus {
  readonly clusterName: string;
  readonly synced: boolean;
  readonly resources: readonly ResourceStatus[];
}

/** Read-only view of one cluster, always answering from the source's cache. */
export interface ClusterView {
  /** The `clusterName` written into every instance synced from this cluster. */
  readonly clusterName: string;
  namespace(name: string): NamespaceInfo | undefined;
  service(namespace: string, name: string): ServiceInfo | undefined;
  /** Every Service currently known, in no particular order. */
  services(): Iterable<ServiceInfo>;
  /** Every Service of one namespace. */
  servicesInNamespace(namespace: string): Iterable<ServiceInfo>;
  /** Every endpoint group of a Service (empty when it has none). */
  endpoints(namespace: string, service: string): readonly EndpointGroup[];
  /** Labels of a Pod, when the source watches Pods and knows it. */
  podLabels(namespace: string, pod: string): Readonly<Record<string, string>> | undefined;
}

/** A running cluster source: a view plus its lifecycle and change stream. */
export interface ClusterSource extends ClusterView {
  /** Starts listing and watching; resolves once started (not once synced). */
  start(): Promise<void>;
  /** Stops every watch; the view keeps its last content. */
  stop(): Promise<void>;
  /** True once every informer finished its first full list. */
  readonly synced: boolean;
  /** Registers a listener for changes; returns a function that removes it. */
  subscribe(listener: (change: ClusterChange) => void): () => void;
  status(): ClusterSourceStatus;
}
