/**
 * One reconcile of one Polaris service: read what every cluster wants and what Polaris holds, plan
 * with the pure rules, send the plan through the shared writer, judge every item. This is the
 * `reconcile` actor that `actors/` provides to the service machine.
 *
 * @module
 */

import type { AliasIntent } from "../domain/alias_intent.ts";
import type { ClusterView } from "../domain/cluster.ts";
import { parseServiceKey } from "../domain/keys.ts";
import type { PodLabelPolicy } from "../domain/metadata.ts";
import {
  describeFailures,
  failedAnswers,
  isVanished,
  judgeAliasDeletes,
  judgeAliasWrite,
  judgeInstanceWrites,
} from "../domain/judge_writes.ts";
import { tombstoneKey } from "../domain/phantoms.ts";
import { PolarisCode } from "../domain/polaris_codes.ts";
import { aliasMarker, type AliasPlan } from "../domain/plan_alias.ts";
import { planWrites, type WritePlan, type WritePlanInput } from "../domain/write_plan.ts";
import type { DesiredInstance, RegisteredInstance } from "../domain/polaris.ts";
import type { Problem } from "../domain/problems.ts";
import type { SyncPolicy } from "../domain/should_sync.ts";
import type { ReconcileOutcome, ReconcileSummary } from "../machines/service_machine.ts";
import { type ClusterIntent, type ServiceIntent, serviceIntent } from "../domain/service_intent.ts";
import type { PolarisApi, WriteItemResult } from "./polaris_api.ts";
import type { KnownResources } from "./known_resources.ts";
import type { RegistryReader } from "./registry_reader.ts";
import type { Tombstones } from "./tombstones.ts";
import type { Writer } from "./writer.ts";

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

/** What a reconcile needs from the running system. */
export interface ReconcileDeps {
  readonly views: readonly ClusterView[];
  readonly policy: SyncPolicy;
  /** The `source` metadata value that marks instances as ours (SPEC §2). */
  readonly ownerSource: string;
  readonly podLabelPolicy: PodLabelPolicy;
  readonly api: PolarisApi;
  readonly writer: Writer;
  /** Coalesced reads of a service's instances. */
  readonly reader: RegistryReader;
  /**
   * `--dry-run`, only to say so in reports and to remember no write: the writer enforces it for
   * every kind.
   */
  readonly dryRun: boolean;
  /** True once every cluster source has finished its first list (SPEC §3). */
  readonly deletesAllowed: () => boolean;
  /** Polaris namespaces and services known to exist (created or seen) in this process. */
  readonly known: KnownResources;
  /** Services that had an alias of ours at the last reconcile (so a removed annotation is acted on). */
  readonly aliased: Set<string>;
  /** The deletes this process made, to recognise phantoms (`domain/phantoms.ts`). */
  readonly tombstones: Tombstones;
}

/**
 * An instance as written: a desired one (its health check off, SPEC §2), or a listed one as it
 * was (a phantom's purge, `enableHealthCheck` given).
 */
function writeItemOf(i: DesiredInstance | RegisteredInstance, enableHealthCheck = false) {
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
    metadata: { ...i.metadata },
  };
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

