/**
 * Phantoms: instances this controller deleted that Polaris still lists.
 *
 * PolarisMesh v1.18.1 with its boltdb store deletes an instance from the store but keeps listing
 * it when its last write is more than the cache's look-back window (`cache.diffTime`, 5 s) old:
 * the delete marks the row invalid without moving the time its incremental cache pulls by
 * (polaris#1350). Every later read, ours and the SDK clients' discovery alike, still shows it.
 *
 * Taken at face value, such a read would make the controller send the same delete at every
 * reconcile, forever, and take a pod that comes back at the same address as already registered.
 * So a listed instance whose key this controller deleted, still at the revision it had then, is a
 * phantom: planned as absent. If it is wanted again it is created (the store has no row); if not,
 * it is purged once: created again and deleted at once, a delete the cache does see.
 *
 * @module
 */

import { instanceKey, serviceKey } from "./keys.ts";
import type { RegisteredInstance } from "./polaris.ts";

/** A delete this controller made, remembered to recognise the instance if it is still listed. */
export interface Tombstone {
  /** The instance's revision when it was deleted; a listing at another revision is a new write. */
  readonly revision: string;
  /** Whether it was already purged once (created and deleted again). */
  readonly purged: boolean;
}

/** The key of a tombstone: `<namespace>/<service>/<host>:<port>`, one address in one service. */
export function tombstoneKey(
  instance: Pick<RegisteredInstance, "namespace" | "service" | "host" | "port">,
): string {
  return `${serviceKey(instance.namespace, instance.service)}/${
    instanceKey(instance.host, instance.port)
  }`;
}

/** A read split into what Polaris really holds and what it lists only from its stale cache. */
export interface PhantomSplit {
  /** The instances to plan with. */
  readonly live: readonly RegisteredInstance[];
  /** Instances deleted by this controller at the revision still listed. */
  readonly phantoms: readonly RegisteredInstance[];
}

/**
 * Splits a read: an instance is a phantom when a tombstone has its key and its revision (a listed
 * revision the tombstone does not know is somebody's write since, so it is live). An instance
 * without a revision is always live.
 */
export function splitPhantoms(
  registered: readonly RegisteredInstance[],
  tombstone: (key: string) => Tombstone | undefined,
): PhantomSplit {
  const live: RegisteredInstance[] = [];
  const phantoms: RegisteredInstance[] = [];
  for (const instance of registered) {
    const known = instance.revision ? tombstone(tombstoneKey(instance)) : undefined;
    if (known !== undefined && known.revision === instance.revision) phantoms.push(instance);
    else live.push(instance);
  }
  return { live, phantoms };
}

/**
 * The phantoms to purge: those not wanted at their address any more (a wanted one is simply
 * created by the plan) and not purged before (a purge that did not clear one is not repeated:
 * the phantom is then only left out of planning).
 */
export function phantomsToPurge(
  phantoms: readonly RegisteredInstance[],
  wanted: ReadonlySet<string>,
  tombstone: (key: string) => Tombstone | undefined,
): RegisteredInstance[] {
  return phantoms.filter((p) => {
    const key = tombstoneKey(p);
    return !wanted.has(key) && tombstone(key)?.purged !== true;
  });
}
