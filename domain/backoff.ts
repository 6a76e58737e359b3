/**
 * Retry delays: capped exponential backoff with jitter (sync-rules §3.5). The jitter is derived
 * from a seed (the service key) so that thousands of services failing together spread out, while a
 * test with a simulated clock still sees the same delay every run.
 *
 * @module
 */

/** Options of {@linkcode backoffDelayMs}. */
export interface BackoffOptions {
  /** The step of the first retry. */
  readonly baseMs: number;
  /** Cap on the step, jitter included. */
  readonly maxMs: number;
  /**
   * Jitter from a seed: equal seeds give equal delays (service keys, so a simulated clock sees the
   * same delay every run).
   */
  readonly seed?: string;
  /**
   * Jitter from a uniform draw in [0, 1), injected for deterministic tests; clamped into [0, 1].
   */
  readonly random?: () => number;
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
 * `baseMs × 2^(attempt-1)`, capped at `maxMs`, then jittered into its upper half [step/2, step]
 * ("equal jitter": half the step is always waited, so a rate-limited client really slows down,
 * while the other half spreads many clients apart). The jitter comes from `random` when given,
 * else from `seed`; with neither the delay is the whole step. The project's one backoff formula:
 * service actors, the sweep, the Polaris client and the Kubernetes watches all use it.
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
  const step = Math.max(0, Math.min(options.baseMs * 2 ** exponent, options.maxMs));
  const jitter = options.random
    ? Math.min(Math.max(options.random(), 0), 1)
    : options.seed !== undefined
    ? fraction(options.seed, attempt)
    : 1;
  return Math.round(step / 2 + (step / 2) * jitter);
}
