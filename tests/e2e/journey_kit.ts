/**
 * Shared steps of the end-to-end journeys: Services with ready Pods on the test control plane,
 * waits on the Endpoints Kubernetes derives from them, and reads of what the real Polaris server
 * holds, of the requests its fault proxy saw, and of the controller's debug endpoints.
 *
 * @module
 */

import { CoordinationV1Api, KubeConfig } from "@kubernetes/client-node";
import {
  type PolarisTarget,
  type RegisteredInstance,
  type SeenWrite,
  startRealPolaris,
} from "../polaris/polaris_target.ts";
import type { PolarisServerOptions } from "../polaris/polaris_server.ts";
import { type ClusterObjects, waitFor } from "../cluster/objects.ts";
import { type ControllerProcess, meshConfig, startController } from "./controller_process.ts";

/** `deno test` options of a journey: the control plane lives across the tests of a file. */
export const journey = { sanitizeOps: false, sanitizeResources: false } as const;

/** Convergence timeout: generous, the machine runs other heavy work at the same time. */
export const CONVERGE_MS = 30_000;

/** The `polarismesh.cn/sync` annotation. */
export const SYNC = "polarismesh.cn/sync";

/** A Pod to run behind a Service: its name, IP and readiness (ready by default). */
export interface PodPlan {
  readonly name: string;
  readonly ip: string;
  readonly ready?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
}

/** The Node every journey Pod is bound to; {@linkcode ensureNode} creates it. */
export const NODE = "node-1";

/** Creates the journeys' Node (the EndpointSlice controller needs a Pod's Node). */
export async function ensureNode(objects: ClusterObjects): Promise<void> {
  await objects.createNode(NODE);
}

/**
 * Creates a Service selecting `app=<name>` (port `http` 80 → 8080) and its Pods with their status
 * set, so kube-controller-manager publishes their addresses.
 */
export async function addService(
  objects: ClusterObjects,
  namespace: string,
  name: string,
  options: {
    readonly annotations?: Readonly<Record<string, string>>;
    readonly labels?: Readonly<Record<string, string>>;
    readonly type?: string;
    readonly pods?: readonly PodPlan[];
  } = {},
): Promise<void> {
  await objects.createService(namespace, name, {
    selector: { app: name },
    annotations: options.annotations,
    labels: options.labels,
    type: options.type,
    ports: [{ name: "http", port: 80, targetPort: 8080 as never, protocol: "TCP" }],
  });
  for (const pod of options.pods ?? []) await addPod(objects, namespace, name, pod);
}

/** Creates a Pod selected by Service `app` and sets its IP and readiness. */
export async function addPod(
  objects: ClusterObjects,
  namespace: string,
  app: string,
  pod: PodPlan,
): Promise<void> {
  await objects.createPod(namespace, pod.name, {
    labels: { app, ...pod.labels },
    nodeName: NODE,
  });
  await objects.setPodReady(namespace, pod.name, pod.ip, pod.ready ?? true);
}

/**
 * Waits until Kubernetes' Endpoints of a Service list exactly `hosts` (ready or not): the cluster
 * itself has caught up, so whatever the controller does next is its own doing.
 */
export async function waitEndpoints(
  objects: ClusterObjects,
  namespace: string,
  name: string,
  hosts: readonly string[],
): Promise<void> {
  const want = [...hosts].sort().join(",");
  await waitFor(async () => {
    const endpoints = await objects.core.readNamespacedEndpoints({ namespace, name });
    const seen = (endpoints.subsets ?? []).flatMap((s) => [
      ...(s.addresses ?? []),
      ...(s.notReadyAddresses ?? []),
    ]).map((a) => a.ip).sort().join(",");
    return seen === want;
  }, { what: `Endpoints of "${namespace}/${name}" listing [${want}]`, timeoutMs: CONVERGE_MS });
}

/** The instances of one Polaris service, read from the server (not through the proxy). */
export function instancesOf(
  polaris: PolarisTarget,
  namespace: string,
  service: string,
): Promise<RegisteredInstance[]> {
  return polaris.instances(namespace, service);
}

/** The instance writes the controller sent for `namespace/service` since the last reset. */
export function instanceWritesTo(
  polaris: PolarisTarget,
  namespace: string,
  service: string,
): SeenWrite[] {
  return polaris.writes().filter((w) =>
    w.path.startsWith("/naming/v1/instances") &&
    (Array.isArray(w.body) ? w.body : [w.body]).some((item) => {
      const i = (item ?? {}) as Record<string, unknown>;
      return i.namespace === namespace && i.service === service;
    })
  );
}

/** {@linkcode instanceWritesTo} as `METHOD path` lines, for assertions. */
export function instanceWrites(
  polaris: PolarisTarget,
  namespace: string,
  service: string,
): string[] {
  return instanceWritesTo(polaris, namespace, service).map((w) => `${w.method} ${w.path}`);
}

/** The sorted hosts of some instances. */
export function hostsOf(instances: readonly RegisteredInstance[]): string[] {
  return instances.map((i) => i.host).sort();
}

/** Waits until a Polaris service holds exactly `hosts` (sorted compare); returns its instances. */
export async function waitHosts(
  polaris: PolarisTarget,
  namespace: string,
  service: string,
  hosts: readonly string[],
  timeoutMs = CONVERGE_MS,
): Promise<RegisteredInstance[]> {
  const want = [...hosts].sort().join(",");
  let last: string[] = [];
  try {
    return await waitFor(async () => {
      const instances = await instancesOf(polaris, namespace, service);
      last = hostsOf(instances);
      return last.join(",") === want ? instances : false;
    }, { what: `Polaris "${namespace}/${service}" holding [${want}]`, timeoutMs });
  } catch (error) {
    // The message names what it held last, which is only known once the wait is over.
    throw new Error(`${(error as Error).message}; it last held [${last.join(",")}]`);
  }
}

