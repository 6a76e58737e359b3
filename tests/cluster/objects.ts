/**
 * Helpers that create and change Kubernetes objects on the test control plane through
 * @kubernetes/client-node: Nodes, Namespaces, Services, Pods, Pod readiness through the status
 * subresource (there is no kubelet), and a `waitFor` poller with a timeout.
 *
 * @module
 */

import {
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  RbacAuthorizationV1Api,
  type RequestContext,
  type ResponseContext,
  ServerConfiguration,
  type V1Pod,
  type V1Service,
  type V1ServicePort,
} from "@kubernetes/client-node";
import type { RequestOptions } from "node:https";
import { Agent } from "undici";

type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

/**
 * An HTTP/1.1-only connection pool with the cluster's TLS settings. undici negotiates HTTP/2 by
 * default, and Deno's HTTP/2 layer can abort the whole test process (an nghttp2 assertion) when a
 * test stops the API server under idle HTTP/2 connections; HTTP/1.1 has no such path.
 */
async function http1Agent(config: KubeConfig): Promise<Dispatcher | undefined> {
  // createDispatcherOptions takes the CA and client certificate from its second argument: with
  // `{}` it answers `none`, and client-node's own (HTTP/2-capable) Agent would be used.
  const tls: RequestOptions = {};
  await config.applyToHTTPSOptions(tls);
  const { ca, cert, key } = tls;
  const options = config.createDispatcherOptions(config.getCurrentCluster(), { ca, cert, key });
  if (options.type !== "agent") return undefined;
  return new Agent({ connect: options.connect, allowH2: false }) as unknown as Dispatcher;
}

/** A Service to create. */
export interface ServiceSpec {
  readonly selector?: Readonly<Record<string, string>>;
  readonly ports?: readonly V1ServicePort[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly type?: string;
  /** `None` makes a headless Service. */
  readonly clusterIP?: string;
  /** `SingleStack` (default), `PreferDualStack` or `RequireDualStack` (needs a dual-stack plane). */
  readonly ipFamilyPolicy?: string;
  /** `IPv4`, `IPv6` or both, in order; default: the cluster's first family. */
  readonly ipFamilies?: readonly string[];
  /** Publish endpoints whatever their readiness (`ready` stays true, even while terminating). */
  readonly publishNotReadyAddresses?: boolean;
}

/** A Pod to create: its labels and the Node it is "scheduled" on. */
export interface PodSpec {
  readonly labels?: Readonly<Record<string, string>>;
  readonly nodeName?: string;
  readonly containerPort?: number;
}

/**
 * Object helpers bound to one kubeconfig. Every request goes through one undici Agent that
 * `close()` destroys (client-node makes a new Agent per request otherwise, whose idle keep-alive
 * sockets would outlive the test and trip Deno's resource sanitizer).
 */
export class ClusterObjects {
  /** The typed core/v1 client. */
  readonly core: CoreV1Api;
  /** The typed rbac.authorization.k8s.io/v1 client. */
  readonly rbac: RbacAuthorizationV1Api;
  #dispatcher: Dispatcher | undefined;
  #http1: Promise<Dispatcher | undefined> | undefined;

