/**
 * The project's one bounded-concurrency helper: a first-come, first-served limit on tasks running
 * at once. The supervisor bounds reconciles in flight with it, the registry reader its listings,
 * and the Polaris client its pages and write chunks (`runBounded`).
 *
 * @module
 */

/** Options of {@linkcode Limiter}. */
export interface LimiterOptions {
  /** Tasks running at once; at least 1. */
  readonly limit: number;
  /**
   * Once the limit is reached, waiting tasks start again only when no more than this many run,
   * and then as many as fit (default `limit - 1`: one starts as soon as one ends). A low mark
   * starts waiting tasks in groups, which keeps the reads of one namespace together.
   */
  readonly resumeAt?: number;
}

/** Runs tasks with a bounded number at once, in the order they arrived. */
export class Limiter {
  readonly #limit: number;
  readonly #resumeAt: number;
  readonly #queue: Array<() => void> = [];
  #active = 0;

  /** Creates a limiter; see {@linkcode LimiterOptions}. */
  constructor(options: LimiterOptions) {
    this.#limit = Math.max(1, options.limit);
    this.#resumeAt = Math.min(this.#limit - 1, Math.max(0, options.resumeAt ?? this.#limit - 1));
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** Tasks waiting for a turn. */
  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * Runs `task` when its turn comes; settles as the task does. When `signal` aborts while the task
   * waits, it leaves the queue without running and the promise rejects with the signal's reason.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#active >= this.#limit || this.#queue.length > 0) {
      await new Promise<void>((resolve, reject) => {
        const turn = () => {
          signal?.removeEventListener("abort", leave);
          resolve();
        };
        const leave = () => {
          const index = this.#queue.indexOf(turn);
          if (index >= 0) this.#queue.splice(index, 1);
          reject(signal?.reason);
        };
        if (signal?.aborted) return leave();
        signal?.addEventListener("abort", leave, { once: true });
        this.#queue.push(turn);
      });
    } else {
      this.#active++;
    }
    try {
      signal?.throwIfAborted();
      return await task();
    } finally {
      this.#active--;
      if (this.#active <= this.#resumeAt) {
        while (this.#active < this.#limit && this.#queue.length > 0) {
          this.#active++;
          this.#queue.shift()?.();
        }
      }
    }
  }
}

/**
 * Runs `task` for every item, in order, with at most `limit` running at once, and resolves when
 * all have settled. Tasks are expected to report their own failures; the first rejection is
 * rethrown only after every task has finished, so no request is left dangling.
 */
export async function runBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const limiter = new Limiter({ limit });
  const errors: unknown[] = [];
  await Promise.all(items.map((item) =>
    limiter.run(() => task(item)).catch((error) => {
      errors.push(error);
    })
  ));
  if (errors.length > 0) throw errors[0];
}
