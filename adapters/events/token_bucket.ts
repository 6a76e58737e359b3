/**
 * A token bucket: `burst` tokens, refilled at `perSecond`, read against an injected clock. The
 * Event recorder takes one token per API write, so a flood of bad Services cannot flood the API
 * server (client-go's event broadcaster limits the same way).
 *
 * @module
 */

/** Options of {@linkcode TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens available at once (and at start). */
  readonly burst: number;
  /** Tokens added per second, up to `burst`. */
  readonly perSecond: number;
  /** Epoch milliseconds; `Date.now` by default. */
  readonly now?: () => number;
}

/** A token bucket; see the module documentation. */
export class TokenBucket {
  readonly #burst: number;
  readonly #perMs: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  /** Creates a full bucket. */
  constructor(options: TokenBucketOptions) {
    if (!(options.burst >= 1) || !(options.perSecond > 0)) {
      throw new RangeError(
        `Cannot create a token bucket with burst "${options.burst}" and rate "${options.perSecond}"`,
      );
    }
    this.#burst = options.burst;
    this.#perMs = options.perSecond / 1000;
    this.#now = options.now ?? Date.now;
    this.#tokens = options.burst;
    this.#at = this.#now();
  }

  /** Takes one token; returns false (and takes nothing) when the bucket is empty. */
  take(): boolean {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + Math.max(0, now - this.#at) * this.#perMs);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
