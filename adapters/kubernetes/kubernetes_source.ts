/**
 * The cluster source backed by a real Kubernetes API server: list+watch of Namespaces, Services,
 * EndpointSlices (or Endpoints) and Pod labels, reduced into a `ClusterView`, with changes routed
 * to the keys the engine reconciles (issue #4).
 *
 * Several sources may run in one process (one per cluster): nothing here is module-level state.
 *
 * @module
 */

import { backoffDelayMs } from "../../domain/backoff.ts";
import type { LogFn } from "../log/log_level.ts";
import type {
  ClusterChange,
  ClusterSource,
  ClusterSourceStatus,
  ResourceStatus,
} from "../../domain/cluster.ts";
import type { EndpointGroup, NamespaceInfo, ServiceInfo } from "../../domain/kubernetes.ts";
import { podNamesOf } from "./endpoint_groups.ts";
import {
  chooseEndpointsApi,
  type EndpointsApi,
  type EndpointsApiPreference,
} from "./endpoints_api.ts";
import { KubeClient, type KubeTransport, loadKubeConfig, messageOf } from "./kube_client.ts";
import {
  type EndpointRecord,
  type PodRecord,
  reduceEndpoints,
  reduceEndpointSlice,
  reduceNamespace,
  reducePod,
  reduceService,
  sameReduced,
} from "./reduced_objects.ts";
import {
  ResourceWatcher,
  systemClock,
  type WatchClock,
  type WatchedResource,
} from "./resource_watcher.ts";

/** Options of `createKubernetesSource`. */
export interface KubernetesSourceOptions {
  /** The `clusterName` written into every instance synced from this cluster. */
  readonly clusterName: string;
  /** A kubeconfig file; default: `KUBECONFIG`, `~/.kube/config`, then in-cluster. */
  readonly kubeconfigPath?: string;
  /** A context of the kubeconfig; default: its current context. */
  readonly context?: string;
  /** Use the Pod's service account (in-cluster config). */
  readonly inCluster?: boolean;
  /** Which endpoint API to watch (default `auto`: discovery picks EndpointSlices when served). */
  readonly endpointsApi?: EndpointsApiPreference;
  /** Watch Pods (metadata only) for their labels (default true). */
  readonly podLabels?: boolean;
  /** `timeoutSeconds` of each watch (default 300); 0 lets the server choose. */
  readonly watchTimeoutSeconds?: number;
  /** Silence after which a watch is restarted (default: the watch timeout + 30 s). */
  readonly watchdogMs?: number;
  /** First retry delay after a failed list or watch (default 500 ms), doubled up to the max. */
  readonly backoffBaseMs?: number;
  /** Longest retry delay (default 30 s). */
  readonly backoffMaxMs?: number;
  /** Items per list page (default 500). */
  readonly pageSize?: number;
  /** Structured logger (default: discard). */
  readonly log?: LogFn;
  /**
   * A client to use instead of loading a kubeconfig: the system's one client for this cluster,
   * shared with its Event recorder and Lease elector, or a fake in tests. The source leaves a
   * given client open; it closes only one it created.
   */
  readonly transport?: KubeTransport;
  /** Timers and randomness (tests). */
  readonly clock?: WatchClock;
}

/**
 * Creates a cluster source for one Kubernetes cluster; nothing is contacted before `start()`.
 * Throws at once when the kubeconfig cannot be loaded, so bad config stops start-up
 * (docs/configuration.md).
 */
export function createKubernetesSource(options: KubernetesSourceOptions): ClusterSource {
  const log = options.log;
  // API warnings (a deprecated API, an ignored field) are logged once each, as client-go does.
  const transport = options.transport ?? new KubeClient(loadKubeConfig(options), {
    onWarning: (warning, path) =>
      log?.("warn", `the Kubernetes API server warns: ${warning}`, {
        cluster: options.clusterName,
        path,
      }),
  });
  return new KubernetesSource(options, transport, options.transport === undefined);
}

type Listener = (change: ClusterChange) => void;

/** What the source does with any of its watchers, whatever it stores. */
type RunningWatcher = Pick<ResourceWatcher<unknown>, "listed" | "start" | "stop" | "status">;

class KubernetesSource implements ClusterSource {
  readonly clusterName: string;
  readonly #options: KubernetesSourceOptions;
  readonly #transport: KubeTransport;
  /** Whether the source created its transport, and so closes it on stop. */
  readonly #ownsTransport: boolean;
  readonly #log: LogFn;
  readonly #listeners = new Set<Listener>();
  readonly #namespaces: ResourceWatcher<NamespaceInfo>;
  readonly #services: ResourceWatcher<ServiceInfo>;
  readonly #pods: ResourceWatcher<PodRecord> | undefined;
  #endpoints: ResourceWatcher<EndpointRecord> | undefined;
  /** Names of the Services of each namespace. */
  readonly #servicesByNamespace = new Map<string, Set<string>>();
  /** Keys of the endpoint records (slices or Endpoints) of each Service, by `namespace/service`. */
  readonly #recordsByService = new Map<string, Set<string>>();
  /** Keys of the endpoint records that reference each Pod, by `namespace/pod`. */
  readonly #recordsByPod = new Map<string, Set<string>>();
  #discovery: { phase: "pending" | "failed"; error?: string } | undefined;
  #discoveryAbort: AbortController | undefined;
  #discoveryLoop: Promise<void> | undefined;
  #synced = false;
  #started = false;

