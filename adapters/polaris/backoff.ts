/**
 * Retry delays for Polaris calls.
 *
 * @module
 */

/** Inputs of {@link backoffDelayMs}. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  readonly baseMs: number;
  /** Cap on the delay, jitter included. */
  readonly maxMs: number;
  /** Uniform random number in [0, 1), injected so tests are deterministic. */
  readonly random: () => number;
}

/**
 * Returns how long to wait before retry number `retry` (1 = the first retry): capped exponential
 * backoff with "equal jitter", i.e. a uniform draw in [cap/2, cap] where
 * `cap = min(maxMs, baseMs * 2^(retry-1))`. Half the window is always waited, so a rate-limited
 * client (403003) really slows down, while the random half spreads many clients apart (SPEC §3).
 *
 * @example
 * ```ts
 * import { backoffDelayMs } from "./backoff.ts";
 * const ms = backoffDelayMs(3, { baseMs: 200, maxMs: 5000, random: () => 0.5 });
 * if (ms !== 600) throw new Error(`unexpected ${ms}`);
 * ```
 */
export function backoffDelayMs(retry: number, options: BackoffOptions): number {
  const exponent = Math.max(0, Math.min(retry - 1, 30));
  const cap = Math.max(0, Math.min(options.maxMs, options.baseMs * 2 ** exponent));
  const draw = Math.min(Math.max(options.random(), 0), 1);
  return Math.round(cap / 2 + (cap / 2) * draw);
}
