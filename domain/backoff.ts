/**
 * Retry delays: capped exponential backoff with jitter (SPEC §3). The jitter is derived from a
 * seed (the service key) so that thousands of services failing together spread out, while a test
 * with a simulated clock still sees the same delay every run.
 *
 * @module
 */

/** Options of {@linkcode backoffDelayMs}. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Any string; equal seeds give equal jitter. */
  readonly seed: string;
}

function fraction(seed: string, attempt: number): number {
  // FNV-1a over seed and attempt: cheap, stable, well spread.
  let hash = 0x811c9dc5;
  const text = `${seed}#${attempt}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 0x100000000;
}

/**
 * Returns the delay before retry number `attempt` (1 for the first retry): the exponential step
 * `baseMs × 2^(attempt-1)`, capped at `maxMs`, then jittered into its upper half [step/2, step].
 *
 * @example
 * ```ts
 * import { backoffDelayMs } from "./backoff.ts";
 * const d = backoffDelayMs(3, { baseMs: 100, maxMs: 1000, seed: "ns/svc" });
 * if (d < 200 || d > 400) throw new Error("out of range");
 * ```
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const step = Math.min(options.baseMs * 2 ** exponent, options.maxMs);
  return Math.round(step / 2 + (step / 2) * fraction(options.seed, attempt));
}
