/**
 * A small memo of list answers for the emulator: a client pages through one query 100 rows at a
 * time, and without it every page would filter and sort every stored instance again (quadratic in
 * the instance count; docs/BENCHMARKS.md, finding 6).
 *
 * @module
 */

/**
 * Keeps the values of the last few distinct keys, all computed at one store revision. A lookup or
 * store at any other revision first forgets everything, so a value never outlives the state it was
 * computed from and the memory held stays bounded by `capacity` entries.
 *
 * @example
 * ```ts
 * const cache = new QueryCache<number[]>(2);
 * cache.set("namespace=a", 7, [1, 2]);
 * console.log(cache.get("namespace=a", 7)); // [1, 2]
 * console.log(cache.get("namespace=a", 8)); // undefined: the store changed
 * ```
 */
export class QueryCache<T> {
  #capacity: number;
  #revision: number | undefined = undefined;
  #entries: Map<string, T> = new Map();

  /** Creates an empty cache holding at most `capacity` (at least 1) entries. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Cannot create a query cache of capacity "${capacity}": need 1 or more`);
    }
    this.#capacity = capacity;
  }

  /** Returns the value kept for `key` at `revision`, `undefined` when there is none. */
  get(key: string, revision: number): T | undefined {
    this.#forgetUnless(revision);
    const value = this.#entries.get(key);
    if (value !== undefined) {
      // Most recently used last, so that eviction drops the least recently used.
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** Keeps `value` for `key` at `revision`, dropping the least recently used entry when full. */
  set(key: string, revision: number, value: T): void {
    this.#forgetUnless(revision);
    this.#entries.delete(key);
    this.#entries.set(key, value);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#capacity) break;
      this.#entries.delete(oldest);
    }
  }

  /** The number of entries kept. */
  get size(): number {
    return this.#entries.size;
  }

  #forgetUnless(revision: number): void {
    if (revision === this.#revision) return;
    this.#entries.clear();
    this.#revision = revision;
  }
}
