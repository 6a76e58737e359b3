/**
 * The rule "which kinds of write may this controller make" (sync-rules §3.9): `--policy` with
 * external-dns' meaning. `sync` creates, updates and deletes; `upsert-only` never deletes;
 * `create-only` only creates. What a policy forbids is kept in the plan as a skip with the policy
 * named, so `--dry-run`, `/debug` and the logs show what a full sync would still do.
 *
 * @module
 */

import type { AliasPlan } from "./plan_alias.ts";
import { instanceKey } from "./keys.ts";
import { byEntryKey, type PlannedSkip, type ServicePlan } from "./plan.ts";

/** The write policies of `--policy` / `serviceSync.policy`. */
export const WRITE_POLICIES = ["sync", "upsert-only", "create-only"] as const;

/** One write policy. */
export type WritePolicy = typeof WRITE_POLICIES[number];

/** True when `policy` lets the controller update what it owns. */
export function mayUpdate(policy: WritePolicy): boolean {
  return policy !== "create-only";
}

/** True when `policy` lets the controller delete what it owns. */
export function mayDelete(policy: WritePolicy): boolean {
  return policy === "sync";
}

/**
 * Takes out of an instance plan the writes `policy` forbids, each turned into a skip that names
 * the policy. Creates are always allowed; conflicts stay as they are.
 *
 * @example
 * ```ts
 * import { applyWritePolicy } from "./write_policy.ts";
 * const plan = { creates: [], updates: [], conflicts: [], skipped: [], deletes: [] };
 * if (applyWritePolicy(plan, "upsert-only") === plan) {} // nothing to take out
 * ```
 */
export function applyWritePolicy(plan: ServicePlan, policy: WritePolicy): ServicePlan {
  if (policy === "sync") return plan;
  const skipped: PlannedSkip[] = [...plan.skipped];
  const updates = mayUpdate(policy) ? plan.updates : [];
  for (const u of mayUpdate(policy) ? [] : plan.updates) {
    skipped.push({
      key: instanceKey(u.desired.host, u.desired.port),
      reason: `update of ${u.changed.join(", ")} not made: --policy ${policy}`,
    });
  }
  for (const d of plan.deletes) {
    skipped.push({
      key: instanceKey(d.host, d.port),
      reason: `delete not made: --policy ${policy}`,
    });
  }
  skipped.sort(byEntryKey);
  return { ...plan, updates, deletes: [], skipped };
}

/**
 * Takes out of an alias plan what `policy` forbids: deletes unless `sync`, a repoint (an update of
 * the alias) under `create-only`.
 */
export function applyAliasPolicy(plan: AliasPlan, policy: WritePolicy): AliasPlan {
  if (policy === "sync") return plan;
  const { repoint, ...rest } = plan;
  return { ...rest, ...(repoint && mayUpdate(policy) ? { repoint } : {}), deletes: [] };
}
