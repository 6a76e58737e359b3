/**
 * The Kubernetes objects the expectation is computed from, reduced to the fields SPEC §2 reads,
 * as `kube_snapshot.ts` reads them from a cluster's API.
 *
 * @module
 */

/** A Namespace. */
export interface KubeNamespace {
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** Has a `deletionTimestamp` (its objects are being removed). */
  readonly terminating: boolean;
}

/** A Service. */
export interface KubeService {
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/** One endpoint of an EndpointSlice. */
export interface KubeEndpoint {
  readonly addresses: readonly string[];
  /** `conditions.ready`; absent means unknown, which Kubernetes says to read as ready. */
  readonly ready?: boolean;
  readonly terminating?: boolean;
  /** `targetRef.name` when the target is a Pod. */
  readonly podName?: string;
}

/** An EndpointSlice (discovery.k8s.io/v1). */
export interface KubeSlice {
  readonly namespace: string;
  readonly name: string;
  /** The `kubernetes.io/service-name` label. */
  readonly serviceName: string;
  readonly ports: readonly {
    readonly name: string;
    readonly port: number;
    readonly protocol: string;
  }[];
  readonly endpoints: readonly KubeEndpoint[];
}

/** A Pod (labels only). */
export interface KubePod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The Ready condition is True. */
  readonly ready: boolean;
  readonly ip: string;
}

/** Everything read from one cluster. */
export interface KubeObjects {
  readonly namespaces: readonly KubeNamespace[];
  readonly services: readonly KubeService[];
  readonly slices: readonly KubeSlice[];
  readonly pods: readonly KubePod[];
}

/** One cluster's objects with the clusterName the controllers sync it under. */
export interface ClusterObjectsSnapshot {
  readonly clusterName: string;
  readonly objects: KubeObjects;
}
