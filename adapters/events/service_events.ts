/**
 * Decides which Kubernetes Events a reconcile report calls for, and in which clusters: pure, so
 * the rules are tested without an API server. The report is read structurally (the fields of
 * `actors/reconcile_report.ts`' `ReconcileReport`), so `adapters/` does not import `actors/`.
 *
 * @module
 */

import type { EventReason } from "./event_recorder.ts";

/** The parts of a reconcile report that Events are made from. */
export interface ReportForEvents {
  /** `namespace/service`. */
  readonly key: string;
  readonly clusters: readonly {
    readonly clusterName: string;
    /** `synced`, `off`, `held` (bad input) or `absent` (no such Service there). */
    readonly status: string;
    readonly reason: string;
  }[];
  readonly problems: readonly { readonly fatal: boolean; readonly message: string }[];
  readonly conflicts: readonly string[];
}

/** One Event to write: on the Service `namespace/name` of cluster `clusterName`. */
export interface PlannedEvent {
  readonly clusterName: string;
  readonly namespace: string;
  readonly name: string;
  readonly reason: EventReason;
  readonly message: string;
}

/**
 * Returns the Events for one report (SPEC §2: invalid input and conflicts are reported as Events
 * on the object). A fatal problem goes to the clusters that hold the Service because of it (their
 * `reason` carries the message); a problem no cluster claims, a non-fatal problem and a conflict
 * go to every cluster where the Service exists and takes part in the sync. A cluster where the
 * Service is absent or switched off gets nothing. `failure` (a write Polaris refused for good)
 * becomes a `SyncFailed` Event the same way.
 *
 * @example
 * ```ts
 * import { serviceEvents } from "./service_events.ts";
 * const events = serviceEvents({
 *   key: "shop/cart",
 *   clusters: [
 *     { clusterName: "a", status: "held", reason: 'invalid polarismesh.cn/sync "yes"' },
 *     { clusterName: "b", status: "absent", reason: "no such Service" },
 *   ],
 *   problems: [{ fatal: true, message: 'invalid polarismesh.cn/sync "yes"' }],
 *   conflicts: [],
 * });
 * if (events.length !== 1 || events[0].clusterName !== "a") throw new Error("wrong targets");
 * ```
 */
export function serviceEvents(report: ReportForEvents, failure?: string): PlannedEvent[] {
  const slash = report.key.indexOf("/");
  const namespace = report.key.slice(0, slash);
  const name = report.key.slice(slash + 1);
  const taking = report.clusters.filter((c) => c.status === "synced" || c.status === "held");
  const planned: PlannedEvent[] = [];
  const seen = new Set<string>();
  const add = (clusterName: string, reason: EventReason, message: string) => {
    const id = `${clusterName}\u0000${reason}\u0000${message}`;
    if (seen.has(id)) return;
    seen.add(id);
    planned.push({ clusterName, namespace, name, reason, message });
  };
  for (const problem of report.problems) {
    const claimed = problem.fatal
      ? taking.filter((c) => c.status === "held" && c.reason.includes(problem.message))
      : [];
    for (const cluster of claimed.length > 0 ? claimed : taking) {
      add(cluster.clusterName, "SyncInvalid", problem.message);
    }
  }
  for (const conflict of report.conflicts) {
    for (const cluster of taking) add(cluster.clusterName, "SyncConflict", conflict);
  }
  if (failure !== undefined) {
    for (const cluster of taking) add(cluster.clusterName, "SyncFailed", failure);
  }
  return planned;
}
