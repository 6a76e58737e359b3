/**
 * The pure plan: desired versus registered instances of one Polaris service → the writes that make
 * Polaris right, and nothing else (STYLE: source → pure plan → writer; the writer never
 * re-decides).
 *
 * @module
 */

import { type InstanceKey, instanceKey } from "./keys.ts";
import {
  CLUSTER_NAME_KEY,
  type DesiredInstance,
  HIDDEN_METADATA_KEYS,
  LEGACY_SOURCE_KEY,
  type Owner,
  type RegisteredInstance,
  SOURCE_KEY,
} from "./polaris.ts";

/** An owned instance to change, with the fields that differ (for logs and the debug page). */
export interface PlannedUpdate {
  readonly desired: DesiredInstance;
  readonly registered: RegisteredInstance;
  readonly changed: readonly string[];
}

/** An instance key nobody may write, and why. */
export interface PlannedConflict {
  readonly key: InstanceKey;
  readonly code: "foreign-owner" | "cross-cluster";
  readonly message: string;
}

/** A write the plan holds back, and why. */
export interface PlannedSkip {
  readonly key: InstanceKey;
  readonly reason: string;
}

/** The writes for one Polaris service; every list sorted by instance key. */
export interface ServicePlan {
  readonly creates: readonly DesiredInstance[];
  readonly updates: readonly PlannedUpdate[];
  readonly deletes: readonly RegisteredInstance[];
  readonly conflicts: readonly PlannedConflict[];
  readonly skipped: readonly PlannedSkip[];
}

/** Inputs of {@linkcode planService}. */
export interface PlanInput {
  /** Desired instances of every cluster this process syncs, for this service. */
  readonly desired: readonly DesiredInstance[];
  /** Everything Polaris holds for this service, ours or not (a complete read, never a guess). */
  readonly registered: readonly RegisteredInstance[];
  readonly owner: Owner;
  /**
   * False until every cluster source has finished its first full list (sync-rules §3): until then
   * an absent endpoint may only be one not listed yet, so deletes are held back as `skipped`.
   */
  readonly deletesAllowed: boolean;
}

/**
 * True when the instance carries one of our clusterNames and our source marker, under `source` or
 * under polaris-controller's legacy `platform` (as polaris-controller itself reads them).
 */
export function isOwned(instance: RegisteredInstance, owner: Owner): boolean {
  if (instance.vpcId !== "") return false;
  const cluster = instance.metadata[CLUSTER_NAME_KEY];
  const marked = instance.metadata[SOURCE_KEY] === owner.source ||
    instance.metadata[LEGACY_SOURCE_KEY] === owner.source;
  return marked && cluster !== undefined && owner.clusterNames.includes(cluster);
}

function visibleMetadata(metadata: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(metadata).sort()) {
    if (!HIDDEN_METADATA_KEYS.has(key)) out[key] = metadata[key];
  }
  return out;
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] === a[k]);
}

/**
 * Lists the managed fields in which a registered instance differs from the desired one. Metadata
 * keys the console list hides (`version`, `protocol`, `region`, `zone`, `campus`) can never be
 * read back, so comparing them would update forever: they are compared through the digest that
 * desired metadata carries of them (`hiddenMetadataDigest`, decisions §6), a key the list shows.
 * With a heartbeat TTL (`polarismesh.cn/ttl`) `healthy` is the workload's heartbeats' to set and
 * is not compared; the check and its TTL are.
 *
 * @example
 * ```ts
 * import { changedFields } from "./plan.ts";
 * const d = { namespace: "n", service: "s", host: "h", port: 1, protocol: "/TCP", version: "",
 *   weight: 100, healthy: true, isolate: false, metadata: { zone: "z1" } };
 * const r = { ...d, id: "x", vpcId: "", enableHealthCheck: false, metadata: {} };
 * if (changedFields(d, r).length !== 0) throw new Error("hidden keys must not count");
 * ```
 */
export function changedFields(desired: DesiredInstance, registered: RegisteredInstance): string[] {
  const changed: string[] = [];
  if (desired.weight !== registered.weight) changed.push("weight");
  if (desired.isolate !== registered.isolate) changed.push("isolate");
  const ttl = desired.healthCheckTtl ?? 0;
  if (ttl > 0) {
    // The workload's heartbeats own `healthy`; only the check itself is ours.
    if (!registered.enableHealthCheck || registered.healthCheckTtl !== ttl) {
      changed.push("healthCheck");
    }
  } else {
    if (desired.healthy !== registered.healthy) changed.push("healthy");
    if (registered.enableHealthCheck) changed.push("enableHealthCheck");
  }
  if (desired.protocol !== registered.protocol) changed.push("protocol");
  if (desired.version !== registered.version) changed.push("version");
  if (!sameRecord(visibleMetadata(desired.metadata), visibleMetadata(registered.metadata))) {
    changed.push("metadata");
  }
  return changed;
}

