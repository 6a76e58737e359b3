/**
 * The orphan sweep (sync-rules §3.2): every Polaris service that holds an instance this controller
 * owns (one owner per cluster source), and every service an alias of ours points to. The supervisor
 * gives each such key with no Service behind it an actor, which plans the deletes through the same
 * rules as any other change.
 *
 * A namespace the actors' reads listed whole while orphans could be adopted is already swept: its
 * listing went through `adoptFromListing`. So the full sweep runs after the start-up pass's reads
 * and lists only the other Polaris namespaces, one owner query each, unless there are more of them
 * than pages a scan of every owned instance would take; then it scans (docs/decisions.md §32).
 *
 * @module
 */

import { parseServiceKey, serviceKey } from "../domain/keys.ts";
import { isOwned } from "../domain/plan.ts";
import { aliasMarker } from "../domain/plan_alias.ts";
import type { Owner, RegisteredInstance } from "../domain/polaris.ts";
import type { LogFn } from "../adapters/log/log_level.ts";
import type { PolarisApi } from "./polaris_api.ts";

/** What the sweep found: keys to look at, and those of them an alias of ours points to. */
export interface SweepListing {
  readonly keys: ReadonlySet<string>;
  readonly aliased: ReadonlySet<string>;
}

/** Which namespaces the full sweep must still look at, and how it may. */
export interface SweepScope {
  /** Namespaces listed whole while adopting: already swept. */
  readonly covered: ReadonlySet<string>;
  /** Owned instances those listings held: a lower bound on what a scan of all would read. */
  readonly ownedSeen: number;
}

/** Lists the sweep's keys; rejects when a listing fails (nothing is taken as "none"). */
export async function listSweepKeys(
  api: Pick<PolarisApi, "listOwnedServices" | "listAliases" | "listNamespaces">,
  clusterNames: readonly string[],
  ownerSource: string,
  scope: SweepScope = { covered: new Set(), ownedSeen: 0 },
): Promise<SweepListing> {
  const keys = new Set<string>();
  const aliased = new Set<string>();
  const add = (owned: readonly { namespace: string; service: string }[]) => {
    for (const { namespace, service } of owned) keys.add(serviceKey(namespace, service));
  };
  const uncovered = scope.covered.size === 0
    ? undefined
    : (await api.listNamespaces()).map((n) => n.name).filter((n) => !scope.covered.has(n));
  // A scan reads every owned instance, 100 a page, once per cluster; each query is one page or more.
  const scanPages = clusterNames.length * Math.max(1, Math.ceil(scope.ownedSeen / 100));
  if (uncovered !== undefined && uncovered.length * clusterNames.length <= scanPages) {
    for (const namespace of uncovered) {
      for (const clusterName of clusterNames) {
        add(await api.listOwnedServices({ clusterName, source: ownerSource, namespace }));
      }
    }
  } else {
    for (const clusterName of clusterNames) {
      add(await api.listOwnedServices({ clusterName, source: ownerSource }));
    }
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

/** Options of {@linkcode OrphanSweep}. */
export interface OrphanSweepOptions {
  readonly api: Pick<PolarisApi, "listOwnedServices" | "listAliases" | "listNamespaces">;
  readonly clusterNames: readonly string[];
  readonly ownerSource: string;
  /** Services an alias of ours points to: the sweep adds what it finds, reconciles read it. */
  readonly aliased: Set<string>;
  readonly test: OrphanTest;
  /** False while deletes are held or another replica writes: nothing is adopted then. */
  readonly adopting: () => boolean;
  /** Gives the key an actor, which plans its deletes. */
  readonly adopt: (key: string) => void;
  /**
   * The instances the actors want registered, of every cluster: with what the listings showed,
   * what a scan of every owned instance would read.
   */
  readonly ownedEstimate?: () => number;
  readonly onSweep?: (found: number, error: string | null) => void;
  readonly log?: LogFn;
}

/** Both halves of the orphan sweep: the full listing, and the namespace listings' cheap half. */
export class OrphanSweep {
  readonly #options: OrphanSweepOptions;
  readonly #owner: Owner;
  /** Namespaces listed whole while adopting since the last full sweep began (`SweepScope`). */
  #covered = new Set<string>();
  #ownedSeen = 0;

  constructor(options: OrphanSweepOptions) {
    this.#options = options;
    this.#owner = { clusterNames: options.clusterNames, source: options.ownerSource };
  }

  /**
   * Forgets which namespaces were listed: a new leadership starts its sweep from nothing (what
   * another replica did while this one followed is not known here).
   */
  forgetCoverage(): void {
    this.#covered = new Set();
    this.#ownedSeen = 0;
  }

  /**
   * The full sweep: lists every instance and alias of ours (page by page) and adopts the orphans.
   * Rejects when a listing fails: nothing is taken as "none".
   */
  async sweep(): Promise<void> {
    const { api, clusterNames, ownerSource, onSweep } = this.#options;
    let listing: SweepListing;
    const scope = {
      covered: this.#covered,
      ownedSeen: Math.max(this.#ownedSeen, this.#options.ownedEstimate?.() ?? 0),
    };
    try {
      listing = await listSweepKeys(api, clusterNames, ownerSource, scope);
    } catch (error) {
      onSweep?.(0, error instanceof Error ? error.message : String(error));
      throw new Error("Cannot sweep owned instances: Polaris listing failed", { cause: error });
    }
    for (const key of listing.aliased) this.#options.aliased.add(key);
    if (!this.#options.adopting()) return;
    const orphans = orphanKeys(listing.keys, this.#options.test);
    for (const key of orphans) this.#options.adopt(key);
    onSweep?.(orphans.length, null);
  }

  /** The cheap half: adopts the owned keys of one namespace-wide listing that have no actor. */
  adoptFromListing(
    namespace: string,
    byService: ReadonlyMap<string, readonly RegisteredInstance[]>,
  ): void {
    if (!this.#options.adopting()) return;
    this.#covered.add(namespace);
    for (const instances of byService.values()) {
      for (const i of instances) if (isOwned(i, this.#owner)) this.#ownedSeen++;
    }
    const keys = ownedWithoutActor(namespace, byService, this.#owner, this.#options.test.hasActor);
    for (const key of keys) {
      this.#options.log?.("info", "owned instances found with no Service; reconciling", {
        service: key,
      });
      this.#options.adopt(key);
    }
  }
}
