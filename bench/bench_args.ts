/**
 * Parses the command line of `deno task bench`.
 *
 * @module
 */

/** One scenario: S Services in each of C clusters. */
export interface ScenarioSpec {
  readonly services: number;
  readonly clusters: number;
}

/** Settings of a benchmark run. */
export interface BenchArgs {
  readonly quick: boolean;
  readonly scenarios: readonly ScenarioSpec[];
  readonly runs: number;
  readonly endpoints: number;
  readonly rollouts: readonly number[];
  readonly eventIntervalMs: number;
  /** Per-phase timeout handed to the scenario process. */
  readonly timeoutMs: number;
  /** V8 old-space limit of the scenario process, MiB. */
  readonly maxHeapMb: number;
  readonly outDir?: string;
}

/** Every scenario of SPEC §10, in the order they run. */
export const FULL_SCENARIOS: readonly ScenarioSpec[] = [
  { services: 1000, clusters: 1 },
  { services: 1000, clusters: 3 },
  { services: 10_000, clusters: 1 },
  { services: 10_000, clusters: 3 },
  { services: 50_000, clusters: 1 },
  { services: 50_000, clusters: 3 },
];

const USAGE = "usage: deno task bench [--quick] [--scenarios 1000x1,10000x3] [--runs N] " +
  "[--rollouts 100,1000] [--event-interval-ms 5] [--timeout-min 30] [--max-heap-mb 8192] [--out DIR]";

function int(flag: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < min) {
    throw new TypeError(
      `Cannot run the benchmark: ${flag} is "${text}"; expected an integer >= ${min}\n${USAGE}`,
    );
  }
  return n;
}

/**
 * Returns the settings of `args`; throws a TypeError naming a bad flag.
 *
 * @example
 * ```ts
 * import { parseBenchArgs } from "./bench_args.ts";
 * const a = parseBenchArgs(["--scenarios", "10000x3"]);
 * if (a.scenarios[0].services !== 10000 || a.scenarios[0].clusters !== 3) throw new Error("x");
 * ```
 */
export function parseBenchArgs(args: readonly string[]): BenchArgs {
  let quick = false;
  let scenarios: ScenarioSpec[] | undefined;
  let runs = 1;
  let rollouts = [100, 1000];
  let eventIntervalMs = 5;
  let timeoutMs = 30 * 60_000;
  let maxHeapMb = 8192;
  let outDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = () => args[++i];
    switch (flag) {
      case "--quick":
        quick = true;
        break;
      case "--scenarios": {
        const text = value() ?? "";
        scenarios = text.split(",").map((part) => {
          const m = /^(\d+)(k?)x(\d+)$/.exec(part.trim());
          if (!m) {
            throw new TypeError(
              `Cannot run the benchmark: bad scenario "${part}"; expected SERVICESxCLUSTERS like 1000x3\n${USAGE}`,
            );
          }
          return { services: Number(m[1]) * (m[2] ? 1000 : 1), clusters: Number(m[3]) };
        });
        break;
      }
      case "--runs":
        runs = int(flag, value(), 1);
        break;
      case "--rollouts": {
        const text = value() ?? "";
        rollouts = text === "none" ? [] : text.split(",").map((s) => int(flag, s, 1));
        break;
      }
      case "--event-interval-ms":
        eventIntervalMs = int(flag, value(), 0);
        break;
      case "--timeout-min":
        timeoutMs = int(flag, value(), 1) * 60_000;
        break;
      case "--max-heap-mb":
        maxHeapMb = int(flag, value(), 256);
        break;
      case "--out":
        outDir = value();
        if (outDir === undefined) {
          throw new TypeError(`Cannot run the benchmark: --out needs a folder\n${USAGE}`);
        }
        break;
      default:
        throw new TypeError(`Cannot run the benchmark: unknown flag "${flag}"\n${USAGE}`);
    }
  }
  const chosen = scenarios ?? (quick ? [{ services: 1000, clusters: 1 }] : [...FULL_SCENARIOS]);
  return {
    quick,
    scenarios: chosen,
    runs,
    endpoints: 10,
    rollouts,
    eventIntervalMs,
    timeoutMs,
    maxHeapMb,
    outDir,
  };
}
