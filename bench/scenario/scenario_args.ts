/**
 * Parses the command line of `scenario_run.ts` (one scenario process).
 *
 * @module
 */

/** Settings of one scenario process. */
export interface ScenarioArgs {
  readonly polaris: string;
  readonly control: string;
  /** The real server's console token (`--token`), sent as the controller's `accessToken`. */
  readonly token?: string;
  readonly services: number;
  readonly endpoints: number;
  readonly clusters: number;
  readonly aliasEvery: number;
  readonly rollouts: readonly number[];
  readonly eventIntervalMs: number;
  readonly idleResyncMs: number;
  readonly timeoutMs: number;
  readonly sampleMs: number;
  /** How often a waiting phase prints the engine's state to stderr. */
  readonly watchdogMs: number;
}

const NUMERIC: ReadonlyArray<readonly [string, keyof ScenarioArgs, number]> = [
  ["--services", "services", 1000],
  ["--endpoints", "endpoints", 10],
  ["--clusters", "clusters", 1],
  ["--alias-every", "aliasEvery", 100],
  ["--event-interval-ms", "eventIntervalMs", 5],
  ["--idle-resync-ms", "idleResyncMs", 3000],
  ["--timeout-ms", "timeoutMs", 1_800_000],
  ["--sample-ms", "sampleMs", 100],
  ["--watchdog-ms", "watchdogMs", 15_000],
];

/**
 * Returns the settings of `args` (`--flag value` pairs); throws a TypeError naming a bad flag.
 *
 * @example
 * ```ts
 * import { parseScenarioArgs } from "./scenario_args.ts";
 * const a = parseScenarioArgs(["--polaris", "http://p", "--control", "http://c", "--rollouts", "100,1000"]);
 * if (a.services !== 1000 || a.rollouts.join() !== "100,1000") throw new Error("defaults");
 * ```
 */
export function parseScenarioArgs(args: readonly string[]): ScenarioArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const value = args[i + 1];
    if (!args[i].startsWith("--") || value === undefined) {
      throw new TypeError(`Cannot run the scenario: bad argument "${args[i]}"`);
    }
    values.set(args[i], value);
  }
  const out: Record<string, unknown> = {
    polaris: values.get("--polaris"),
    control: values.get("--control"),
    token: values.get("--token"),
    rollouts: (values.get("--rollouts") ?? "100,1000").split(",").filter((s) => s !== "").map(
      Number,
    ),
  };
  for (const [flag, field, fallback] of NUMERIC) {
    const text = values.get(flag);
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < 0) {
      throw new TypeError(`Cannot run the scenario: ${flag} is "${text}"; expected an integer`);
    }
    out[field] = n;
  }
  const known = new Set([
    "--polaris",
    "--control",
    "--token",
    "--rollouts",
    ...NUMERIC.map(([f]) => f),
  ]);
  for (const flag of values.keys()) {
    if (!known.has(flag)) throw new TypeError(`Cannot run the scenario: unknown flag "${flag}"`);
  }
  if (typeof out.polaris !== "string" || typeof out.control !== "string") {
    throw new TypeError("Cannot run the scenario: --polaris and --control are required");
  }
  if ((out.rollouts as number[]).some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new TypeError(`Cannot run the scenario: bad --rollouts "${values.get("--rollouts")}"`);
  }
  return out as unknown as ScenarioArgs;
}
