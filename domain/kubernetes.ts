/**
 * The Kubernetes objects the sync needs, reduced to the fields it reads.
 *
 * Sources (the real cluster source, the manifest-folder source of `deno task dev`, the benchmark
 * generator) all produce these shapes, so the rules in `domain/` never see a full API object and a
 * cache holds only what matters (issue #4: no full Pod objects in memory).
 *
 * @module
 */

/** A Kubernetes Namespace: its name and annotations. */
export interface NamespaceInfo {
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A Kubernetes Service: identity, type, annotations and labels (the sync rules read nothing else). */
export interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  /** `spec.type`: `ClusterIP`, `NodePort`, `LoadBalancer` or `ExternalName`. */
  readonly type: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** `metadata.labels`, for `serviceSync.labelSelector`; absent counts as none. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Transport protocols a Kubernetes port may carry. */
export type PortProtocol = "TCP" | "UDP" | "SCTP";

/** One port of an endpoint group: the port name (may be empty) and the target port number. */
export interface EndpointPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: PortProtocol;
}

/** One endpoint address, with its conditions as every endpoint API reports them. */
export interface EndpointAddress {
  /** An IPv4 or IPv6 address, as Kubernetes reports it. */
  readonly address: string;
  /** Ready to serve traffic (EndpointSlice `conditions.ready`, or an Endpoints `addresses` entry). */
  readonly ready: boolean;
  /** Being removed (EndpointSlice `conditions.terminating` true). Such endpoints are not synced. */
  readonly terminating: boolean;
  /** The Pod behind the address (`targetRef.kind == "Pod"`), when known. */
  readonly podName?: string;
}

/**
 * A group of addresses that share a port list: one EndpointSlice, or one subset of a core/v1
 * Endpoints object. Every address is served on every port of its group.
 */
export interface EndpointGroup {
  readonly addresses: readonly EndpointAddress[];
  readonly ports: readonly EndpointPort[];
}

/** Labels of the Pods a cluster runs, by Pod name, within one namespace. */
export type PodLabelLookup = (podName: string) => Readonly<Record<string, string>> | undefined;
