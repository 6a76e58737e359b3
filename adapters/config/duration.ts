/**
 * Go duration strings (`200ms`, `1m30s`, `1.5h`), the syntax of polaris-controller's
 * `server.resyncDuration` and of our duration keys, converted to milliseconds.
 *
 * @module
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3, // U+00B5 micro sign, accepted by Go
  "μs": 1e-3, // U+03BC Greek mu, accepted by Go
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const DURATION = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/**
 * Returns the number of whole milliseconds in a non-negative Go duration string, or undefined
 * when `text` is not one. Like Go's `time.ParseDuration`, a unit is required except for `"0"`;
 * unlike it, a sign is refused (no key of ours takes a negative duration) and sub-millisecond
 * remainders are rounded.
 *
 * @example
 * ```ts
 * import { parseDurationMs } from "./duration.ts";
 * if (parseDurationMs("1m30s") !== 90_000) throw new Error("unexpected");
 * if (parseDurationMs("90") !== undefined) throw new Error("a unit is required");
 * ```
 */
export function parseDurationMs(text: string): number | undefined {
  if (text === "0") return 0;
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit];
  return Number.isFinite(total) ? Math.round(total) : undefined;
}