function summarize(writePlan: WritePlan): PlanSummary {
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

/**
 * Resolves once the Polaris namespace exists: created through the writer unless this process
 * already knows it exists or is creating it.
 */
export function ensureNamespace(
  deps: Pick<ReconcileDeps, "known" | "writer">,
  namespace: string,
): Promise<void> {
  return deps.known.ensure(`ns:${namespace}`, async () => {
    const [result] = await deps.writer.write("createNamespace", [{ name: namespace }]);
    if (!result.ok) {
      throw new RetryableReconcileError(
        describeFailures("create the Polaris namespace", namespace, failedAnswers([result])),
      );
    }
  });
}

async function ensureService(deps: ReconcileDeps, namespace: string, name: string): Promise<void> {
  const key = `${namespace}/${name}`;
  await ensureNamespace(deps, namespace);
  await deps.known.ensure(`svc:${key}`, async () => {
    const [result] = await deps.writer.write("createService", [{ namespace, name }]);
    if (!result.ok) {
      throw new RetryableReconcileError(
        describeFailures("create the Polaris service", key, failedAnswers([result])),
      );
    }
  });
}

/** Whether a service's intent asks for the alias `wanted` names. */
function claims(other: ServiceIntent, wanted: Extract<AliasIntent, { kind: "alias" }>): boolean {
  return other.wanted && other.alias.kind === "alias" && other.alias.alias === wanted.alias &&
    other.alias.aliasNamespace === wanted.aliasNamespace;
}

/**
 * Reads what the alias plan needs: the aliases pointing to the service and the one holding the
 * wanted name, and whether that one's Service still asks for it. Undefined when there is no alias
 * work: no annotation, and no alias of ours from before.
 */
async function readAliasInputs(
  deps: ReconcileDeps,
  namespace: string,
  name: string,
  intent: AliasIntent,
): Promise<WritePlanInput["alias"]> {
  const key = `${namespace}/${name}`;
  if (intent.kind === "none" && !deps.aliased.has(key)) return undefined;
  const marker = aliasMarker(deps.ownerSource);
  const [pointing, holders] = await Promise.all([
    deps.api.listAliases({ service: name, namespace }),
    intent.kind === "alias"
      ? deps.api.listAliases({ alias: intent.alias, aliasNamespace: intent.aliasNamespace })
      : Promise.resolve([]),
  ]);
  const occupant = intent.kind === "alias"
    ? holders.find((a) => a.alias === intent.alias && a.aliasNamespace === intent.aliasNamespace)
    : undefined;
  // The first claimant keeps an alias: ours, pointing to a Service that still asks for it.
  const occupantClaimed = occupant !== undefined && intent.kind === "alias" &&
    occupant.comment === marker &&
    !(occupant.namespace === namespace && occupant.service === name) &&
    claims(serviceIntent(deps, occupant.namespace, occupant.service), intent);
  return { intent, pointing, occupant, marker, occupantClaimed };
}

/** Sends the alias part of a plan; returns the alias in place and a conflict, if any. */
async function executeAliases(
  deps: ReconcileDeps,
  namespace: string,
  name: string,
  plan: AliasPlan,
  intent: AliasIntent,
): Promise<{ alias: string | null; conflict?: string }> {
  const key = `${namespace}/${name}`;
  if (plan.deletes.length > 0) {
    const results = await deps.writer.write(
      "deleteAlias",
      plan.deletes.map((a) => ({ alias: a.alias, aliasNamespace: a.aliasNamespace })),
    );
    const failed = judgeAliasDeletes(results);
    if (failed.length > 0) {
      throw new RetryableReconcileError(describeFailures("delete old aliases", key, failed));
    }
  }
  const write = plan.create ?? plan.repoint;
  if (write) {
    await ensureService(deps, namespace, name);
    await ensureNamespace(deps, write.aliasNamespace);
    const item = { ...write, service: name, namespace, comment: aliasMarker(deps.ownerSource) };
    const [result] = await deps.writer.write(plan.create ? "createAlias" : "updateAlias", [item]);
    switch (judgeAliasWrite(result)) {
      case "taken":
        return {
          alias: null,
          conflict:
            `alias "${write.aliasNamespace}/${write.alias}" is already taken by a Polaris service or alias; left untouched`,
        };
      case "retry":
        throw new RetryableReconcileError(
          describeFailures("write the alias", key, failedAnswers([result])),
        );
      case "refused":
        return {
          alias: null,
          conflict: describeFailures("write the alias", key, failedAnswers([result])),
        };
      case "written":
    }
  }
  if (plan.conflict) return { alias: null, conflict: plan.conflict };
  if (intent.kind === "alias") {
    deps.aliased.add(key);
    const shown = `${intent.aliasNamespace}/${intent.alias}`;
    // Shown as planned, not as done, on the debug endpoint: the writer sent nothing.
    return { alias: deps.dryRun && write ? `(dry run) ${shown}` : shown };
  }
  deps.aliased.delete(key);
  return { alias: null };
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
  const writePlan = planWrites({
    target: { namespace, service: name },
    desired: intent.desired,
    read,
    owner,
    deletesAllowed: deps.deletesAllowed(),
    tombstone: (k) => deps.tombstones.get(k),
    alias: aliasInputs,
  });
  const { instances: plan, phantoms, purge } = writePlan;

  // Send: the instances first, then, unless they need a retry, the aliases.
  if (plan.creates.length > 0) await ensureService(deps, namespace, name);
  const [created, updated, deleted, purged] = await Promise.all([
    deps.writer.write("create", plan.creates.map((d) => writeItemOf(d))),
    deps.writer.write("update", plan.updates.map((u) => writeItemOf(u.desired))),
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
  const { failed, retryable } = judgeInstanceWrites(created, updated, deleted, purged);
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
    plan: summarize(writePlan),
    alias: aliasResult.alias,
    conflicts,
    summary,
  };
  if (retryable.length > 0) {
    throw new RetryableReconcileError(describeFailures("write instances", key, retryable), {
      report,
    });
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
