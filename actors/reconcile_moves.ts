/**
 * The reconcile's part of moving a Service to another Polaris name (`domain/moves.ts`): the plan's
 * deletes of instances whose Service now registers elsewhere are checked against what the
 * destination holds, read from Polaris, and held until it holds them.
 *
 * @module
 */

import type { ServiceKey } from "../domain/keys.ts";
import { parseServiceKey } from "../domain/keys.ts";
import { holdMoves, movingDeletes } from "../domain/moves.ts";
import { byEntryKey, type PlannedSkip } from "../domain/plan.ts";
import type { Owner, RegisteredInstance } from "../domain/polaris.ts";
import { targetKey } from "../domain/polaris_target.ts";
import { shouldSync } from "../domain/should_sync.ts";
import type { WritePlan } from "../domain/write_plan.ts";
import type { ReconcileDeps } from "./reconcile_deps.ts";

/** Where a cluster's Service registers now, when it is synced there. */
function destinationOf(
  deps: ReconcileDeps,
  clusterName: string,
  namespace: string,
  name: string,
): ServiceKey | undefined {
  const view = deps.views.find((v) => v.clusterName === clusterName);
  const service = view?.service(namespace, name);
  if (!view || !service) return undefined;
  return shouldSync(deps.policy, view.namespace(namespace), service).sync
    ? targetKey(service)
    : undefined;
}

/**
 * Returns the plan with its moving deletes held where the destination does not hold them yet,
 * and the held ones. Reads each destination once; a failed read rejects (nothing is deleted on a
 * guess).
 */
export async function holdMovingDeletes(
  deps: ReconcileDeps,
  key: ServiceKey,
  plan: WritePlan,
  owner: Owner,
): Promise<{ plan: WritePlan; held: readonly PlannedSkip[] }> {
  const { deletes } = plan.instances;
  if (deletes.length === 0) return { plan, held: [] };
  const moving = movingDeletes(
    deletes,
    key,
    (clusterName, namespace, name) => destinationOf(deps, clusterName, namespace, name),
  );
  if (moving.size === 0) return { plan, held: [] };
  const destinations = new Map<ServiceKey, RegisteredInstance[]>();
  await Promise.all([...moving.keys()].map(async (destination) => {
    const { namespace, service } = parseServiceKey(destination);
    destinations.set(destination, await deps.reader.read(namespace, service));
  }));
  const { send, held } = holdMoves(deletes, moving, destinations, owner);
  if (held.length === 0) return { plan, held };
  const skipped = [...plan.instances.skipped, ...held].sort(byEntryKey);
  return { plan: { ...plan, instances: { ...plan.instances, deletes: send, skipped } }, held };
}
