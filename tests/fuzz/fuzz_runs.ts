/**
 * The run count and seed of every fuzz property (`*_fuzz_test.ts`), so that the test suite runs a
 * bounded, reproducible number of cases and `deno task fuzz` a long one.
 *
 * By default a property runs its own `runs` with the fixed {@link DEFAULT_FUZZ_SEED}: the same
 * cases on every run, fast enough for the suite. The long mode (`FUZZ_MODE=long`, which
 * `deno task fuzz` sets, or any `FUZZ_RUNS`) runs {@link LONG_FUZZ_RUNS} or `FUZZ_RUNS` cases,
 * divided by the property's `cost` (about its time per case against a pure function's: a case
 * over HTTP costs hundreds), so that every property takes seconds, not hours. `FUZZ_SEED`
 * replaces the seed, to look at other cases or to replay a seed a failure printed. The
 * environment is read only where the process may read these variables; without `--allow-env`
 * the defaults apply.
 *
 * @module
 */

/** The seed every fuzz property uses unless `FUZZ_SEED` says otherwise. */
export const DEFAULT_FUZZ_SEED = 20_240_611;

/** Runs of a property of cost 1 in the long mode when `FUZZ_RUNS` is not set. */
export const LONG_FUZZ_RUNS = 100_000;

type FuzzEnv = Readonly<Record<string, string | undefined>>;

/** What a property passes to `fc.assert`. */
export interface FuzzParameters {
  readonly numRuns: number;
  readonly seed: number;
}

/** How a property runs by default, and how much one of its runs costs in the long mode. */
export interface FuzzRunsOptions {
  /** Runs in the test suite. */
  readonly runs: number;
  /**
   * `FUZZ_RUNS` is divided by this (default 1): a property whose run takes a request to a local
   * server costs more than one that calls a pure function, and the long mode should take minutes.
   */
  readonly cost?: number;
}

/**
 * Returns the `numRuns` and `seed` for one property: its defaults, or in the long mode
 * (`FUZZ_RUNS` or {@link LONG_FUZZ_RUNS}) / `cost`, never fewer than the defaults; `FUZZ_SEED`
 * when set. Throws a `RangeError` naming the variable when one is malformed, so a typo never
 * silently runs the short mode.
 *
 * @example
 * ```ts
 * import { fuzzParameters } from "./fuzz_runs.ts";
 * const p = fuzzParameters({ runs: 200 }, {});
 * if (p.numRuns !== 200) throw new Error("unexpected");
 * ```
 */
export function fuzzParameters(
  options: FuzzRunsOptions,
  env: FuzzEnv = readFuzzEnv(),
): FuzzParameters {
  const seed = wholeNumber(env, "FUZZ_SEED") ?? DEFAULT_FUZZ_SEED;
  if (!longFuzzMode(env)) return { numRuns: options.runs, seed };
  const runs = wholeNumber(env, "FUZZ_RUNS") ?? LONG_FUZZ_RUNS;
  const cost = Math.max(1, options.cost ?? 1);
  return { numRuns: Math.max(options.runs, Math.ceil(runs / cost)), seed };
}

/** True in the long mode: `FUZZ_MODE=long` or `FUZZ_RUNS` set. */
export function longFuzzMode(env: FuzzEnv = readFuzzEnv()): boolean {
  const mode = env.FUZZ_MODE?.trim();
  if (mode !== undefined && mode !== "" && mode !== "long") {
    throw new RangeError(`FUZZ_MODE is "${mode}"; expected "long" or nothing`);
  }
  return mode === "long" || wholeNumber(env, "FUZZ_RUNS") !== undefined;
}

function wholeNumber(env: FuzzEnv, name: "FUZZ_RUNS" | "FUZZ_SEED"): number | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === "") return undefined;
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new RangeError(`${name} is "${text}"; expected a whole number`);
  }
  if (name === "FUZZ_RUNS" && Number(text) < 1) {
    throw new RangeError(`${name} is "${text}"; expected at least 1`);
  }
  return Number(text);
}

/** Reads the `FUZZ_*` variables where the process may; an empty map where it may not. */
function readFuzzEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const variable of ["FUZZ_MODE", "FUZZ_RUNS", "FUZZ_SEED"]) {
    if (Deno.permissions.querySync({ name: "env", variable }).state === "granted") {
      env[variable] = Deno.env.get(variable);
    }
  }
  return env;
}
