/**
 * A cluster source held in memory and changed by calls: the benchmark generator feeds the real
 * engine through it (no apiserver is needed for 50k Services), and engine tests use it to script
 * exactly the changes they need. It implements the same `ClusterSource` interface as the
 * Kubernetes informer source, so the engine cannot tell them apart.
 *
 * @module
 */

import type { ClusterChange, ClusterSource, ClusterSourceStatus } from "../../domain/cluster.ts";
import type { EndpointGroup, NamespaceInfo, ServiceInfo } from "../../domain/kubernetes.ts";
import { sharedLabels } from "../kubernetes/label_interner.ts";

/** An in-memory cluster source; see the module documentation. */
export class MemorySource implements ClusterSource {
  readonly clusterName: string;
  readonly #namespaces = new Map<string, NamespaceInfo>();
  /** namespace → name → Service */
  readonly #services = new Map<string, Map<string, ServiceInfo>>();
  readonly #endpoints = new Map<string, readonly EndpointGroup[]>();
  /** namespace → Pod name → labels (shared between Pods with the same ones) */
  readonly #pods = new Map<string, Map<string, Readonly<Record<string, string>>>>();
  readonly #listeners = new Set<(change: ClusterChange) => void>();
  #synced = false;
  #started = false;

  constructor(clusterName: string) {
    this.clusterName = clusterName;
  }

  /** Starts the source; it reports `synced` once {@linkcode markSynced} is called. */
  start(): Promise<void> {
    this.#started = true;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.#started = false;
    return Promise.resolve();
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** Finishes the "first list": from now on the engine may delete. */
  markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    this.#emit({ kind: "synced" });
  }

  subscribe(listener: (change: ClusterChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  status(): ClusterSourceStatus {
    let services = 0;
    for (const byName of this.#services.values()) services += byName.size;
    const phase = this.#started ? (this.#synced ? "watching" : "listing") : "stopped";
    return {
      clusterName: this.clusterName,
      synced: this.#synced,
      resources: [
        {
          resource: "namespaces",
          phase,
          resourceVersion: "",
          objects: this.#namespaces.size,
          restarts: 0,
        },
        { resource: "services", phase, resourceVersion: "", objects: services, restarts: 0 },
        {
          resource: "endpoints",
          phase,
          resourceVersion: "",
          objects: this.#endpoints.size,
          restarts: 0,
        },
      ],
    };
  }

  /** Adds or replaces a Namespace. */
  setNamespace(namespace: NamespaceInfo): void {
    this.#namespaces.set(namespace.name, namespace);
    this.#emit({ kind: "namespace", name: namespace.name });
  }

  /** Adds or replaces a Service. */
  setService(service: ServiceInfo): void {
    let byName = this.#services.get(service.namespace);
    if (!byName) this.#services.set(service.namespace, byName = new Map());
    byName.set(service.name, service);
    this.#emit({ kind: "service", namespace: service.namespace, name: service.name });
  }

  /** Deletes a Service and its endpoints. */
  deleteService(namespace: string, name: string): void {
    this.#services.get(namespace)?.delete(name);
    this.#endpoints.delete(`${namespace}/${name}`);
    this.#emit({ kind: "service", namespace, name });
  }

  /** Replaces every endpoint group of a Service. */
  setEndpoints(namespace: string, service: string, groups: readonly EndpointGroup[]): void {
    this.#endpoints.set(`${namespace}/${service}`, groups);
    this.#emit({ kind: "service", namespace, name: service });
  }

  /** Sets the labels of a Pod (no change is emitted: the Service's next change reads them). */
  setPodLabels(namespace: string, pod: string, labels: Readonly<Record<string, string>>): void {
    let byName = this.#pods.get(namespace);
    if (!byName) this.#pods.set(namespace, byName = new Map());
    byName.set(pod, sharedLabels.intern(labels));
  }

  namespace(name: string): NamespaceInfo | undefined {
    return this.#namespaces.get(name);
  }

  service(namespace: string, name: string): ServiceInfo | undefined {
    return this.#services.get(namespace)?.get(name);
  }

  *services(): Iterable<ServiceInfo> {
    for (const byName of this.#services.values()) yield* byName.values();
  }

  servicesInNamespace(namespace: string): Iterable<ServiceInfo> {
    return this.#services.get(namespace)?.values() ?? [];
  }

  endpoints(namespace: string, service: string): readonly EndpointGroup[] {
    return this.#endpoints.get(`${namespace}/${service}`) ?? [];
  }

  podLabels(namespace: string, pod: string): Readonly<Record<string, string>> | undefined {
    return this.#pods.get(namespace)?.get(pod);
  }

  #emit(change: ClusterChange): void {
    if (!this.#started) return;
    for (const listener of this.#listeners) listener(change);
  }
}
