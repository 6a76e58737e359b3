/**
 * The orphan sweep's listing (SPEC §3): every Polaris service that holds an instance this
 * controller owns (one owner per cluster source), and every service an alias of ours points to.
 * The supervisor gives each key with no Service behind it an actor, which plans the deletes
 * through the same rules as any other change.
 *
 * @module
 */

import { serviceKey } from "../domain/keys.ts";
import { aliasMarker } from "../domain/plan_alias.ts";
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
