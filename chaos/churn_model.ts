/**
 * The harness's own picture of the Kubernetes objects it created, per cluster, and the churn
 * operations that change them. The schedule generator keeps this model to emit only operations
 * that make sense at that point (a Pod of an existing Service, a flip of an existing annotation),
 * so a whole run is decided up front from the seed. The model is never used to judge the
 * controller: the expectation is read back from the Kubernetes API (`expectation.ts`).
 *
 * @module
 */

/** Cluster `a` runs kube-controller-manager (Pods → EndpointSlices); `b` has hand-written slices. */
export type ClusterId = "a" | "b";

/** One Service port: `targetPort` is what an instance registers. */
export interface PortSpec {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: "TCP" | "UDP";
}

/** A Pod behind a Service (cluster a) or an endpoint of a hand-written slice (cluster b). */
export interface EndpointSpec {
  readonly name: string;
  readonly ip: string;
  readonly ready: boolean;
  /** The Pod's labels besides `app` (cluster a only). */
  readonly labels: Readonly<Record<string, string>>;
}

/** A change the harness makes to a cluster. */
export type ChurnOp =
  | {
    readonly op: "createNamespace";
    readonly cluster: ClusterId;
    readonly namespace: string;
    readonly annotations: Readonly<Record<string, string>>;
  }
  | { readonly op: "deleteNamespace"; readonly cluster: ClusterId; readonly namespace: string }
  | {
    readonly op: "setNamespaceAnnotations";
    readonly cluster: ClusterId;
    readonly namespace: string;
    readonly annotations: Readonly<Record<string, string>>;
  }
  | {
    readonly op: "createService";
    readonly cluster: ClusterId;
    readonly namespace: string;
    readonly service: string;
    readonly ports: readonly PortSpec[];
    readonly annotations: Readonly<Record<string, string>>;
  }
  | {
    readonly op: "deleteService";
    readonly cluster: ClusterId;
    readonly namespace: string;
    readonly service: string;
  }
  | {
    readonly op: "setServiceAnnotations";
    readonly cluster: ClusterId;
    readonly namespace: string;
    readonly service: string;
    readonly annotations: Readonly<Record<string, string>>;
  }
  | {
    readonly op: "createPod";
    readonly cluster: "a";
    readonly namespace: string;
    readonly service: string;
    readonly pod: EndpointSpec;
  }
  | {
    readonly op: "deletePod";
    readonly cluster: "a";
    readonly namespace: string;
    readonly service: string;
    readonly pod: string;
  }
  | {
    readonly op: "setPodReady";
    readonly cluster: "a";
    readonly namespace: string;
    readonly service: string;
    readonly pod: string;
    readonly ip: string;
    readonly ready: boolean;
  }
  | {
    readonly op: "setEndpoints";
    readonly cluster: "b";
    readonly namespace: string;
    readonly service: string;
    readonly ports: readonly PortSpec[];
    readonly endpoints: readonly EndpointSpec[];
  };

/** A Service as the model holds it. */
export interface ModelService {
  readonly ports: readonly PortSpec[];
  annotations: Readonly<Record<string, string>>;
  readonly endpoints: Map<string, EndpointSpec>;
}

/** A Namespace as the model holds it. */
export interface ModelNamespace {
  annotations: Readonly<Record<string, string>>;
  readonly services: Map<string, ModelService>;
}

/** Both clusters as the model holds them: namespace name → namespace. */
export type ChurnModel = Record<ClusterId, Map<string, ModelNamespace>>;

/** Returns an empty model. */
export function emptyModel(): ChurnModel {
  return { a: new Map(), b: new Map() };
}

/**
 * Applies one operation to the model (in place). Throws a RangeError for an operation that does
 * not fit the model, so a generator bug shows at generation time, not as a confusing run.
 */
export function applyOp(model: ChurnModel, op: ChurnOp): void {
  const namespaces = model[op.cluster];
  const namespace = () => {
    const found = namespaces.get(op.namespace);
    if (!found) throw new RangeError(`Cannot apply ${op.op}: no namespace "${op.namespace}"`);
    return found;
  };
  const service = (name: string) => {
    const found = namespace().services.get(name);
    if (!found) throw new RangeError(`Cannot apply ${op.op}: no Service "${op.namespace}/${name}"`);
    return found;
  };
  switch (op.op) {
    case "createNamespace":
      if (namespaces.has(op.namespace)) {
        throw new RangeError(`Cannot create namespace "${op.namespace}": it exists`);
      }
      namespaces.set(op.namespace, { annotations: op.annotations, services: new Map() });
      return;
    case "deleteNamespace":
      namespace();
      namespaces.delete(op.namespace);
      return;
    case "setNamespaceAnnotations":
      namespace().annotations = op.annotations;
      return;
    case "createService":
      if (namespace().services.has(op.service)) {
        throw new RangeError(`Cannot create Service "${op.namespace}/${op.service}": it exists`);
      }
      namespace().services.set(op.service, {
        ports: op.ports,
        annotations: op.annotations,
        endpoints: new Map(),
      });
      return;
    case "deleteService":
      service(op.service);
      namespace().services.delete(op.service);
      return;
    case "setServiceAnnotations":
      service(op.service).annotations = op.annotations;
      return;
    case "createPod":
      service(op.service).endpoints.set(op.pod.name, op.pod);
      return;
    case "deletePod":
      if (!service(op.service).endpoints.delete(op.pod)) {
        throw new RangeError(`Cannot delete Pod "${op.namespace}/${op.pod}": no such Pod`);
      }
      return;
    case "setPodReady": {
      const endpoints = service(op.service).endpoints;
      const pod = endpoints.get(op.pod);
      if (!pod) throw new RangeError(`Cannot set readiness of "${op.namespace}/${op.pod}"`);
      endpoints.set(op.pod, { ...pod, ready: op.ready });
      return;
    }
    case "setEndpoints": {
      const endpoints = service(op.service).endpoints;
      endpoints.clear();
      for (const endpoint of op.endpoints) endpoints.set(endpoint.name, endpoint);
      return;
    }
  }
}

/** Every `namespace/service` of one cluster of the model. */
export function serviceKeys(model: ChurnModel, cluster: ClusterId): string[] {
  return [...model[cluster]].flatMap(([ns, namespace]) =>
    [...namespace.services.keys()].map((name) => `${ns}/${name}`)
  );
}
