/**
 * Counts the ready addresses per Service in a list of core/v1 Endpoints or of EndpointSlices
 * (`discovery.k8s.io` v1 or v1beta1), as the API server returns them, and compares them with what
 * the scenario expects. The benchmark starts the controller only once kube-controller-manager has
 * published every address, so the figures measure the controller and not the cluster catching up.
 *
 * @module
 */

/** The fields of a core/v1 Endpoints list that are read here. */
export interface EndpointsList {
  readonly items?: readonly {
    readonly metadata?: { readonly namespace?: string; readonly name?: string };
    readonly subsets?: readonly { readonly addresses?: readonly { readonly ip?: string }[] }[];
  }[];
}

/** The fields of an EndpointSlice list that are read here. */
export interface EndpointSliceList {
  readonly items?: readonly {
    readonly metadata?: {
      readonly namespace?: string;
      readonly labels?: Readonly<Record<string, string>>;
    };
    readonly endpoints?: readonly {
      readonly addresses?: readonly string[];
      readonly conditions?: { readonly ready?: boolean };
    }[];
  }[];
}

/** Ready addresses per `namespace/name`. */
export type ReadyCounts = ReadonlyMap<string, number>;

/** Returns the ready addresses per Service of an Endpoints list. */
export function readyFromEndpoints(list: EndpointsList): ReadyCounts {
  const out = new Map<string, number>();
  for (const item of list.items ?? []) {
    const key = `${item.metadata?.namespace}/${item.metadata?.name}`;
    const ips = new Set(
      (item.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip ?? "")),
    );
    out.set(key, ips.size);
  }
  return out;
}

/**
 * Returns the ready addresses per Service of an EndpointSlice list (label
 * `kubernetes.io/service-name`; an endpoint without `ready: false` counts as ready, as the API
 * documents; an address in two slices counts once).
 */
export function readyFromSlices(list: EndpointSliceList): ReadyCounts {
  const sets = new Map<string, Set<string>>();
  for (const item of list.items ?? []) {
    const service = item.metadata?.labels?.["kubernetes.io/service-name"];
    if (!service) continue;
    const key = `${item.metadata?.namespace}/${service}`;
    const set = sets.get(key) ?? new Set<string>();
    sets.set(key, set);
    for (const endpoint of item.endpoints ?? []) {
      if (endpoint.conditions?.ready === false) continue;
      for (const address of endpoint.addresses ?? []) set.add(address);
    }
  }
  return new Map([...sets].map(([key, set]) => [key, set.size]));
}

/**
 * Returns the Services whose ready count differs from `expected` (a missing Service counts 0),
 * sorted.
 *
 * @example
 * ```ts
 * import { incompleteServices } from "./endpoint_counts.ts";
 * const expected = new Map([["a/x", 3], ["a/y", 3]]);
 * const seen = new Map([["a/x", 3], ["a/y", 2]]);
 * if (incompleteServices(expected, seen).join() !== "a/y") throw new Error("incomplete");
 * ```
 */
export function incompleteServices(expected: ReadyCounts, seen: ReadyCounts): string[] {
  const out: string[] = [];
  for (const [key, count] of expected) if ((seen.get(key) ?? 0) !== count) out.push(key);
  return out.sort();
}
