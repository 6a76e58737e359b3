/**
 * The run count and seed of every fuzz property (`*_fuzz_test.ts`), so that the test suite runs a
 * bounded, reproducible number of cases and `deno task fuzz` a long one.
 *
 * By default a property runs its own `runs` with the fixed {@link DEFAULT_FUZZ_SEED}: the same
 * cases on every run, fast enough for the suite. `FUZZ_RUNS` replaces the count (divided by the
 * property's `cost`, for properties that cross HTTP or run a reconcile) and `FUZZ_SEED` the seed,
 * e.g. to replay a seed that a long run printed. The environment is read only where the process
 * may read those two variables; without `--allow-env` the defaults apply.
 *
 * @module
 */

/** The seed every fuzz property uses unless `FUZZ_SEED` says otherwise. */
export const DEFAULT_FUZZ_SEED = 20_240_611;

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
 * Returns the `numRuns` and `seed` for one property: its defaults, or `FUZZ_RUNS` / `cost` and
 * `FUZZ_SEED` when set. Throws a `RangeError` naming the variable when one is not a whole number,
 * so a typo never silently runs the short mode.
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
  env: Readonly<Record<string, string | undefined>> = readFuzzEnv(),
): FuzzParameters {
  const runs = wholeNumber(env, "FUZZ_RUNS");
  const seed = wholeNumber(env, "FUZZ_SEED");
  const cost = Math.max(1, options.cost ?? 1);
  return {
    numRuns: runs === undefined ? options.runs : Math.max(1, Math.ceil(runs / cost)),
    seed: seed ?? DEFAULT_FUZZ_SEED,
  };
}

/** True when `FUZZ_RUNS` is set: the long mode, where a test may print what it covered. */
export function longFuzzMode(
  env: Readonly<Record<string, string | undefined>> = readFuzzEnv(),
): boolean {
  return wholeNumber(env, "FUZZ_RUNS") !== undefined;
}

function wholeNumber(
  env: Readonly<Record<string, string | undefined>>,
  name: "FUZZ_RUNS" | "FUZZ_SEED",
): number | undefined {
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

/** Reads `FUZZ_RUNS` and `FUZZ_SEED` where the process may; an empty map where it may not. */
function readFuzzEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const variable of ["FUZZ_RUNS", "FUZZ_SEED"]) {
    if (Deno.permissions.querySync({ name: "env", variable }).state === "granted") {
      env[variable] = Deno.env.get(variable);
    }
  }
  return env;
}
