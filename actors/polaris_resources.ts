/**
 * The Polaris namespaces and services a plan needs, made sure of before its instance and alias
 * writes: created through the writer unless this process already knows they exist or is creating
 * them (`KnownResources`); and forgotten again when a write finds one missing.
 *
 * @module
 */

import {
  describeFailures,
  failedAnswers,
  type MissingResource,
  missingResource,
} from "../domain/judge_writes.ts";
import type { WritePlan } from "../domain/write_plan.ts";
import type { KnownResources } from "./known_resources.ts";
import { RetryableReconcileError } from "./reconcile_report.ts";
import type { Writer } from "./writer.ts";

/** What making sure of a resource needs. */
export interface ResourceDeps {
  readonly known: KnownResources;
  readonly writer: Writer;
}

/**
 * Resolves once the Polaris namespace exists: created through the writer unless this process
 * already knows it exists or is creating it.
 */
export function ensureNamespace(
  deps: ResourceDeps,
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

/**
 * Makes sure of the plan's Polaris namespaces, then its services, before any instance or alias is
 * written; each is created at most once per process (`KnownResources`).
 */
export async function ensureResources(deps: ResourceDeps, writePlan: WritePlan): Promise<void> {
  await Promise.all(writePlan.namespaces.map((namespace) => ensureNamespace(deps, namespace)));
  await Promise.all(writePlan.services.map((s) => ensureService(deps, s.namespace, s.name)));
}

async function ensureService(deps: ResourceDeps, namespace: string, name: string): Promise<void> {
  const key = `${namespace}/${name}`;
  await deps.known.ensure(`svc:${key}`, async () => {
    const [result] = await deps.writer.write("createService", [{ namespace, name }]);
    // 400305: the namespace this process knew is gone; the retry creates it first.
    if (missingResource(result) === "namespace") {
      forgetMissing(deps, namespace, name, ["namespace"]);
    }
    if (!result.ok) {
      throw new RetryableReconcileError(
        describeFailures("create the Polaris service", key, failedAnswers([result])),
      );
    }
  });
}

/**
 * Forgets the resources a write found missing, so the next attempt creates them: a missing
 * namespace takes its services with it (Polaris deletes a namespace only once it holds none).
 */
export function forgetMissing(
  deps: Pick<ResourceDeps, "known">,
  namespace: string,
  name: string,
  missing: readonly MissingResource[],
): void {
  if (missing.includes("namespace")) deps.known.forget(`ns:${namespace}`);
  if (missing.length > 0) deps.known.forget(`svc:${namespace}/${name}`);
}
