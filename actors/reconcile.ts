/**
 * One reconcile of one Polaris service, top to bottom in `reconcileService`: read what every
 * cluster wants and what Polaris holds, plan every write with the pure rules (`planWrites`), make
 * sure of the plan's namespaces and services, send its instance writes through the shared writer,
 * judge every item (`domain/judge_writes.ts`), then send and judge its alias writes
 * (`reconcile_aliases.ts`), and return the outcome with its report (`reconcile_report.ts`).
 *
 * @module
 */

import type { AliasIntent } from "../domain/alias_intent.ts";
import {
  describeFailures,
  failedAnswers,
  isVanished,
  judgeInstanceWrites,
} from "../domain/judge_writes.ts";
import { parseServiceKey } from "../domain/keys.ts";
import { tombstoneKey } from "../domain/phantoms.ts";
import { PolarisCode } from "../domain/polaris_codes.ts";
import type { DesiredInstance, RegisteredInstance } from "../domain/polaris.ts";
import { serviceIntent } from "../domain/service_intent.ts";
import type { PlannedSkip } from "../domain/plan.ts";
import { planWrites, type WritePlan, type WritePlanInput } from "../domain/write_plan.ts";
import type { ReconcileOutcome, ReconcileSummary } from "../machines/service_machine.ts";
import type { InstanceWriteItem as InstanceWrite, WriteItemResult } from "./polaris_api.ts";
import { ensureResources, forgetMissing } from "./polaris_resources.ts";
import { executeAliases, readAliasInputs } from "./reconcile_aliases.ts";
import { holdMovingDeletes } from "./reconcile_moves.ts";
import type { ReconcileDeps } from "./reconcile_deps.ts";
import {
  type ReconcileReport,
  type ReconcileResult,
  RetryableReconcileError,
  summarizePlan,
} from "./reconcile_report.ts";

/**
 * An instance as written: a desired one (its health check off, sync-rules §2.5), or a listed one as
 * it was (a phantom's purge, `enableHealthCheck` given).
 */
function writeItemOf(
  i: DesiredInstance | RegisteredInstance,
  enableHealthCheck = false,
): InstanceWrite {
  return {
    namespace: i.namespace,
    service: i.service,
    host: i.host,
    port: i.port,
    protocol: i.protocol,
    version: i.version,
    weight: i.weight,
    healthy: i.healthy,
    isolate: i.isolate,
    enableHealthCheck,
    ...(enableHealthCheck && i.healthCheckTtl ? { healthCheckTtl: i.healthCheckTtl } : {}),
    metadata: { ...i.metadata },
  };
}

/**
 * A desired instance as created: with `polarismesh.cn/ttl` its heartbeat check is on, and it
 * starts unhealthy until the workload's first heartbeat.
 */
function createItemOf(d: DesiredInstance): InstanceWrite {
  return writeItemOf(d, (d.healthCheckTtl ?? 0) > 0);
}

/**
 * A desired instance as updated: with a heartbeat check, `healthy` is left out, so the update
 * keeps what the workload's heartbeats made of it (an update changes only the fields it sends).
 */
function updateItemOf(d: DesiredInstance): InstanceWrite {
  const item = createItemOf(d);
  if ((d.healthCheckTtl ?? 0) === 0) return item;
  const { healthy: _healthy, ...rest } = item;
  return rest;
}

/** An instance named for deletion. */
function refOf(i: RegisteredInstance) {
  return { namespace: i.namespace, service: i.service, host: i.host, port: i.port };
}

/**
 * Purges phantoms: each is created again (the store has no row, so this writes one, at a new time)
 * and deleted at once, a delete the server's cache does pull. Each is marked purged, whatever the
 * outcome, so a purge is never repeated for it.
 */
