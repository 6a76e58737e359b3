/**
 * Why each cluster does or does not sync one Service, as the operator sees it: the answer of
 * `shouldSync` per cluster that has the Service, with a code to filter on. The debug endpoint
 * shows it for every Service the sources know, synced or not (docs/operating.md), so a Service that is not
 * synced is never just missing.
 *
 * @module
 */

import type { ClusterView } from "./cluster.ts";
import { type NotSyncedReason, shouldSync, type SyncPolicy } from "./should_sync.ts";

/** `synced` when the cluster syncs the Service, else the code of why not. */
export type SyncReasonCode = "synced" | NotSyncedReason["code"];

/** Every {@linkcode SyncReasonCode}, in the order a filter offers them. */
export const SYNC_REASON_CODES: readonly SyncReasonCode[] = [
  "synced",
  "invalid-annotation",
  "service-annotation-false",
  "namespace-annotation-false",
  "demand-not-enabled",
  "ignored-namespace",
  "external-name",
  "filtered",
];

/** How one cluster decides on one Service. */
export interface ClusterSyncReason {
  readonly clusterName: string;
  readonly code: SyncReasonCode;
  /** `shouldSync`'s reason (or, when synced, why), unchanged. */
  readonly message: string;
}

/**
 * Returns, for each cluster that has the Service (in the order of the views), whether and why it
 * is synced. Empty when no cluster knows the Service.
 *
 * @example
 * ```ts
 * import { syncReasons } from "./sync_reasons.ts";
 * const cdn = { namespace: "shop", name: "cdn", type: "ExternalName", annotations: {} };
 * const [reason] = syncReasons({
 *   policy: { mode: "all", ignoredNamespaces: [] },
 *   views: [{
 *     clusterName: "a", namespace: () => undefined, service: () => cdn, services: () => [cdn],
 *     servicesInNamespace: () => [cdn], endpoints: () => [], podLabels: () => undefined,
 *   }],
 * }, "shop", "cdn");
 * if (reason.code !== "external-name") throw new Error("unexpected");
 * ```
 */
export function syncReasons(
  deps: { readonly views: readonly ClusterView[]; readonly policy: SyncPolicy },
  namespace: string,
  name: string,
): ClusterSyncReason[] {
  const reasons: ClusterSyncReason[] = [];
  for (const view of deps.views) {
    const service = view.service(namespace, name);
    if (!service) continue;
    const decision = shouldSync(deps.policy, view.namespace(namespace), service);
    reasons.push(
      decision.sync
        ? { clusterName: view.clusterName, code: "synced", message: decision.because }
        : {
          clusterName: view.clusterName,
          code: decision.reason.code,
          message: decision.reason.message,
        },
    );
  }
  return reasons;
}

/**
 * True when no cluster syncs the Service nor holds it on a bad `polarismesh.cn/sync` value: no
 * service actor is wanted for it (the same answer as `serviceWanted`).
 */
export function noneSyncs(reasons: readonly ClusterSyncReason[]): boolean {
  return reasons.every((r) => r.code !== "synced" && r.code !== "invalid-annotation");
}