/** Number of write requests (POST/PUT/DELETE) the controller sent since the last reset. */
export function writeCount(polaris: PolarisTarget): number {
  return Object.entries(polaris.requests())
    .filter(([key]) => !key.startsWith("GET "))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Number of read requests (GET) the controller sent since the last reset. */
export function readCount(polaris: PolarisTarget): number {
  return Object.entries(polaris.requests())
    .filter(([key]) => key.startsWith("GET "))
    .reduce((sum, [, n]) => sum + n, 0);
}

/**
 * The hosts of `namespace/service` that a delete request sent through the proxy named, since its
 * last reset: what a journey checks to say "never removed", since a delete followed by a create
 * within one cache refresh would not show in reads.
 */
export function deletedHosts(polaris: PolarisTarget, namespace: string, service: string): string[] {
  const hosts = new Set<string>();
  for (const write of polaris.writes()) {
    if (write.path !== "/naming/v1/instances/delete" || !Array.isArray(write.body)) continue;
    for (const item of write.body as { namespace?: string; service?: string; host?: string }[]) {
      if (item.namespace === namespace && item.service === service && item.host) {
        hosts.add(item.host);
      }
    }
  }
  return [...hosts].sort();
}

/** One service actor as `/debug/services/{namespace}/{service}` shows it (the fields read here). */
export interface ServiceDebug {
  readonly state: string;
  readonly lastError: string | null;
  /** Reconciles the actor has started. */
  readonly reconciles: number;
  readonly report: {
    readonly problems: readonly { readonly code: string; readonly message: string }[];
    readonly conflicts: readonly string[];
    readonly alias: string | null;
  } | null;
}

/** Each cluster's sync reason, as the debug endpoint shows it for every Service. */
export interface SyncReasonDebug {
  readonly clusterName: string;
  readonly code: string;
  readonly message: string;
}

/** Reads one Service from the debug endpoint, actor or not; `undefined` when unknown (404). */
export async function serviceView(
  controller: ControllerProcess,
  namespace: string,
  service: string,
): Promise<(ServiceDebug & { readonly sync: readonly SyncReasonDebug[] }) | undefined> {
  const { status, body } = await controller.getJson(`/debug/services/${namespace}/${service}`);
  if (status === 404) return undefined;
  if (status !== 200) {
    throw new Error(`Cannot read the debug view of "${namespace}/${service}": ${status}`);
  }
  return body as ServiceDebug & { sync: SyncReasonDebug[] };
}

/**
 * Reads one service actor from the debug endpoint; `undefined` when it has none: the Service is
 * unknown (404), or known without an actor (`unsynced`, `pending`).
 */
export async function serviceDebug(
  controller: ControllerProcess,
  namespace: string,
  service: string,
): Promise<ServiceDebug | undefined> {
  const view = await serviceView(controller, namespace, service);
  return view && !["unsynced", "pending"].includes(view.state) ? view : undefined;
}

/** Waits until a service actor is in `state`; returns what the debug endpoint shows. */
export async function waitState(
  controller: ControllerProcess,
  namespace: string,
  service: string,
  state: string,
): Promise<ServiceDebug> {
  let last = "";
  return await waitFor(async () => {
    const debug = await serviceDebug(controller, namespace, service);
    last = JSON.stringify(debug?.state ?? "no actor");
    return debug?.state === state ? debug : false;
  }, {
    what: `"${namespace}/${service}" in state "${state}" (last ${last})`,
    timeoutMs: CONVERGE_MS,
  });
}

/** Resolves after `ms`: only to give a controller time to do something it must NOT do. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Hands out distinct pod IPs from `10.<block>.0.0/16`. */
export function ipPool(block: number): () => string {
  let next = 1;
  return () => {
    const n = next++;
    return `10.${block}.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  };
}

/** Reads the holder of a coordination.k8s.io/v1 Lease (leader election), or null. */
export async function leaseHolder(
  kubeconfigPath: string,
  namespace: string,
  name: string,
): Promise<string | null> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  const lease = await config.makeApiClient(CoordinationV1Api).readNamespacedLease({
    namespace,
    name,
  });
  return lease.spec?.holderIdentity ?? null;
}

/** Options of {@linkcode withController}. */
export interface WithControllerOptions {
  readonly clusterName: string;
  readonly resyncPeriod?: string;
  /** More `mesh` config lines. */
  readonly extra?: string;
  /** More controller flags. */
  readonly args?: readonly string[];
  /** Options of the Polaris server (e.g. another config: `polarisServerConfig`). */
  readonly polaris?: PolarisServerOptions;
}

/**
 * Runs `fn` with a fresh real Polaris server (a fault proxy in front) and a controller process on
 * it and on `kubeconfigPath`; stops both afterwards, whatever happened.
 */
export async function withController(
  kubeconfigPath: string,
  options: WithControllerOptions,
  fn: (polaris: PolarisTarget, controller: ControllerProcess) => Promise<void>,
): Promise<void> {
  const polaris = await startRealPolaris(options.polaris);
  let controller: ControllerProcess | undefined;
  try {
    controller = await startController({
      config: meshConfig({
        polarisUrl: polaris.url,
        token: polaris.token,
        clusterName: options.clusterName,
        resyncPeriod: options.resyncPeriod,
        extra: options.extra,
      }),
      kubeconfig: kubeconfigPath,
      extraArgs: options.args,
    });
    await fn(polaris, controller);
  } finally {
    await controller?.stop();
    await polaris.stop();
  }
}
