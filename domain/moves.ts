/**
 * The rule "a Service that moves to another Polaris name is registered there before it is removed
 * here" (sync-rules §2.4): when `polarismesh.cn/overideNamespace` or `overideService` changes, the
 * instances under the old name are deleted only once the new name holds ours at the same
 * `host:port`, so that nothing is missing in between (polaris-controller leaks the old name).
 *
 * @module
 */

import { type InstanceKey, instanceKey, type ServiceKey } from "./keys.ts";
import type { PlannedSkip } from "./plan.ts";
import { isOwned } from "./plan.ts";
import type { Owner, RegisteredInstance } from "./polaris.ts";

/** Metadata keys naming the Kubernetes Service an instance was registered for. */
export const K8S_NAMESPACE_KEY = "k8s_namespace";
/** See {@linkcode K8S_NAMESPACE_KEY}. */
export const K8S_SERVICE_KEY = "k8s_service";

/**
 * The deletes of instances whose Kubernetes Service (their `clusterName`, `k8s_namespace` and
 * `k8s_service`) now registers under another Polaris service, by that service's key.
 * `destinationOf` answers where a cluster's Service registers now, or `undefined` when it is gone
 * or not synced (then a delete is a plain delete).
 */
export function movingDeletes(
  deletes: readonly RegisteredInstance[],
  here: ServiceKey,
  destinationOf: (clusterName: string, namespace: string, name: string) => ServiceKey | undefined,
): Map<ServiceKey, RegisteredInstance[]> {
  const moving = new Map<ServiceKey, RegisteredInstance[]>();
  for (const instance of deletes) {
    const { clusterName, [K8S_NAMESPACE_KEY]: namespace, [K8S_SERVICE_KEY]: name } =
      instance.metadata;
    if (!clusterName || !namespace || !name) continue;
    const destination = destinationOf(clusterName, namespace, name);
    if (destination === undefined || destination === here) continue;
    const list = moving.get(destination);
    if (list) list.push(instance);
    else moving.set(destination, [instance]);
  }
  return moving;
}

/**
 * Splits a plan's deletes: a moving instance is deleted only when its destination holds an
 * instance of ours at the same `host:port`; otherwise the delete is held, with the reason.
 * Deletes that are not moving are all sent.
 *
 * @example
 * ```ts
 * import { holdMoves } from "./moves.ts";
 * const { send, held } = holdMoves([], new Map(), new Map(), {
 *   clusterNames: ["a"], source: "polaris-controller",
 * });
 * if (send.length + held.length !== 0) throw new Error("unexpected");
 * ```
 */
export function holdMoves(
  deletes: readonly RegisteredInstance[],
  moving: ReadonlyMap<ServiceKey, readonly RegisteredInstance[]>,
  destinations: ReadonlyMap<ServiceKey, readonly RegisteredInstance[]>,
  owner: Owner,
): { send: RegisteredInstance[]; held: PlannedSkip[] } {
  const waiting = new Map<RegisteredInstance, ServiceKey>();
  for (const [destination, instances] of moving) {
    const there = new Set<InstanceKey>(
      (destinations.get(destination) ?? []).filter((i) => isOwned(i, owner))
        .map((i) => instanceKey(i.host, i.port)),
    );
    for (const i of instances) {
      if (!there.has(instanceKey(i.host, i.port))) waiting.set(i, destination);
    }
  }
  const send: RegisteredInstance[] = [];
  const held: PlannedSkip[] = [];
  for (const d of deletes) {
    const destination = waiting.get(d);
    if (destination === undefined) send.push(d);
    else {
      held.push({
        key: instanceKey(d.host, d.port),
        reason: `delete held: its Service moved to "${destination}", which does not hold it yet`,
      });
    }
  }
  return { send, held };
}
