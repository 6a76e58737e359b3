/**
 * The alias part of a reconcile: what it reads (the aliases pointing to the service, the one holding
 * the wanted name, and whether that one's Service still asks for it), and how its plan is sent and
 * judged. The plan itself is `planAlias` in `domain/plan_alias.ts`.
 *
 * @module
 */

import type { AliasIntent } from "../domain/alias_intent.ts";
import {
  describeFailures,
  failedAnswers,
  judgeAliasDeletes,
  judgeAliasWrite,
  missingResource,
} from "../domain/judge_writes.ts";
import { aliasMarker, type AliasPlan } from "../domain/plan_alias.ts";
import { type ServiceIntent, serviceIntent } from "../domain/service_intent.ts";
import type { WritePlanInput } from "../domain/write_plan.ts";
import type { AliasQuery } from "./alias_reader.ts";
import { forgetMissing } from "./polaris_resources.ts";
import type { ReconcileDeps } from "./reconcile_deps.ts";
import { RetryableReconcileError } from "./reconcile_report.ts";

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
export async function readAliasInputs(
  deps: ReconcileDeps,
  namespace: string,
  name: string,
  intent: AliasIntent,
): Promise<WritePlanInput["alias"]> {
  const key = `${namespace}/${name}`;
  if (intent.kind === "none" && !deps.aliased.has(key)) return undefined;
  const marker = aliasMarker(deps.ownerSource);
  const read = (query: AliasQuery) =>
    deps.aliasReader ? deps.aliasReader.read(query) : deps.api.listAliases(query);
  const [pointing, holders] = await Promise.all([
    read({ service: name, namespace }),
    intent.kind === "alias"
      ? read({ alias: intent.alias, aliasNamespace: intent.aliasNamespace })
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

/**
 * Logs one alias write Polaris accepted (info): the alias as `namespace/alias`, and the service it
 * points to (the one it pointed to, for a delete), so an operator can trace every alias change.
 */
function logAliasWrite(
  deps: ReconcileDeps,
  message: string,
  alias: { readonly alias: string; readonly aliasNamespace: string },
  target: { readonly namespace: string; readonly service: string },
): void {
  deps.log?.("info", message, {
    alias: `${alias.aliasNamespace}/${alias.alias}`,
    service: `${target.namespace}/${target.service}`,
    ...(deps.dryRun ? { dryRun: true } : {}),
  });
}

/** Sends the alias part of a plan; returns the alias in place and a conflict, if any. */
export async function executeAliases(
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
    const refused = new Set<unknown>(failed);
    plan.deletes.forEach((a, i) => {
      if (refused.has(results[i])) return;
      logAliasWrite(deps, "alias deleted", a, a);
      if (!deps.dryRun) deps.aliasReader?.noteWrite("delete", a);
    });
    if (failed.length > 0) {
      throw new RetryableReconcileError(describeFailures("delete old aliases", key, failed));
    }
  }
  const write = plan.create ?? plan.repoint;
  if (write) {
    const item = { ...write, service: name, namespace, comment: aliasMarker(deps.ownerSource) };
    const [result] = await deps.writer.write(plan.create ? "createAlias" : "updateAlias", [item]);
    const missing = missingResource(result);
    if (missing) forgetMissing(deps, namespace, name, [missing]);
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
        logAliasWrite(deps, plan.create ? "alias created" : "alias moved", write, item);
        if (!deps.dryRun) deps.aliasReader?.noteWrite("upsert", item);
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
