/**
 * The Kubernetes objects a manifest folder may hold, reduced to the fields the manifest source
 * reads. Services and Pods keep a little more than `domain/kubernetes.ts` (selector, ports,
 * readiness) because the source derives endpoints from them as kube-controller-manager would.
 *
 * @module
 */

import type {
  EndpointGroup,
  NamespaceInfo,
  PortProtocol,
  ServiceInfo,
} from "../../domain/kubernetes.ts";

/** One port of a Service: `targetPort` is a number or the name of a container port. */
export interface ManifestServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number | string;
  readonly protocol: PortProtocol;
}

/** A Service with what endpoint derivation needs besides its `ServiceInfo`. */
export interface ManifestService {
  readonly info: ServiceInfo;
  /** `spec.selector`; undefined when absent or empty (the Service then has no derived endpoints). */
  readonly selector: Readonly<Record<string, string>> | undefined;
  readonly ports: readonly ManifestServicePort[];
  /** `spec.publishNotReadyAddresses`: every matching Pod counts as ready. */
  readonly publishNotReadyAddresses: boolean;
}

/** A named port of a Pod's container, the target of a named `targetPort`. */
export interface ManifestContainerPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: PortProtocol;
}

/** A Pod reduced to labels, address, readiness and container ports. */
export interface ManifestPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `status.podIP`; a Pod without one has no endpoint yet. */
  readonly podIP: string | undefined;
  /** The `Ready` condition is `"True"`. */
  readonly ready: boolean;
  /** `metadata.deletionTimestamp` is set. */
  readonly terminating: boolean;
  /** `status.phase` is `Succeeded` or `Failed`: such Pods are never endpoints. */
  readonly terminal: boolean;
  readonly containerPorts: readonly ManifestContainerPort[];
}

/** Endpoints written out explicitly in a file: one EndpointSlice or one core/v1 Endpoints. */
export interface ManifestEndpoints {
  readonly kind: "EndpointSlice" | "Endpoints";
  /** The object's own name (for an Endpoints object, also the Service's name). */
  readonly name: string;
  readonly namespace: string;
  /** The Service the endpoints belong to. */
  readonly service: string;
  readonly groups: readonly EndpointGroup[];
}

/** Everything one manifest file declares, in file order. */
export interface ManifestFile {
  readonly namespaces: readonly NamespaceInfo[];
  readonly services: readonly ManifestService[];
  readonly pods: readonly ManifestPod[];
  readonly endpoints: readonly ManifestEndpoints[];
  /** Notes about objects that were skipped on purpose (unknown kinds, unowned slices). */
  readonly skipped: readonly string[];
}

/** A file that declares nothing, the state of a file that was never read successfully. */
export const EMPTY_MANIFEST_FILE: ManifestFile = Object.freeze({
  namespaces: [],
  services: [],
  pods: [],
  endpoints: [],
  skipped: [],
});
