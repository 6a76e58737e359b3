/**
 * The deletes this controller made, kept so a later read that still lists one of them is known for
 * a phantom (`domain/phantoms.ts`). One store per process, shared by every service actor. It is
 * bounded: past `limit` entries the oldest are forgotten (a forgotten phantom is deleted once more,
 * then remembered again).
 *
 * @module
 */

import { type Tombstone, tombstoneKey } from "../domain/phantoms.ts";
import type { RegisteredInstance } from "../domain/polaris.ts";

/** Deleted instances by `tombstoneKey`, oldest first. */
export class Tombstones {
  readonly #entries = new Map<string, Tombstone>();
  readonly #limit: number;

  /** `limit`: how many deletes to remember (100,000 by default, about 15 MB at most). */
  constructor(limit = 100_000) {
    this.#limit = limit;
  }

  /** The tombstone of a key, if this controller deleted it and has not seen it written since. */
  get(key: string): Tombstone | undefined {
    return this.#entries.get(key);
  }

  /** Remembers a delete of an instance at the revision it was read with. */
  deleted(instance: RegisteredInstance, purged = false): void {
    if (!instance.revision) return;
    const key = tombstoneKey(instance);
    const known = this.#entries.get(key);
    this.#entries.delete(key);
    this.#entries.set(key, {
      revision: instance.revision,
      purged: purged || known?.purged === true,
    });
    while (this.#entries.size > this.#limit) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /** Forgets a key that was written again (created by us). */
  written(key: string): void {
    this.#entries.delete(key);
  }

  /** How many deletes are remembered. */
  get size(): number {
    return this.#entries.size;
  }
}
