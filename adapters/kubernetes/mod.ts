/**
 * The Kubernetes cluster source: list+watch of Namespaces, Services, EndpointSlices (or Endpoints)
 * and Pod labels from a real API server, as a `ClusterSource` (domain/cluster.ts).
 *
 * @module
 */

export { createKubernetesSource, type KubernetesSourceOptions } from "./kubernetes_source.ts";
export type { EndpointsApi, EndpointsApiPreference } from "./endpoints_api.ts";
export { endpointGroupsFromEndpoints, endpointGroupsFromSlice } from "./endpoint_groups.ts";
