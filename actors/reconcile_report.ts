/**
 * What a reconcile leaves behind: its report for the debug endpoint, Events and logs (the plan
 * reduced to keys and counts), its result, and the error that asks the machine to retry.
 *
 * @module
 */

import type { Problem } from "../domain/problems.ts";
import type { ClusterIntent } from "../domain/service_intent.ts";
import type { WritePlan } from "../domain/write_plan.ts";
import type { ReconcileOutcome, ReconcileSummary } from "../machines/service_machine.ts";

/** What a reconcile leaves behind for the debug endpoint and for Events. */
export interface ReconcileReport {
  readonly key: string;
  readonly clusters: readonly ClusterIntent[];
  readonly problems: readonly Problem[];
  readonly plan: PlanSummary;
  readonly alias: string | null;
  readonly conflicts: readonly string[];
  readonly summary: ReconcileSummary;
}

/** A plan reduced to counts and keys, small enough to keep per service. */
export interface PlanSummary {
  readonly creates: readonly string[];
  readonly updates: readonly string[];
  readonly deletes: readonly string[];
  readonly skipped: readonly string[];
  /**
   * Instances this controller deleted that Polaris still lists (`domain/phantoms.ts`): left out
   * of the plan. Absent when there are none.
   */
  readonly phantoms?: readonly string[];
  /** Phantoms purged by this reconcile (created and deleted again). Absent when none. */
  readonly purged?: readonly string[];
  /** Alias writes (`namespace/alias`): a create, a move (repoint) and deletes. Absent when none. */
  readonly aliases?: {
    readonly create?: string;
    readonly move?: string;
    readonly deletes: readonly string[];
  };
  /** Polaris namespaces the plan needs to exist (created when this process has not seen them). */
  readonly ensureNamespaces?: readonly string[];
}

/** A reconcile failed in a way worth retrying; the machine backs off. */
export class RetryableReconcileError extends Error {
  override name = "RetryableReconcileError";
  /** What the reconcile found and did before it failed, when it got that far. */
  readonly report?: ReconcileReport;

  constructor(message: string, options: ErrorOptions & { report?: ReconcileReport } = {}) {
    super(message, options);
    if (options.report) this.report = options.report;
  }
}

/** What one reconcile comes to: the outcome for the service machine, and its report. */
export interface ReconcileResult {
  readonly outcome: ReconcileOutcome;
  readonly report: ReconcileReport;
}

/** The plan reduced to keys, small enough to keep per service. */
export function summarizePlan(writePlan: WritePlan): PlanSummary {
  const plan = writePlan.instances;
  const k = (x: { host: string; port: number }) => `${x.host}:${x.port}`;
  const a = (x: { alias: string; aliasNamespace: string }) => `${x.aliasNamespace}/${x.alias}`;
  const { aliases, phantoms, purge } = writePlan;
  return {
    creates: plan.creates.map(k),
    updates: plan.updates.map((u) => `${k(u.desired)} (${u.changed.join(",")})`),
    deletes: plan.deletes.map(k),
    skipped: plan.skipped.map((s) => s.key),
    ...(phantoms.length > 0 ? { phantoms: phantoms.map(k) } : {}),
    ...(purge.length > 0 ? { purged: purge.map(k) } : {}),
    ...(aliases.create || aliases.repoint || aliases.deletes.length > 0
      ? {
        aliases: {
          ...(aliases.create ? { create: a(aliases.create) } : {}),
          ...(aliases.repoint ? { move: a(aliases.repoint) } : {}),
          deletes: aliases.deletes.map(a),
        },
      }
      : {}),
    ...(writePlan.namespaces.length > 0 ? { ensureNamespaces: writePlan.namespaces } : {}),
  };
}