  constructor(options: KubernetesSourceOptions, transport: KubeTransport, ownsTransport: boolean) {
    this.clusterName = options.clusterName;
    this.#options = options;
    this.#transport = transport;
    this.#ownsTransport = ownsTransport;
    const log = options.log ?? (() => {});
    this.#log = (level, message, fields) =>
      log(level, message, { cluster: this.clusterName, ...fields });
    this.#namespaces = this.#watcher<NamespaceInfo>({
      resource: "namespaces",
      path: "/api/v1/namespaces",
      metadataOnly: true,
      reduce: reduceNamespace,
      equal: sameReduced,
    }, (name) => this.#emit({ kind: "namespace", name }));
    this.#services = this.#watcher<ServiceInfo>({
      resource: "services",
      path: "/api/v1/services",
      reduce: reduceService,
      equal: sameReduced,
    }, (key, previous, next) => this.#serviceChanged(key, previous, next));
    this.#pods = options.podLabels === false ? undefined : this.#watcher<PodRecord>({
      resource: "pods",
      path: "/api/v1/pods",
      metadataOnly: true,
      reduce: reducePod,
      equal: sameReduced,
    }, (key) => this.#podChanged(key));
  }

  get synced(): boolean {
    return this.#synced;
  }

  start(): Promise<void> {
    if (this.#started) return Promise.resolve();
    this.#started = true;
    this.#namespaces.start();
    this.#services.start();
    this.#pods?.start();
    this.#discoveryLoop = this.#discoverEndpointsApi();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#discoveryAbort?.abort();
    await this.#discoveryLoop;
    await Promise.all(this.#watchers().map((watcher) => watcher.stop()));
    if (this.#ownsTransport) await this.#transport.close();
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  status(): ClusterSourceStatus {
    const resources: ResourceStatus[] = this.#watchers().map((watcher) => watcher.status());
    if (!this.#endpoints && this.#discovery) {
      resources.push({
        resource: "endpoints (discovering the API)",
        phase: this.#discovery.phase === "failed" ? "backoff" : "listing",
        resourceVersion: "",
        objects: 0,
        restarts: 0,
        ...(this.#discovery.error ? { lastError: this.#discovery.error } : {}),
      });
    }
    return { clusterName: this.clusterName, synced: this.#synced, resources };
  }

  namespace(name: string): NamespaceInfo | undefined {
    return this.#namespaces.get(name);
  }

  service(namespace: string, name: string): ServiceInfo | undefined {
    return this.#services.get(`${namespace}/${name}`);
  }

  services(): Iterable<ServiceInfo> {
    return this.#services.values();
  }

  *servicesInNamespace(namespace: string): Iterable<ServiceInfo> {
    for (const name of this.#servicesByNamespace.get(namespace) ?? []) {
      const service = this.#services.get(`${namespace}/${name}`);
      if (service) yield service;
    }
  }

  /**
   * The Service's endpoint groups. An address whose Pod is being deleted is marked terminating
   * (sync-rules §2), whatever its slice says: EndpointSlice v1beta1 (Kubernetes 1.20) and core/v1
   * Endpoints have no terminating condition, and under `publishNotReadyAddresses` they keep such
   * an address as ready until the Pod is gone. Needs the Pod watch (`podLabels` on).
   */
  endpoints(namespace: string, service: string): readonly EndpointGroup[] {
    const keys = this.#recordsByService.get(`${namespace}/${service}`);
    if (!keys || !this.#endpoints) return [];
    const groups: EndpointGroup[] = [];
    for (const key of [...keys].sort()) {
      for (const group of this.#endpoints.get(key)?.groups ?? []) {
        groups.push(this.#withDeletingPods(namespace, group));
      }
    }
    return groups;
  }

  #withDeletingPods(namespace: string, group: EndpointGroup): EndpointGroup {
    const pods = this.#pods;
    if (!pods) return group;
    const deleting = (podName: string | undefined) =>
      podName !== undefined && pods.get(`${namespace}/${podName}`)?.deleting === true;
    if (!group.addresses.some((a) => !a.terminating && deleting(a.podName))) return group;
    return {
      ...group,
      addresses: group.addresses.map((a) =>
        !a.terminating && deleting(a.podName) ? { ...a, terminating: true } : a
      ),
    };
  }

  podLabels(namespace: string, pod: string): Readonly<Record<string, string>> | undefined {
    return this.#pods?.get(`${namespace}/${pod}`)?.labels;
  }

  #watchers(): RunningWatcher[] {
    const all: (RunningWatcher | undefined)[] = [
      this.#namespaces,
      this.#services,
      this.#endpoints,
      this.#pods,
    ];
    return all.filter((watcher) => watcher !== undefined);
  }

  #watcher<R>(
    resource: WatchedResource<R>,
    onChange: (key: string, previous: R | undefined, next: R | undefined) => void,
  ): ResourceWatcher<R> {
    const options = this.#options;
    return new ResourceWatcher<R>({
      ...resource,
      transport: this.#transport,
      onChange,
      onListed: (first) => this.#listed(first),
      watchTimeoutSeconds: options.watchTimeoutSeconds ?? 300,
      watchdogMs: options.watchdogMs,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
      pageSize: options.pageSize ?? 500,
      clock: options.clock ?? systemClock,
      log: this.#log,
    });
  }

  /** Discovers the endpoint API (retrying with backoff), then starts its watcher. */
  async #discoverEndpointsApi(): Promise<void> {
    const abort = new AbortController();
    this.#discoveryAbort = abort;
    const clock = this.#options.clock ?? systemClock;
    const base = this.#options.backoffBaseMs ?? 500;
    const max = this.#options.backoffMaxMs ?? 30_000;
    this.#discovery = { phase: "pending" };
    for (let attempt = 0; !abort.signal.aborted; attempt++) {
      let api: EndpointsApi;
      try {
        api = await chooseEndpointsApi(
          this.#transport,
          this.#options.endpointsApi ?? "auto",
          abort.signal,
        );
      } catch (error) {
        if (abort.signal.aborted) return;
        const message = messageOf(error);
        this.#discovery = {
          phase: "failed",
          error: message.startsWith("Cannot")
            ? message
            : `Cannot discover the endpoint API: ${message}`,
        };
        this.#log("error", this.#discovery.error ?? "", {});
        // No jitter: one discovery per cluster, nothing to spread apart.
        const delay = backoffDelayMs(attempt + 1, { baseMs: base, maxMs: max });
        await abortableDelay(clock, delay, abort.signal);
        continue;
      }
      this.#log("info", `watching endpoints through ${describe(api)}`, {});
      const watcher = this.#watcher<EndpointRecord>({
        resource: api.kind,
        path: api.path,
        reduce: api.kind === "endpoints" ? reduceEndpoints : reduceEndpointSlice,
        equal: sameReduced,
      }, (key, previous, next) => this.#endpointsChanged(key, previous, next));
      this.#endpoints = watcher;
      this.#discovery = undefined;
      watcher.start();
      return;
    }
  }

  #serviceChanged(
    _key: string,
    previous: ServiceInfo | undefined,
    next: ServiceInfo | undefined,
  ): void {
    const current = next ?? previous;
    if (!current) return;
    if (next) addToIndex(this.#servicesByNamespace, next.namespace, next.name);
    else removeFromIndex(this.#servicesByNamespace, current.namespace, current.name);
    this.#emit({ kind: "service", namespace: current.namespace, name: current.name });
  }

  #endpointsChanged(
    key: string,
    previous: EndpointRecord | undefined,
    next: EndpointRecord | undefined,
  ): void {
    if (previous) {
      removeFromIndex(this.#recordsByService, `${previous.namespace}/${previous.service}`, key);
      for (const pod of podNamesOf(previous.groups)) {
        removeFromIndex(this.#recordsByPod, `${previous.namespace}/${pod}`, key);
      }
    }
    if (next) {
      addToIndex(this.#recordsByService, `${next.namespace}/${next.service}`, key);
      for (const pod of podNamesOf(next.groups)) {
        addToIndex(this.#recordsByPod, `${next.namespace}/${pod}`, key);
      }
    }
    if (previous && (!next || previous.service !== next.service)) {
      this.#emit({ kind: "service", namespace: previous.namespace, name: previous.service });
    }
    if (next) this.#emit({ kind: "service", namespace: next.namespace, name: next.service });
  }

  #podChanged(podKey: string): void {
    const records = this.#recordsByPod.get(podKey);
    if (!records || !this.#endpoints) return;
    const services = new Set<string>();
    for (const recordKey of records) {
      const record = this.#endpoints.get(recordKey);
      if (record) services.add(`${record.namespace}/${record.service}`);
    }
    for (const service of services) {
      const slash = service.indexOf("/");
      this.#emit({
        kind: "service",
        namespace: service.slice(0, slash),
        name: service.slice(slash + 1),
      });
    }
  }

  #listed(first: boolean): void {
    if (!first) {
      this.#emit({ kind: "relisted" });
      return;
    }
    if (this.#synced || !this.#endpoints) return;
    if (this.#watchers().every((watcher) => watcher.listed)) {
      this.#synced = true;
      this.#log("info", "every resource listed; source synced", {});
      this.#emit({ kind: "synced" });
    }
  }

  #emit(change: ClusterChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#log("error", "a cluster change listener threw", { error: messageOf(error), change });
      }
    }
  }
}

function describe(api: EndpointsApi): string {
  return api.kind === "endpoints"
    ? "core/v1 Endpoints"
    : `EndpointSlices discovery.k8s.io/${api.version}`;
}

function addToIndex(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) index.set(key, set = new Set());
  set.add(value);
}

function removeFromIndex(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

function abortableDelay(clock: WatchClock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clock.clearTimeout(handle);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const handle = clock.setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
