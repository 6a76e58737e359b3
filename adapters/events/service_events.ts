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
    /** The Kubernetes Service (`namespace/name`) when it registers under another name. */
    readonly service?: string;
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
 * Returns the Events for one report (sync-rules §1: invalid input and conflicts are reported as
 * Events on the object). A fatal problem goes to the clusters that hold the Service because of it
 * (their `reason` carries the message); a problem no cluster claims, a non-fatal problem and a
 * conflict go to every cluster where the Service exists and takes part in the sync. A cluster where
 * the Service is absent or switched off gets nothing. `failure` (a write Polaris refused for good)
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
  const taking = report.clusters.filter((c) => c.status === "synced" || c.status === "held");
  const planned: PlannedEvent[] = [];
  const seen = new Set<string>();
  const add = (
    cluster: ReportForEvents["clusters"][number],
    reason: EventReason,
    message: string,
  ) => {
    // On the Kubernetes Service itself, also when it registers under another Polaris name.
    const object = cluster.service ?? report.key;
    const id = `${cluster.clusterName}\u0000${object}\u0000${reason}\u0000${message}`;
    if (seen.has(id)) return;
    seen.add(id);
    const slash = object.indexOf("/");
    planned.push({
      clusterName: cluster.clusterName,
      namespace: object.slice(0, slash),
      name: object.slice(slash + 1),
      reason,
      message,
    });
  };
  for (const problem of report.problems) {
    const claimed = problem.fatal
      ? taking.filter((c) => c.status === "held" && c.reason.includes(problem.message))
      : [];
    for (const cluster of claimed.length > 0 ? claimed : taking) {
      add(cluster, "SyncInvalid", problem.message);
    }
  }
  for (const conflict of report.conflicts) {
    for (const cluster of taking) add(cluster, "SyncConflict", conflict);
  }
  if (failure !== undefined) {
    for (const cluster of taking) add(cluster, "SyncFailed", failure);
  }
  return planned;
}

/** The parts of a reconcile's summary that Normal Events are made from. */
export interface SummaryForEvents {
  /** Instances the clusters want registered. */
  readonly desired: number;
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
}

/**
 * Returns the Normal Events for one applied reconcile, of the reasons `emit` names (none by
 * default, as external-dns' `--events-emit`): `Synced` when the service had none of our
 * instances and now has them (every desired instance was created, none of ours updated or
 * deleted: other clusters' instances do not count, and a controller restart that finds them all in
 * place writes nothing), `InstancesChanged` when a later reconcile created, updated or deleted
 * some. They go to every cluster where the Service takes part in the sync;
 * a reconcile that changed nothing, or a dry run, writes none (the caller does not ask).
 *
 * @example
 * ```ts
 * import { normalEvents } from "./service_events.ts";
 * const events = normalEvents(
 *   { key: "shop/cart", clusters: [{ clusterName: "a", status: "synced", reason: "" }] },
 *   { desired: 2, created: 2, updated: 0, deleted: 0 },
 *   ["Synced"],
 * );
 * if (events.length !== 1 || events[0].reason !== "Synced") throw new Error("wrong events");
 * ```
 */
export function normalEvents(
  report: Pick<ReportForEvents, "key" | "clusters">,
  summary: SummaryForEvents,
  emit: readonly EventReason[],
): PlannedEvent[] {
  const changes = summary.created + summary.updated + summary.deleted;
  if (changes === 0) return [];
  const first = summary.created === summary.desired && summary.updated === 0 &&
    summary.deleted === 0;
  const reason: EventReason = first ? "Synced" : "InstancesChanged";
  if (!emit.includes(reason)) return [];
  const message = first
    ? `Registered ${summary.created} instance${summary.created === 1 ? "" : "s"} in Polaris ` +
      `service "${report.key}"`
    : `Polaris instances of "${report.key}" changed: ${summary.created} created, ` +
      `${summary.updated} updated, ${summary.deleted} deleted; ${summary.desired} now`;
  return report.clusters
    .filter((cluster) => cluster.status === "synced")
    .map((cluster) => {
      // On the Kubernetes Service itself, also when it registers under another Polaris name.
      const object = cluster.service ?? report.key;
      const slash = object.indexOf("/");
      return {
        clusterName: cluster.clusterName,
        namespace: object.slice(0, slash),
        name: object.slice(slash + 1),
        reason,
        message,
      };
    });
}
