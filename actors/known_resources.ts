/**
 * Polaris namespaces and services this process knows exist, so each is created at most once,
 * even when hundreds of service actors of one namespace ask at the same moment: they share the
 * one creation in flight instead of each queueing its own. Known is not forever: a resource a
 * write finds missing (deleted behind the controller's back) is forgotten, so the next attempt
 * creates it again.
 *
 * @module
 */

/**
 * Shares creations by key; forgets a key whose creation failed, or that a write found missing, so
 * it is tried again.
 */
export class KnownResources {
  readonly #known = new Set<string>();
  readonly #creating = new Map<string, Promise<void>>();

  /** Records a resource seen to exist (e.g. a service that lists instances). */
  add(key: string): void {
    this.#known.add(key);
  }

  /** Resolves once `key` exists, calling `create` only if nobody created or is creating it. */
  ensure(key: string, create: () => Promise<void>): Promise<void> {
    if (this.#known.has(key)) return Promise.resolve();
    let creating = this.#creating.get(key);
    if (!creating) {
      creating = create().then(
        () => {
          this.#known.add(key);
          this.#creating.delete(key);
        },
        (error) => {
          this.#creating.delete(key);
          throw error;
        },
      );
      this.#creating.set(key, creating);
    }
    return creating;
  }

  /**
   * Forgets a resource found missing (a write answered 400301 or 400305): the next `ensure`
   * creates it. A creation in flight is left to finish.
   */
  forget(key: string): void {
    this.#known.delete(key);
  }

  /** Whether `key` is known to exist. */
  has(key: string): boolean {
    return this.#known.has(key);
  }

  /** Number of resources known to exist. */
  get size(): number {
    return this.#known.size;
  }
}
