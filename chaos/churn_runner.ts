/**
 * Carries out churn operations on the clusters through their API: server-side apply for
 * creations (idempotent, so a retry after a cut connection is safe), JSON merge patches for
 * annotation changes and Pod status (as a kubelet would set it: phase, IP, Ready condition),
 * deletes at once (grace period 0: there is no kubelet to finish a graceful delete). Cluster b
 * has no kube-controller-manager: its Services are selector-less and the harness writes their
 * EndpointSlices. A request that gets no answer or a 5xx/429 is retried until `deadlineMs`; a
 * 4xx is a skipped operation (the object went away meanwhile: a namespace being deleted).
 *
 * @module
 */

import type { ChurnOp, ClusterId, PortSpec } from "./churn_model.ts";
import type { KubeAnswer, KubeApi } from "./kube_api.ts";

/** The Node every Pod of cluster a is bound to. */
export const NODE_NAME = "node-1";
/** The field manager of the harness's server-side applies. */
const MANAGER = "fieldManager=chaos-harness&force=true";
const APPLY = "application/apply-patch+yaml";
const MERGE = "application/merge-patch+json";

/** How one operation ended. */
export type ChurnOutcome = { readonly done: true } | {
  readonly done: false;
  readonly reason: string;
};

function retryable(answer: KubeAnswer): boolean {
  return answer.status >= 500 || answer.status === 429;
}