async function purgePhantoms(
  deps: ReconcileDeps,
  phantoms: readonly RegisteredInstance[],
): Promise<WriteItemResult[]> {
  if (phantoms.length === 0) return [];
  const recreated = await deps.writer.write(
    "create",
    phantoms.map((p) => writeItemOf(p, p.enableHealthCheck)),
  );
  const again = phantoms.filter((_, i) => recreated[i].ok);
  const deleted = await deps.writer.write("delete", again.map(refOf));
  if (!deps.dryRun) { for (const p of phantoms) deps.tombstones.deleted(p, true); }
  return [...recreated.filter((r) => !r.ok), ...deleted];
}

/** Metadata key a delete writes into an instance just before deleting it (`touchThenDelete`). */
export const DELETING_KEY = "polaris-k8s-sync.deleting";

/**
 * Deletes instances so the server's listing drops them too: each is first updated with a mark in
 * its metadata (the listed revision, so the update always changes something and the server writes
 * the row at a new time), then deleted. v1.18.1 with boltdb keeps listing an instance deleted
 * more than 5 s after its last write (polaris#1350, `domain/phantoms.ts`); this process would know
 * such a phantom by its tombstone, but a replica that takes the Lease over, or this process after
 * a restart, would take it for a registration and never create it again (found by
 * `deno task chaos`). A touch answered 400303 is already gone; one that failed and is worth a
 * retry keeps its delete for the retry; any other failure still deletes. One result per delete.
 */
async function touchThenDelete(
  deps: ReconcileDeps,
  deletes: readonly RegisteredInstance[],
): Promise<WriteItemResult[]> {
  if (deletes.length === 0) return [];
  const touched = await deps.writer.write(
    "update",
    deletes.map((d) =>
      writeItemOf(
        { ...d, metadata: { ...d.metadata, [DELETING_KEY]: d.revision ?? "" } },
        d.enableHealthCheck,
      )
    ),
  );
  const results: WriteItemResult[] = [...touched];
  const send = deletes.flatMap((_, i) => {
    const t = touched[i];
    if (isVanished(t)) {
      results[i] = { ok: true, code: PolarisCode.NotFoundInstance };
      return [];
    }
    return !t.ok && t.retryable ? [] : [i];
  });
  const deleted = await deps.writer.write("delete", send.map((i) => refOf(deletes[i])));
  send.forEach((i, n) => results[i] = deleted[n]);
  return results;
}

/**
 * Reconciles one service key. Resolves with the outcome the machine moves on (synced, conflict,
 * invalid, released); rejects when a retry is worth it (a failed read, a retryable write error).
 * A failed read is never taken as "nothing registered": it rejects before anything is planned.
 */
