/**
 * The orphan sweep (SPEC §3): every Polaris service that holds an instance this controller owns
 * (one owner per cluster source), and every service an alias of ours points to. The supervisor
 * gives each such key with no Service behind it an actor, which plans the deletes through the same
 * rules as any other change.
 *
 * @module
 */

import { parseServiceKey, serviceKey } from "../domain/keys.ts";
import { isOwned } from "../domain/plan.ts";
import { aliasMarker } from "../domain/plan_alias.ts";
import type { Owner, RegisteredInstance } from "../domain/polaris.ts";
import type { PolarisApi } from "./polaris_api.ts";

/** What the sweep found: keys to look at, and those of them an alias of ours points to. */
export interface SweepListing {
  readonly keys: ReadonlySet<string>;
  readonly aliased: ReadonlySet<string>;
}

/** Lists the sweep's keys; rejects when a listing fails (nothing is taken as "none"). */
export async function listSweepKeys(
  api: Pick<PolarisApi, "listOwnedServices" | "listAliases">,
  clusterNames: readonly string[],
  ownerSource: string,
): Promise<SweepListing> {
  const keys = new Set<string>();
  const aliased = new Set<string>();
  for (const clusterName of clusterNames) {
    const owned = await api.listOwnedServices({ clusterName, source: ownerSource });
    for (const { namespace, service } of owned) keys.add(serviceKey(namespace, service));
  }
  const marker = aliasMarker(ownerSource);
  for (const alias of await api.listAliases({})) {
    if (alias.comment !== marker) continue;
    const key = serviceKey(alias.namespace, alias.service);
    aliased.add(key);
    keys.add(key);
  }
  return { keys, aliased };
}

/** What decides whether a key is an orphan: it has no actor, and no cluster wants it synced. */
export interface OrphanTest {
  readonly hasActor: (key: string) => boolean;
  readonly wanted: (namespace: string, service: string) => boolean;
}

/**
 * The sweep's orphans: keys holding an instance or alias of ours with no actor and no Service
 * that wants them. A wanted Service gets its actor from the listed pass; only the others need one
 * from the sweep.
 */
export function orphanKeys(keys: Iterable<string>, test: OrphanTest): string[] {
  const orphans: string[] = [];
  for (const key of keys) {
    if (test.hasActor(key)) continue;
    const { namespace, service } = parseServiceKey(key);
    if (!test.wanted(namespace, service)) orphans.push(key);
  }
  return orphans;
}

/**
 * The sweep's cheap half, run on every namespace-wide listing the actors' reads bring (start-up,
 * resync): keys of that namespace holding an owned instance and no actor. Namespaces where no
 * actor reads are left to the full sweep.
 */
export function ownedWithoutActor(
  namespace: string,
  byService: ReadonlyMap<string, readonly RegisteredInstance[]>,
  owner: Owner,
  hasActor: (key: string) => boolean,
): string[] {
  const keys: string[] = [];
  for (const [service, instances] of byService) {
    const key = serviceKey(namespace, service);
    if (!hasActor(key) && instances.some((i) => isOwned(i, owner))) keys.push(key);
  }
  return keys;
}
