/**
 * The Services the cluster sources know that no cluster syncs and that have no service actor: the
 * debug endpoint lists them with the actors, each with its reasons (docs/operating.md, docs/decisions.md
 * §26), so a Service that is not synced is never just missing.
 *
 * Finding them walks every Service of every source. The page asks twice per poll (the list and the
 * counts), twice a second, so the walk is remembered until a source reports a change or the
 * number of actors changes (an actor released after an opt-out leaves a Service unsynced without
 * a change of its own), and for at most {@linkcode UNSYNCED_MAX_AGE_MS}.
 *
 * @module
 */

import type { ClusterSource } from "../domain/cluster.ts";
import { serviceKey } from "../domain/keys.ts";
import { shouldSync, type SyncPolicy, takesPart } from "../domain/should_sync.ts";

/** How long a walk is kept at most, whatever happened: a bound on anything the checks miss. */
export const UNSYNCED_MAX_AGE_MS = 2_000;

/** What {@linkcode UnsyncedServices} reads of the running system. */
export interface UnsyncedServicesOptions {
  readonly sources: readonly ClusterSource[];
  readonly policy: SyncPolicy;
  readonly hasActor: (key: string) => boolean;
  /** The number of actors, parked or running. */
  readonly actors: () => number;
  /** Milliseconds of a monotonic or wall clock. */
  readonly now: () => number;
}

/** The unsynced Services' keys, remembered between changes; see the module documentation. */
export class UnsyncedServices {
  readonly #options: UnsyncedServicesOptions;
  #generation = 0;
  #kept: {
    readonly keys: readonly string[];
    readonly generation: number;
    readonly actors: number;
    readonly at: number;
  } | null = null;

  constructor(options: UnsyncedServicesOptions) {
    this.#options = options;
    for (const source of options.sources) source.subscribe(() => this.#generation++);
  }

  /** The keys of the Services no cluster syncs and no actor runs for, in key order. */
  keys(): readonly string[] {
    const { actors, now } = this.#options;
    const kept = this.#kept;
    if (
      kept && kept.generation === this.#generation && kept.actors === actors() &&
      now() - kept.at < UNSYNCED_MAX_AGE_MS
    ) return kept.keys;
    const at = now();
    const generation = this.#generation;
    const count = actors();
    const keys = [...this.#walk()].sort();
    this.#kept = { keys, generation, actors: count, at };
    return keys;
  }

  /** Each unsynced key once, at the first source that has it (cheaper than a set of every key). */
  *#walk(): Generator<string> {
    const { sources, policy, hasActor } = this.#options;
    // Synced (or held) by some cluster: then its actor, under its Polaris name, shows it.
    const taken = (namespace: string, name: string) =>
      sources.some((source) => {
        const service = source.service(namespace, name);
        if (!service) return false;
        return takesPart(shouldSync(policy, source.namespace(namespace), service));
      });
    for (const [i, source] of sources.entries()) {
      services: for (const service of source.services()) {
        const { namespace, name } = service;
        for (let j = 0; j < i; j++) if (sources[j].service(namespace, name)) continue services;
        const key = serviceKey(namespace, name);
        if (!hasActor(key) && !taken(namespace, name)) yield key;
      }
    }
  }
}