export async function reconcileService(
  deps: ReconcileDeps,
  key: string,
): Promise<ReconcileResult> {
  const { namespace, service: name } = parseServiceKey(key);
  const intent = serviceIntent(deps, namespace, name);
  const heldClusters = new Set(
    intent.clusters.filter((c) => c.status === "held").map((c) => c.clusterName),
  );
  const owner = {
    clusterNames: deps.views.map((v) => v.clusterName).filter((c) => !heldClusters.has(c)),
    source: deps.ownerSource,
  };
  const aliasIntentNow: AliasIntent = intent.wanted ? intent.alias : { kind: "none" };
  // Read first, all of it: nothing is planned, let alone written, until Polaris has answered.
  let read: RegisteredInstance[];
  let aliasInputs: WritePlanInput["alias"];
  try {
    [read, aliasInputs] = await Promise.all([
      deps.reader.read(namespace, name),
      readAliasInputs(deps, namespace, name, aliasIntentNow),
    ]);
  } catch (error) {
    throw new RetryableReconcileError(
      `Cannot read the instances and aliases of "${key}" from Polaris; nothing is planned until it answers`,
      { cause: error },
    );
  }
  if (read.length > 0) {
    deps.known.add(`ns:${namespace}`);
    deps.known.add(`svc:${key}`);
  }
  const planned = planWrites({
    target: { namespace, service: name },
    desired: intent.desired,
    read,
    owner,
    deletesAllowed: deps.deletesAllowed(),
    tombstone: (k) => deps.tombstones.get(k),
    alias: aliasInputs,
    policy: deps.writePolicy,
  });
  // A Service that moved to another Polaris name leaves here only once it is there.
  let writePlan: WritePlan;
  let heldMoves: readonly PlannedSkip[];
  try {
    ({ plan: writePlan, held: heldMoves } = await holdMovingDeletes(deps, key, planned, owner));
  } catch (error) {
    throw new RetryableReconcileError(
      `Cannot read where the Services of "${key}" moved to; nothing is deleted until it answers`,
      { cause: error },
    );
  }
  const { instances: plan, phantoms, purge } = writePlan;

  // Send: the namespaces and services the plan needs, the instances, then, unless they need a
  // retry, the aliases.
  await ensureResources(deps, writePlan);
  const [created, updated, deleted, purged] = await Promise.all([
    deps.writer.write("create", plan.creates.map(createItemOf)),
    deps.writer.write("update", plan.updates.map((u) => updateItemOf(u.desired))),
    touchThenDelete(deps, plan.deletes),
    purgePhantoms(deps, purge),
  ]);
  // A dry run wrote nothing: nothing to remember.
  if (!deps.dryRun) {
    for (const [i, r] of created.entries()) {
      if (r.ok) deps.tombstones.written(tombstoneKey(plan.creates[i]));
    }
    for (const [i, r] of deleted.entries()) if (r.ok) deps.tombstones.deleted(plan.deletes[i]);
    // Listed but not held: remembered as deleted at the revision read, so the retry plans it as
    // absent (and creates it) instead of updating it again.
    for (const [i, r] of updated.entries()) {
      if (isVanished(r)) deps.tombstones.deleted(plan.updates[i].registered);
    }
  }
  const { failed, retryable, missing } = judgeInstanceWrites(created, updated, deleted, purged);
  // Deleted behind our back: forgotten, so the retry creates it again.
  forgetMissing(deps, namespace, name, missing);
  const aliasResult = retryable.length === 0
    ? await executeAliases(deps, namespace, name, writePlan.aliases, aliasIntentNow)
    : { alias: null };

  const conflicts = [
    ...plan.conflicts.map((c) => c.message),
    ...(aliasResult.conflict ? [aliasResult.conflict] : []),
  ];
  const summary: ReconcileSummary = {
    desired: intent.desired.length,
    registered: read.length - phantoms.length,
    created: plan.creates.length - failedAnswers(created).length,
    updated: plan.updates.length - failedAnswers(updated).length,
    deleted: plan.deletes.length - failedAnswers(deleted).length,
    conflicts: conflicts.length,
    skipped: plan.skipped.length,
  };
  const report: ReconcileReport = {
    key,
    clusters: intent.clusters,
    problems: intent.problems,
    plan: summarizePlan(writePlan),
    alias: aliasResult.alias,
    conflicts,
    summary,
  };
  if (retryable.length > 0) {
    throw new RetryableReconcileError(describeFailures("write instances", key, retryable), {
      report,
    });
  }
  if (heldMoves.length > 0) {
    // Retried with backoff until the destination holds them (its own reconcile registers them).
    throw new RetryableReconcileError(
      `${heldMoves.length} instance(s) of "${key}" wait to be deleted: ${heldMoves[0].reason}`,
      { report },
    );
  }
  const done = (outcome: ReconcileOutcome): ReconcileResult => ({ outcome, report });
  if (failed.length > 0) {
    return done({
      kind: "invalid",
      summary,
      message: describeFailures("write instances", key, failed),
    });
  }
  const fatal = intent.problems.filter((p) => p.fatal);
  if (fatal.length > 0) {
    return done({ kind: "invalid", summary, message: fatal.map((p) => p.message).join("; ") });
  }
  if (conflicts.length > 0) {
    return done({ kind: "conflict", summary, message: conflicts.join("; ") });
  }
  // Unwanted: every owned instance was either deleted just now or held back (skipped).
  const ownedLeft = plan.skipped.length > 0;
  if (!intent.wanted && !ownedLeft && !deps.aliased.has(key)) {
    return done({ kind: "released", summary });
  }
  return done({ kind: "synced", summary });
}
