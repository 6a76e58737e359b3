/**
 * Normalizes the three endpoint APIs Kubernetes has served into `EndpointGroup`s: EndpointSlices
 * `discovery.k8s.io/v1` (1.21+), `discovery.k8s.io/v1beta1` (1.17–1.24) and core/v1 `Endpoints`.
 *
 * The functions read plain JSON as the API server sends it (not client-node model classes: there
 * is no v1beta1 EndpointSlice model in client-node 2), so every field is optional here and
 * missing fields get the defaults the Kubernetes API documents.
 *
 * @module
 */

import type {
  EndpointAddress,
  EndpointGroup,
  EndpointPort,
  PortProtocol,
} from "../../domain/kubernetes.ts";

/** An object reference as endpoints carry it (`targetRef`). */
export interface RawObjectReference {
  readonly kind?: string | null;
  readonly name?: string | null;
  readonly namespace?: string | null;
}

/** A port as EndpointSlices and Endpoints subsets carry it. */
export interface RawEndpointPort {
  readonly name?: string | null;
  readonly port?: number | null;
  readonly protocol?: string | null;
}

/** One endpoint of an EndpointSlice, v1 or v1beta1 (v1beta1 has `topology` instead of `zone`). */
export interface RawSliceEndpoint {
  readonly addresses?: readonly string[] | null;
  readonly conditions?: {
    readonly ready?: boolean | null;
    readonly serving?: boolean | null;
    readonly terminating?: boolean | null;
  } | null;
  readonly targetRef?: RawObjectReference | null;
}

/** An EndpointSlice as served by `discovery.k8s.io/v1` or `v1beta1`. */
export interface RawEndpointSlice {
  readonly addressType?: string | null;
  readonly endpoints?: readonly RawSliceEndpoint[] | null;
  readonly ports?: readonly RawEndpointPort[] | null;
}

/** One address of a core/v1 Endpoints subset. */
export interface RawEndpointAddress {
  readonly ip?: string | null;
  readonly targetRef?: RawObjectReference | null;
}

/** A core/v1 Endpoints object (only `subsets` matters here). */
export interface RawEndpoints {
  readonly subsets?:
    | readonly {
      readonly addresses?: readonly RawEndpointAddress[] | null;
      readonly notReadyAddresses?: readonly RawEndpointAddress[] | null;
      readonly ports?: readonly RawEndpointPort[] | null;
    }[]
    | null;
}

/**
 * Returns the endpoint groups of one EndpointSlice (v1 or v1beta1): one group, or none when the
 * slice holds no IP addresses (`addressType: FQDN`) or no usable port.
 *
 * Conditions follow the API documentation: a missing `ready` means ready, a missing `terminating`
 * means not terminating. Only the first address of an endpoint is used, as kube-proxy does (the
 * API says the addresses of one endpoint are fungible). A port whose number is null means "all
 * ports" and cannot become a Polaris instance, so it is dropped.
 */
export function endpointGroupsFromSlice(slice: RawEndpointSlice): EndpointGroup[] {
  const addressType = slice.addressType ?? "IPv4";
  if (addressType !== "IPv4" && addressType !== "IPv6") return [];
  const ports = convertPorts(slice.ports);
  const addresses: EndpointAddress[] = [];
  for (const endpoint of slice.endpoints ?? []) {
    const address = endpoint.addresses?.[0];
    if (!address) continue;
    const conditions = endpoint.conditions ?? {};
    addresses.push(withPod({
      address,
      ready: conditions.ready ?? true,
      terminating: conditions.terminating ?? false,
    }, endpoint.targetRef));
  }
  if (ports.length === 0 || addresses.length === 0) return [];
  return [{ addresses, ports }];
}

/**
 * Returns the endpoint groups of a core/v1 Endpoints object: one group per subset, with
 * `addresses` as ready and `notReadyAddresses` as not ready (Endpoints cannot say "terminating").
 */
export function endpointGroupsFromEndpoints(endpoints: RawEndpoints): EndpointGroup[] {
  const groups: EndpointGroup[] = [];
  for (const subset of endpoints.subsets ?? []) {
    const ports = convertPorts(subset.ports);
    const addresses: EndpointAddress[] = [];
    for (
      const [list, ready] of [[subset.addresses, true], [subset.notReadyAddresses, false]] as const
    ) {
      for (const entry of list ?? []) {
        if (!entry.ip) continue;
        addresses.push(withPod({ address: entry.ip, ready, terminating: false }, entry.targetRef));
      }
    }
    if (ports.length > 0 && addresses.length > 0) groups.push({ addresses, ports });
  }
  return groups;
}

/** Names of the Pods that a list of endpoint groups references, without repeats. */
export function podNamesOf(groups: readonly EndpointGroup[]): Set<string> {
  const names = new Set<string>();
  for (const group of groups) {
    for (const address of group.addresses) if (address.podName) names.add(address.podName);
  }
  return names;
}

function withPod(
  address: { address: string; ready: boolean; terminating: boolean },
  ref: RawObjectReference | null | undefined,
): EndpointAddress {
  return ref?.kind === "Pod" && ref.name ? { ...address, podName: ref.name } : address;
}

function convertPorts(ports: readonly RawEndpointPort[] | null | undefined): EndpointPort[] {
  const result: EndpointPort[] = [];
  for (const port of ports ?? []) {
    if (typeof port.port !== "number") continue;
    result.push({ name: port.name ?? "", port: port.port, protocol: toProtocol(port.protocol) });
  }
  return result;
}

function toProtocol(protocol: string | null | undefined): PortProtocol {
  return protocol === "UDP" || protocol === "SCTP" ? protocol : "TCP";
}