/**
 * Orders instances that share a `host:port`: ours first, then one without a vpc_id (the one our
 * create would overwrite), then by id, so the plan and its conflict messages do not depend on the
 * order in which Polaris listed them.
 */
function holdsSlotBefore(a: RegisteredInstance, b: RegisteredInstance, owner: Owner): boolean {
  const rank = (r: RegisteredInstance) => (isOwned(r, owner) ? 0 : r.vpcId === "" ? 1 : 2);
  return rank(a) < rank(b) || (rank(a) === rank(b) && a.id < b.id);
}

function byKey<T extends { host: string; port: number }>(a: T, b: T): number {
  const ka = instanceKey(a.host, a.port);
  const kb = instanceKey(b.host, b.port);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Plans the writes for one Polaris service: creates for desired instances Polaris lacks, updates
 * for owned instances whose managed fields differ, deletes for owned instances nobody desires any
 * more (held back while `deletesAllowed` is false), and conflicts where a desired `host:port` is
 * held by someone else (another cluster or registrar) or desired by two of our clusters at once.
 * Instances we do not own are never touched. An unchanged service gets an empty plan.
 *
 * @example
 * ```ts
 * import { planService } from "./plan.ts";
 * const plan = planService({
 *   desired: [], registered: [], deletesAllowed: true,
 *   owner: { clusterNames: ["a"], source: "polaris-controller" },
 * });
 * if (plan.creates.length + plan.deletes.length !== 0) throw new Error("unexpected");
 * ```
 */
export function planService(input: PlanInput): ServicePlan {
  const { owner } = input;
  const desiredByKey = new Map<InstanceKey, DesiredInstance[]>();
  for (const d of input.desired) {
    const key = instanceKey(d.host, d.port);
    const list = desiredByKey.get(key);
    if (list) list.push(d);
    else desiredByKey.set(key, [d]);
  }
  // Several registered instances may share host:port (one with a vpc_id); ours wins the slot.
  const registeredByKey = new Map<InstanceKey, RegisteredInstance>();
  for (const r of input.registered) {
    const key = instanceKey(r.host, r.port);
    const seen = registeredByKey.get(key);
    if (!seen || holdsSlotBefore(r, seen, owner)) registeredByKey.set(key, r);
  }

  const creates: DesiredInstance[] = [];
  const updates: PlannedUpdate[] = [];
  const deletes: RegisteredInstance[] = [];
  const conflicts: PlannedConflict[] = [];
  const skipped: PlannedSkip[] = [];

  for (const [key, candidates] of desiredByKey) {
    const clusters = [...new Set(candidates.map((d) => d.metadata[CLUSTER_NAME_KEY]))].sort();
    if (clusters.length > 1) {
      conflicts.push({
        key,
        code: "cross-cluster",
        message: `${key} is an endpoint in clusters ${
          clusters.map((c) => `"${c}"`).join(" and ")
        } (overlapping pod CIDRs?); neither is written`,
      });
      continue;
    }
    const desired = candidates[0];
    const registered = registeredByKey.get(key);
    if (!registered) {
      creates.push(desired);
      continue;
    }
    if (!isOwned(registered, owner)) {
      const who = `clusterName="${registered.metadata[CLUSTER_NAME_KEY] ?? ""}", source="${
        registered.metadata[SOURCE_KEY] ?? ""
      }"${registered.vpcId ? `, vpc_id="${registered.vpcId}"` : ""}`;
      conflicts.push({
        key,
        code: "foreign-owner",
        message: `${key} is already registered by someone else (${who}); left untouched`,
      });
      continue;
    }
    const changed = changedFields(desired, registered);
    if (changed.length > 0) updates.push({ desired, registered, changed });
  }

  for (const [key, registered] of registeredByKey) {
    if (desiredByKey.has(key) || !isOwned(registered, owner)) continue;
    if (input.deletesAllowed) deletes.push(registered);
    else {
      skipped.push({ key, reason: "delete held until every cluster source has listed" });
    }
  }

  const sortByKey = <T extends { key: string }>(list: T[]) => list.sort(byEntryKey);
  return {
    creates: creates.sort(byKey),
    updates: updates.sort((a, b) => byKey(a.desired, b.desired)),
    deletes: deletes.sort(byKey),
    conflicts: sortByKey(conflicts),
    skipped: sortByKey(skipped),
  };
}

/** Orders conflicts and skips by their instance key, as every plan lists them. */
export function byEntryKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** True when the plan asks for no write at all. */
export function isEmptyPlan(plan: ServicePlan): boolean {
  return plan.creates.length === 0 && plan.updates.length === 0 && plan.deletes.length === 0;
}
