/**
 * The write plan of one reconcile, as data: everything one Polaris service needs written, computed
 * from what every cluster wants and what Polaris holds, before anything is sent. The executor
 * (`actors/reconcile.ts` through the writer) sends it; `domain/judge_writes.ts` judges the answers.
 *
 * It brings the pure rules together: instances (`planService`), phantoms (`splitPhantoms`,
 * `phantomsToPurge`) and aliases (`planAlias`), and says which Polaris namespaces and services
 * must exist first.
 *
 * @module
 */

import { type AliasPlan, type AliasPlanInput, planAlias } from "./plan_alias.ts";
import {
  type PhantomSplit,
  phantomsToPurge,
  splitPhantoms,
  type Tombstone,
  tombstoneKey,
} from "./phantoms.ts";
import { planService, type ServicePlan } from "./plan.ts";
import type { DesiredInstance, Owner, RegisteredInstance } from "./polaris.ts";
import { applyAliasPolicy, applyWritePolicy, type WritePolicy } from "./write_policy.ts";

/** What a write plan is computed from. */
export interface WritePlanInput {
  /** The Polaris service. */
  readonly target: { readonly namespace: string; readonly service: string };
  /** What every syncing cluster wants registered. */
  readonly desired: readonly DesiredInstance[];
  /** What Polaris lists for the service (phantoms included). */
  readonly read: readonly RegisteredInstance[];
  readonly owner: Owner;
  /** False until every cluster has listed (sync-rules §3): then nothing is deleted. */
  readonly deletesAllowed: boolean;
  /** The deletes this controller remembers, by `tombstoneKey`. */
  readonly tombstone: (key: string) => Tombstone | undefined;
  /** The alias inputs, read from Polaris; absent when there is no alias work to do. */
  readonly alias?: Omit<AliasPlanInput, "target">;
  /** Which kinds of write are allowed (`--policy`); `sync` when absent. */
  readonly policy?: WritePolicy;
}

/** Everything one reconcile writes. */
export interface WritePlan {
  /** Polaris namespaces that must exist before the writes below (created when missing). */
  readonly namespaces: readonly string[];
  /** Polaris services that must exist (the target, when an instance or an alias is written). */
  readonly services: readonly { readonly namespace: string; readonly name: string }[];
  /** Instance creates, updates and deletes, with the conflicts and skips behind them. */
  readonly instances: ServicePlan;
  /** Instances this controller deleted that Polaris still lists: left out of `instances`. */
  readonly phantoms: PhantomSplit["phantoms"];
  /** Phantoms to purge: created again and deleted at once. */
  readonly purge: readonly RegisteredInstance[];
  /** Alias creates, moves (repoint) and deletes; nothing when there is no alias work. */
  readonly aliases: AliasPlan;
}

/**
 * Computes the write plan of one service.
 *
 * @example
 * ```ts
 * import { planWrites } from "./write_plan.ts";
 * const plan = planWrites({
 *   target: { namespace: "shop", service: "cart" },
 *   desired: [], read: [], deletesAllowed: true, tombstone: () => undefined,
 *   owner: { clusterNames: ["a"], source: "polaris-controller" },
 * });
 * if (plan.services.length !== 0) throw new Error("nothing to write, nothing to create");
 * ```
 */
export function planWrites(input: WritePlanInput): WritePlan {
  const { target } = input;
  const { live, phantoms } = splitPhantoms(input.read, input.tombstone);
  const purge = phantomsToPurge(
    phantoms,
    new Set(input.desired.map((d) => tombstoneKey(d))),
    input.tombstone,
  );
  const policy = input.policy ?? "sync";
  const instances = applyWritePolicy(
    planService({
      desired: input.desired,
      registered: live,
      owner: input.owner,
      deletesAllowed: input.deletesAllowed,
    }),
    policy,
  );
  const aliases: AliasPlan = input.alias
    ? applyAliasPolicy(planAlias({ ...input.alias, target }), policy)
    : { deletes: [] };
  const aliasWrite = aliases.create ?? aliases.repoint;
  const needsService = instances.creates.length > 0 || aliasWrite !== undefined;
  const namespaces = [
    ...(needsService ? [target.namespace] : []),
    ...(aliasWrite && aliasWrite.aliasNamespace !== target.namespace
      ? [aliasWrite.aliasNamespace]
      : []),
  ];
  return {
    namespaces,
    services: needsService ? [{ namespace: target.namespace, name: target.service }] : [],
    instances,
    phantoms,
    purge,
    aliases,
  };
}