  /** Creates helpers for the current context of a kubeconfig file. */
  constructor(kubeconfigPath: string) {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfigPath);
    const server = config.getCurrentCluster()?.server;
    if (!server) throw new Error(`Cannot find a cluster in "${kubeconfigPath}"`);
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: config },
      promiseMiddleware: [{
        pre: async (context: RequestContext) => {
          const dispatcher = context.getDispatcher();
          if (dispatcher) {
            // One pending creation shared by concurrent first requests, so no Agent is orphaned.
            this.#http1 ??= http1Agent(config);
            const http1 = await this.#http1;
            this.#dispatcher ??= http1 ?? dispatcher;
            context.setDispatcher(this.#dispatcher);
          }
          return context;
        },
        post: (response: ResponseContext) => Promise.resolve(response),
      }],
    });
    this.core = new CoreV1Api(configuration);
    this.rbac = new RbacAuthorizationV1Api(configuration);
  }

  /**
   * Grants `user` the `verbs` on core/v1 `resources` and on EndpointSlices, cluster-wide, through
   * a ClusterRole and ClusterRoleBinding named after the user.
   */
  async grantClusterWide(
    user: string,
    verbs: readonly string[],
    resources: readonly string[],
  ): Promise<void> {
    const name = `test-${user}`;
    await this.rbac.createClusterRole({
      body: {
        metadata: { name },
        rules: [
          { apiGroups: [""], resources: [...resources], verbs: [...verbs] },
          { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: [...verbs] },
        ],
      },
    });
    await this.rbac.createClusterRoleBinding({
      body: {
        metadata: { name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
      },
    });
  }

  /** Creates a Node (the EndpointSlice controller needs the Node of a Pod). */
  async createNode(name: string, labels: Readonly<Record<string, string>> = {}): Promise<void> {
    await this.core.createNode({ body: { metadata: { name, labels: { ...labels } } } });
  }

  /** Creates a Namespace with annotations. */
  async createNamespace(
    name: string,
    annotations: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    await this.core.createNamespace({
      body: { metadata: { name, annotations: { ...annotations } } },
    });
  }

  /** Replaces a Namespace's annotations (read, change, replace). */
  async setNamespaceAnnotations(
    name: string,
    annotations: Readonly<Record<string, string>>,
  ): Promise<void> {
    const namespace = await this.core.readNamespace({ name });
    namespace.metadata = { ...namespace.metadata, annotations: { ...annotations } };
    await this.core.replaceNamespace({ name, body: namespace });
  }

  /** Creates a Service (ClusterIP by default, port 80 → 8080 unless `ports` says otherwise). */
  async createService(namespace: string, name: string, spec: ServiceSpec = {}): Promise<V1Service> {
    return await this.core.createNamespacedService({
      namespace,
      body: {
        metadata: {
          name,
          namespace,
          annotations: { ...spec.annotations },
          ...(spec.labels ? { labels: { ...spec.labels } } : {}),
        },
        spec: {
          type: spec.type,
          clusterIP: spec.clusterIP,
          ipFamilyPolicy: spec.ipFamilyPolicy,
          ipFamilies: spec.ipFamilies ? [...spec.ipFamilies] : undefined,
          publishNotReadyAddresses: spec.publishNotReadyAddresses,
          selector: spec.selector ? { ...spec.selector } : undefined,
          ports: spec.ports ? [...spec.ports] : [{
            name: "http",
            port: 80,
            targetPort: 8080,
          }],
        },
      },
    });
  }

  /** Replaces a Service's annotations by an update (so a removed key is really removed). */
  async setServiceAnnotations(
    namespace: string,
    name: string,
    annotations: Readonly<Record<string, string>>,
  ): Promise<void> {
    const service = await this.core.readNamespacedService({ namespace, name });
    service.metadata = { ...service.metadata, annotations: { ...annotations } };
    await this.core.replaceNamespacedService({ namespace, name, body: service });
  }

  /** Replaces a Service's ports by an update. */
  async setServicePorts(
    namespace: string,
    name: string,
    ports: readonly V1ServicePort[],
  ): Promise<void> {
    const service = await this.core.readNamespacedService({ namespace, name });
    service.spec = { ...service.spec, ports: [...ports] };
    await this.core.replaceNamespacedService({ namespace, name, body: service });
  }

  /** Replaces a Service's labels by an update. */
  async setServiceLabels(
    namespace: string,
    name: string,
    labels: Readonly<Record<string, string>>,
  ): Promise<void> {
    const service = await this.core.readNamespacedService({ namespace, name });
    service.metadata = { ...service.metadata, labels: { ...labels } };
    await this.core.replaceNamespacedService({ namespace, name, body: service });
  }

  /** Deletes a Service. */
  async deleteService(namespace: string, name: string): Promise<void> {
    await this.core.deleteNamespacedService({ namespace, name });
  }

  /** Creates a Pod bound to a Node; nothing runs it, its status is set by `setPodReady`. */
  async createPod(namespace: string, name: string, spec: PodSpec = {}): Promise<V1Pod> {
    return await this.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name, namespace, labels: { ...spec.labels } },
        spec: {
          nodeName: spec.nodeName,
          containers: [{
            name: "app",
            image: "registry.invalid/app:1",
            ports: [{ containerPort: spec.containerPort ?? 8080, name: "http" }],
          }],
        },
      },
    });
  }

  /** Replaces a Pod's labels. */
  async setPodLabels(
    namespace: string,
    name: string,
    labels: Readonly<Record<string, string>>,
  ): Promise<void> {
    const pod = await this.core.readNamespacedPod({ namespace, name });
    pod.metadata = { ...pod.metadata, labels: { ...labels } };
    await this.core.replaceNamespacedPod({ namespace, name, body: pod });
  }

  /**
   * Sets a Pod's status as a kubelet would: phase Running, the given IP (or IPs: one per family,
   * the first is `podIP`, all are `podIPs`), condition Ready True or False. The endpoint
   * controllers then move its address between ready and not ready.
   */
  async setPodReady(
    namespace: string,
    name: string,
    podIP: string | readonly string[],
    ready: boolean,
  ): Promise<void> {
    const ips = typeof podIP === "string" ? [podIP] : [...podIP];
    const pod = await this.core.readNamespacedPodStatus({ namespace, name });
    const now = new Date();
    pod.status = {
      ...pod.status,
      phase: "Running",
      podIP: ips[0],
      podIPs: ips.map((ip) => ({ ip })),
      hostIP: "192.0.2.1",
      conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: now }],
    };
    await this.core.replaceNamespacedPodStatus({ namespace, name, body: pod });
  }

  /**
   * Deletes a Pod, at once by default (grace period 0). With a longer grace period a Pod bound to
   * a Node stays, with a `deletionTimestamp`, until deleted again with 0: there is no kubelet to
   * finish a graceful delete, so the endpoint controllers see it terminating for as long as the
   * test wants.
   */
  async deletePod(namespace: string, name: string, gracePeriodSeconds = 0): Promise<void> {
    await this.core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds });
  }

  /** Destroys the shared connection pool. */
  async close(): Promise<void> {
    const dispatcher = this.#dispatcher;
    this.#dispatcher = undefined;
    this.#http1 = undefined;
    await dispatcher?.destroy();
  }
}

/** Options of `waitFor`. */
export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Says what was awaited, for the timeout error. */
  readonly what?: string;
}

/**
 * Polls `probe` until it returns something other than `undefined`/`false` and returns it; throws
 * after `timeoutMs` (default 20 s) with the last value or error seen.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last: unknown;
  while (true) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(
        `Cannot see ${options.what ?? "the awaited condition"} within ${
          options.timeoutMs ?? 20_000
        } ms (last: ${detail})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
