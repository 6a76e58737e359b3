/**
 * `synced` of the Kubernetes cluster source against a real current kube-apiserver with the real
 * endpoint controllers: it must not be sent before every kind the engine plans from (Namespaces,
 * Services, EndpointSlices or Endpoints, Pod labels) has finished its first list, whichever of them
 * answers last (sync-rules §3.1: no deletion before every source has finished its first full list;
 * a reconcile planned from half the endpoints would delete the other half). Each case holds one
 * first list (or API discovery) back, through a transport that wraps the real one, and checks what
 * the view holds at the very moment `synced` is delivered.
 */

import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { ClusterChange, ClusterSource } from "../../domain/cluster.ts";
import { startControlPlane } from "../../tests/cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../../tests/cluster/objects.ts";
import {
  KubeClient,
  type KubeRequestOptions,
  type KubeTransport,
  loadKubeConfig,
  type RawObject,
  type RawWatchEvent,
} from "./kube_client.ts";
import { createKubernetesSource, type KubernetesSourceOptions } from "./kubernetes_source.ts";

const NODE = "node-synced";
const NAMESPACES = ["synced-a", "synced-b"];
const SERVICES = ["web", "api", "db"];
const PODS_PER_SERVICE = 2;

/**
 * The real transport, except that GETs of one path wait for `release()` (the first list of one
 * resource, or API discovery), so that this one answers after every other.
 */
class HeldTransport implements KubeTransport {
  readonly #inner: KubeTransport;
  readonly #isHeld: (path: string) => boolean;
  readonly #gate = Promise.withResolvers<void>();
  /** GETs that reached the gate. */
  heldRequests = 0;

  constructor(inner: KubeTransport, isHeld: (path: string) => boolean) {
    this.#inner = inner;
    this.#isHeld = isHeld;
  }

  release(): void {
    this.#gate.resolve();
  }

  async getJson(
    path: string,
    query: Readonly<Record<string, string>>,
    options?: KubeRequestOptions,
  ): Promise<RawObject> {
    if (this.#isHeld(path)) {
      this.heldRequests++;
      await untilReleasedOrAborted(this.#gate.promise, options?.signal);
    }
    return await this.#inner.getJson(path, query, options);
  }

  watch(
    path: string,
    query: Readonly<Record<string, string>>,
    options: KubeRequestOptions,
    onEvent: (event: RawWatchEvent) => void,
  ): Promise<void> {
    return this.#inner.watch(path, query, options, onEvent);
  }

  close(): Promise<void> {
    this.release();
    return this.#inner.close();
  }
}

/** Resolves with `gate`, or rejects when `signal` aborts first (so `stop()` never hangs here). */
function untilReleasedOrAborted(
  gate: Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!signal) return gate;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    gate.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}

/** What the engine would read for the planned Services: namespaces, addresses and Pod labels. */
function viewOf(source: ClusterSource): string[] {
  const lines: string[] = [];
  for (const namespace of NAMESPACES) {
    lines.push(`namespace ${namespace} ${source.namespace(namespace) ? "known" : "missing"}`);
    for (const name of SERVICES) {
      const service = source.service(namespace, name);
      lines.push(`service ${namespace}/${name} ${service ? "known" : "missing"}`);
      for (const group of source.endpoints(namespace, name)) {
        for (const address of group.addresses) {
          const pod = address.podName ?? "-";
          const labels = source.podLabels(namespace, pod);
          lines.push(
            `endpoint ${namespace}/${name} ${address.address} ${
              address.ready ? "ready" : "notready"
            } ${pod} ${labels ? `app=${labels.app},version=${labels.version}` : "no labels"}`,
          );
        }
      }
    }
  }
  return lines.sort();
}

/** The view once everything is listed: what `synced` must already show. */
function expectedView(): string[] {
  const lines: string[] = [];
  NAMESPACES.forEach((namespace, n) => {
    lines.push(`namespace ${namespace} known`);
    SERVICES.forEach((name, s) => {
      lines.push(`service ${namespace}/${name} known`);
      for (let p = 0; p < PODS_PER_SERVICE; p++) {
        lines.push(
          `endpoint ${namespace}/${name} ${
            podIp(n, s, p)
          } ready ${name}-${p} app=${name},version=v${p + 1}`,
        );
      }
    });
  });
  return lines.sort();
}

function podIp(namespace: number, service: number, pod: number): string {
  return `10.245.${namespace}.${service * 10 + pod + 1}`;
}

/**
 * Creates the Namespaces, ready Pods and Services, and waits until both endpoint APIs show them.
 */