async function send(
  api: KubeApi,
  deadline: number,
  method: string,
  path: string,
  body?: unknown,
  contentType?: string,
): Promise<KubeAnswer> {
  let last = "";
  while (true) {
    try {
      const answer = await api.request(method, path, body, contentType);
      if (!retryable(answer)) return answer;
      last = `${answer.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(`Cannot ${method} ${path}: no answer within the deadline (last: ${last})`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

function ok(answer: KubeAnswer, what: string, allow404 = false): ChurnOutcome {
  if (answer.status < 300 || (allow404 && answer.status === 404)) return { done: true };
  const message = (answer.body as { message?: string } | null)?.message ?? "";
  return { done: false, reason: `${what}: ${answer.status} ${message.slice(0, 160)}` };
}

async function mergeAnnotations(
  api: KubeApi,
  deadline: number,
  path: string,
  annotations: Readonly<Record<string, string>>,
): Promise<ChurnOutcome> {
  const current = await send(api, deadline, "GET", path);
  if (current.status !== 200) return ok(current, `read ${path}`);
  const before = (current.body as { metadata?: { annotations?: Record<string, string> } })
    .metadata?.annotations ?? {};
  const patch: Record<string, string | null> = {};
  for (const key of Object.keys(before)) {
    if (key.startsWith("polarismesh.cn/") && !(key in annotations)) patch[key] = null;
  }
  Object.assign(patch, annotations);
  return ok(
    await send(api, deadline, "PATCH", path, { metadata: { annotations: patch } }, MERGE),
    `annotate ${path}`,
  );
}

function servicePorts(ports: readonly PortSpec[]) {
  return ports.map((p) => ({
    name: p.name,
    port: p.port,
    targetPort: p.targetPort,
    protocol: p.protocol,
  }));
}

async function setPodStatus(
  api: KubeApi,
  deadline: number,
  namespace: string,
  pod: string,
  ip: string,
  ready: boolean,
): Promise<ChurnOutcome> {
  const body = {
    status: {
      phase: "Running",
      podIP: ip,
      podIPs: [{ ip }],
      hostIP: "192.0.2.1",
      conditions: [{
        type: "Ready",
        status: ready ? "True" : "False",
        lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      }],
    },
  };
  return ok(
    await send(
      api,
      deadline,
      "PATCH",
      `/api/v1/namespaces/${namespace}/pods/${pod}/status`,
      body,
      MERGE,
    ),
    `status of Pod ${namespace}/${pod}`,
  );
}

/** Creates the Node that cluster a's Pods are bound to (the EndpointSlice controller needs it). */
export async function ensureNode(api: KubeApi): Promise<void> {
  const answer = await send(
    api,
    Date.now() + 30_000,
    "PATCH",
    `/api/v1/nodes/${NODE_NAME}?${MANAGER}`,
    {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: NODE_NAME },
    },
    APPLY,
  );
  if (answer.status >= 300) throw new Error(`Cannot create Node ${NODE_NAME}: ${answer.status}`);
}

/** Creates a Namespace (for the Lease) unless it exists. */
export async function ensureNamespace(api: KubeApi, name: string): Promise<void> {
  const answer = await send(
    api,
    Date.now() + 30_000,
    "PATCH",
    `/api/v1/namespaces/${name}?${MANAGER}`,
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name },
    },
    APPLY,
  );
  if (answer.status >= 300) throw new Error(`Cannot create Namespace ${name}: ${answer.status}`);
}

/** Carries out one operation on the API of `op.cluster` (`apis[op.cluster]`). */
export async function runChurnOp(
  apis: Readonly<Record<ClusterId, KubeApi>>,
  op: ChurnOp,
  deadlineMs = 60_000,
): Promise<ChurnOutcome> {
  const api = apis[op.cluster];
  const deadline = Date.now() + deadlineMs;
  const ns = `/api/v1/namespaces/${op.namespace}`;
  switch (op.op) {
    case "createNamespace":
      return ok(
        await send(api, deadline, "PATCH", `${ns}?${MANAGER}`, {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: op.namespace, annotations: op.annotations },
        }, APPLY),
        `create namespace ${op.namespace}`,
      );
    case "deleteNamespace": {
      // Pods first, at once: with no kubelet, a graceful delete would keep the namespace forever.
      await send(api, deadline, "DELETE", `${ns}/pods?gracePeriodSeconds=0`);
      return ok(await send(api, deadline, "DELETE", ns), `delete namespace ${op.namespace}`, true);
    }
    case "setNamespaceAnnotations":
      return await mergeAnnotations(api, deadline, ns, op.annotations);
    case "createService":
      return ok(
        await send(api, deadline, "PATCH", `${ns}/services/${op.service}?${MANAGER}`, {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: op.service, namespace: op.namespace, annotations: op.annotations },
          spec: {
            ...(op.cluster === "a" ? { selector: { app: op.service } } : {}),
            ports: servicePorts(op.ports),
          },
        }, APPLY),
        `create Service ${op.namespace}/${op.service}`,
      );
    case "deleteService": {
      const outcome = ok(
        await send(api, deadline, "DELETE", `${ns}/services/${op.service}`),
        `delete Service ${op.namespace}/${op.service}`,
        true,
      );
      if (op.cluster === "b") {
        await send(
          api,
          deadline,
          "DELETE",
          `/apis/discovery.k8s.io/v1/namespaces/${op.namespace}/endpointslices/${op.service}-chaos`,
        );
      }
      return outcome;
    }
    case "setServiceAnnotations":
      return await mergeAnnotations(api, deadline, `${ns}/services/${op.service}`, op.annotations);
    case "createPod": {
      const created = ok(
        await send(api, deadline, "PATCH", `${ns}/pods/${op.pod.name}?${MANAGER}`, {
          apiVersion: "v1",
          kind: "Pod",
          metadata: {
            name: op.pod.name,
            namespace: op.namespace,
            labels: { app: op.service, ...op.pod.labels },
          },
          spec: {
            nodeName: NODE_NAME,
            containers: [{
              name: "app",
              image: "registry.invalid/app:1",
              ports: [{ containerPort: 8080, name: "http" }],
            }],
          },
        }, APPLY),
        `create Pod ${op.namespace}/${op.pod.name}`,
      );
      if (!created.done) return created;
      return await setPodStatus(api, deadline, op.namespace, op.pod.name, op.pod.ip, op.pod.ready);
    }
    case "deletePod":
      return ok(
        await send(api, deadline, "DELETE", `${ns}/pods/${op.pod}?gracePeriodSeconds=0`),
        `delete Pod ${op.namespace}/${op.pod}`,
        true,
      );
    case "setPodReady":
      return await setPodStatus(api, deadline, op.namespace, op.pod, op.ip, op.ready);
    case "setEndpoints":
      return ok(
        await send(
          api,
          deadline,
          "PATCH",
          `/apis/discovery.k8s.io/v1/namespaces/${op.namespace}/endpointslices/${op.service}-chaos?${MANAGER}`,
          {
            apiVersion: "discovery.k8s.io/v1",
            kind: "EndpointSlice",
            metadata: {
              name: `${op.service}-chaos`,
              namespace: op.namespace,
              labels: {
                "kubernetes.io/service-name": op.service,
                "endpointslice.kubernetes.io/managed-by": "chaos-harness",
              },
            },
            addressType: "IPv4",
            endpoints: op.endpoints.map((e) => ({
              addresses: [e.ip],
              conditions: { ready: e.ready, serving: e.ready, terminating: false },
            })),
            ports: servicePorts(op.ports).map(({ name, targetPort, protocol }) => ({
              name,
              port: targetPort,
              protocol,
            })),
          },
          APPLY,
        ),
        `slice of ${op.namespace}/${op.service}`,
      );
  }
}
