/**
 * A first-come, first-served limit on tasks running at once: the supervisor bounds reconciles in
 * flight with it, the registry reader its listings.
 *
 * @module
 */

/** Runs tasks with at most `limit` at once, in the order they arrived. */
export class Limiter {
  readonly #limit: number;
  readonly #queue: Array<() => void> = [];
  #active = 0;

  /** Creates a limiter; `limit` is clamped to at least 1. */
  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** Tasks waiting for a turn. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Runs `task` when its turn comes; settles as the task does. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#limit) {
      await new Promise<void>((resolve) => this.#queue.push(resolve));
    } else {
      this.#active++;
    }
    try {
      return await task();
    } finally {
      const next = this.#queue.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