async function createWorkload(objects: ClusterObjects, kubeconfigPath: string): Promise<void> {
  await objects.createNode(NODE);
  for (const [n, namespace] of NAMESPACES.entries()) {
    await objects.createNamespace(namespace);
    for (const [s, name] of SERVICES.entries()) {
      for (let p = 0; p < PODS_PER_SERVICE; p++) {
        await objects.createPod(namespace, `${name}-${p}`, {
          labels: { app: name, version: `v${p + 1}` },
          nodeName: NODE,
        });
        await objects.setPodReady(namespace, `${name}-${p}`, podIp(n, s, p), true);
      }
      await objects.createService(namespace, name, { selector: { app: name } });
    }
  }
  // kube-controller-manager publishes Endpoints and EndpointSlices a little later: wait, through
  // plain sources, until both are complete, so the cases below start from a settled cluster.
  for (const endpointsApi of ["endpointslices", "endpoints"] as const) {
    const source = createKubernetesSource({ clusterName: "probe", kubeconfigPath, endpointsApi });
    await source.start();
    try {
      await waitFor(
        () => JSON.stringify(viewOf(source)) === JSON.stringify(expectedView()),
        { what: `every address published in ${endpointsApi}`, timeoutMs: 60_000 },
      );
    } finally {
      await source.stop();
    }
  }
}

/** A case: which GET answers last, and which endpoint API the source uses. */
interface HeldCase {
  readonly what: string;
  readonly isHeld: (path: string) => boolean;
  readonly endpointsApi: KubernetesSourceOptions["endpointsApi"];
}

const CASES: readonly HeldCase[] = [
  { what: "the Namespace list", isHeld: (p) => p === "/api/v1/namespaces", endpointsApi: "auto" },
  { what: "the Service list", isHeld: (p) => p === "/api/v1/services", endpointsApi: "auto" },
  {
    what: "the EndpointSlice list",
    isHeld: (p) => p.startsWith("/apis/discovery.k8s.io/") && p.endsWith("/endpointslices"),
    endpointsApi: "auto",
  },
  { what: "the Pod list", isHeld: (p) => p === "/api/v1/pods", endpointsApi: "auto" },
  {
    what: "API discovery of EndpointSlices",
    isHeld: (p) => p === "/apis/discovery.k8s.io",
    endpointsApi: "auto",
  },
  {
    what: "the Endpoints list (core/v1 fallback)",
    isHeld: (p) => p === "/api/v1/endpoints",
    endpointsApi: "endpoints",
  },
];

Deno.test("createKubernetesSource() sends synced only once every kind has listed, whichever answers last", async (t) => {
  const plane = await startControlPlane();
  const objects = new ClusterObjects(plane.kubeconfigPath);
  try {
    await createWorkload(objects, plane.kubeconfigPath);
    for (const held of CASES) {
      await t.step(`when ${held.what} answers last`, async () => {
        const transport = new HeldTransport(
          new KubeClient(loadKubeConfig({ kubeconfigPath: plane.kubeconfigPath })),
          held.isHeld,
        );
        const source = createKubernetesSource({
          clusterName: "cluster-a",
          transport,
          endpointsApi: held.endpointsApi,
        });
        const changes: ClusterChange[] = [];
        let atSynced: string[] | undefined;
        source.subscribe((change) => {
          changes.push(change);
          if (change.kind === "synced") atSynced = viewOf(source);
        });
        await source.start();
        try {
          // Everything else lists and starts watching while the held GET waits.
          await waitFor(() => transport.heldRequests > 0, { what: `${held.what} requested` });
          await waitFor(
            () => {
              const others = source.status().resources.filter((status) =>
                !held.isHeld(pathOf(status.resource))
              );
              return others.length >= 3 && others.every((status) => status.phase === "watching");
            },
            { what: `every list but ${held.what} done` },
          );
          ok(!source.synced, `not synced while ${held.what} has not answered`);
          equal(changes.filter((change) => change.kind === "synced").length, 0);

          transport.release();
          await waitFor(() => source.synced, { what: "synced after the release" });
          deepStrictEqual(atSynced, expectedView(), "the view at the moment synced is sent");
          equal(changes.filter((change) => change.kind === "synced").length, 1);
          deepStrictEqual(
            source.status().resources.map((status) => status.resource),
            [
              "namespaces",
              "services",
              held.endpointsApi === "endpoints" ? "endpoints" : "endpointslices",
              "pods",
            ],
          );
        } finally {
          await source.stop();
        }
      });
    }
  } finally {
    await objects.close();
    await plane.stop();
  }
});

/** The collection path of a watched resource's status name (as `HeldCase.isHeld` sees it). */
function pathOf(resource: string): string {
  switch (resource) {
    case "namespaces":
    case "services":
    case "pods":
    case "endpoints":
      return `/api/v1/${resource}`;
    case "endpointslices":
      return "/apis/discovery.k8s.io/v1/endpointslices";
    default:
      // "endpoints (discovering the API)": the discovery document itself.
      return "/apis/discovery.k8s.io";
  }
}
