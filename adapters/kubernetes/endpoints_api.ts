/**
 * Chooses which endpoint API the cluster source watches, by API discovery (sync-rules §2.6:
 * EndpointSlices `discovery.k8s.io/v1`; `v1beta1` where only that is served; core/v1 Endpoints as
 * the last fallback, or when configured).
 *
 * @module
 */

import { KubeApiError, type KubeTransport } from "./kube_client.ts";

/** The configured preference: discover, insist on EndpointSlices, or use Endpoints. */
export type EndpointsApiPreference = "auto" | "endpointslices" | "endpoints";

/** The endpoint API chosen for a cluster, with the collection path to list and watch. */
export type EndpointsApi =
  | { readonly kind: "endpointslices"; readonly version: "v1" | "v1beta1"; readonly path: string }
  | { readonly kind: "endpoints"; readonly path: string };

/** Versions of `discovery.k8s.io` this source can read, most preferred first. */
const SLICE_VERSIONS = ["v1", "v1beta1"] as const;

/**
 * Asks the API server which `discovery.k8s.io` versions it serves and picks the endpoint API.
 * Throws when `preference` is `endpointslices` and neither version is served, or when discovery
 * itself fails (the caller retries).
 */
export async function chooseEndpointsApi(
  transport: KubeTransport,
  preference: EndpointsApiPreference,
  signal?: AbortSignal,
): Promise<EndpointsApi> {
  const endpoints: EndpointsApi = { kind: "endpoints", path: "/api/v1/endpoints" };
  if (preference === "endpoints") return endpoints;
  let served: string[] = [];
  try {
    const group = await transport.getJson("/apis/discovery.k8s.io", {}, { signal });
    const versions = (group.versions as { version?: string }[] | undefined) ?? [];
    served = versions.map((entry) => entry.version ?? "");
  } catch (error) {
    if (!(error instanceof KubeApiError && error.status === 404)) throw error;
  }
  for (const version of SLICE_VERSIONS) {
    if (served.includes(version)) {
      return {
        kind: "endpointslices",
        version,
        path: `/apis/discovery.k8s.io/${version}/endpointslices`,
      };
    }
  }
  if (preference === "endpointslices") {
    throw new Error(
      `Cannot watch EndpointSlices: the API server serves neither discovery.k8s.io/v1 nor v1beta1 (it serves "${
        served.join(", ")
      }")`,
    );
  }
  return endpoints;
}
