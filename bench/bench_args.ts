/**
 * Parses the command line of `deno task bench`.
 *
 * @module
 */

import type { PolarisKind } from "./processes/emulator_client.ts";

/** The Polaris sides `--polaris` takes, in the order a run goes through them. */
export const POLARIS_KINDS: readonly PolarisKind[] = ["emulator", "boltdb", "mysql"];

/** One scenario: S Services in each of C clusters. */
export interface ScenarioSpec {
  readonly services: number;
  readonly clusters: number;
}

/** The scenario on a real kube-apiserver: S Services × P ready Pods, plus a rolling change. */
export interface ApiserverSpec {
  readonly services: number;
  readonly podsPerService: number;
  /** Pods of the Service that the rolling change replaces (0: no rolling change). */
  readonly rolloutPods: number;
  /** Time between two changes of the rolling change (a new Pod ready, an old Pod deleted). */
  readonly eventIntervalMs: number;
}

/** Defaults of the apiserver scenario (`--apiserver`). */
export const APISERVER_DEFAULTS: ApiserverSpec = {
  services: 1000,
  podsPerService: 3,
  rolloutPods: 20,
  eventIntervalMs: 250,
};

/** Settings of a benchmark run. */
export interface BenchArgs {
  readonly quick: boolean;
  readonly scenarios: readonly ScenarioSpec[];
  /** The apiserver scenario, run after the others; null when not asked for (never in --quick). */
  readonly apiserver: ApiserverSpec | null;
  readonly runs: number;
  /**
   * The Polaris sides each scenario runs against, one after another on the same workload: the
   * emulator, the real server on boltdb, the real server on MySQL (MariaDB). Default the emulator.
   */
  readonly polaris: readonly PolarisKind[];
  readonly endpoints: number;
  readonly rollouts: readonly number[];
  readonly eventIntervalMs: number;
  /** Per-phase timeout handed to the scenario process. */
  readonly timeoutMs: number;
  /** V8 old-space limit of the scenario process, MiB. */
  readonly maxHeapMb: number;
  /**
   * V8 heap limit of the controller process, MiB, as an operator would set it to fit a memory
   * limit; null: the same limit as the emulator (`maxHeapMb`).
   */
  readonly controllerHeapMb: number | null;
  readonly outDir?: string;
}

/** Every scenario of docs/BENCHMARKS.md, in the order they run. */
export const FULL_SCENARIOS: readonly ScenarioSpec[] = [
  { services: 1000, clusters: 1 },
  { services: 1000, clusters: 3 },
  { services: 10_000, clusters: 1 },
  { services: 10_000, clusters: 3 },
  { services: 50_000, clusters: 1 },
  { services: 50_000, clusters: 3 },
];

/** The one-line usage of `deno task bench`, with every flag. */
export const USAGE = "usage: deno task bench [--quick] [--scenarios 1000x1,10000x3] [--runs N] " +
  "[--polaris emulator,boltdb,mysql] [--rollouts 100,1000] [--event-interval-ms 5] [--timeout-min 30] [--max-heap-mb 8192] [--controller-heap-mb MB] [--out DIR]\n" +
  "       [--apiserver] [--api-services 1000] [--api-pods 3] [--api-rollout-pods 20] " +
  "[--api-event-interval-ms 250]";

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
  let polaris: PolarisKind[] = ["emulator"];
  let rollouts = [100, 1000];
  let eventIntervalMs = 5;
  let timeoutMs = 30 * 60_000;
  let maxHeapMb = 8192;
  let controllerHeapMb: number | null = null;
  let outDir: string | undefined;
  let apiserverAsked = false;
  const api = { ...APISERVER_DEFAULTS };
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
      case "--polaris": {
        const text = value() ?? "";
        polaris = [...new Set(text.split(",").map((s) => s.trim()))] as PolarisKind[];
        const bad = polaris.find((kind) => !POLARIS_KINDS.includes(kind));
        if (bad !== undefined || polaris.length === 0) {
          throw new TypeError(
            `Cannot run the benchmark: --polaris "${text}"; expected a list of ${
              POLARIS_KINDS.join(", ")
            }\n${USAGE}`,
          );
        }
        break;
      }
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
      case "--controller-heap-mb":
        controllerHeapMb = int(flag, value(), 64);
        break;
      case "--out":
        outDir = value();
        if (outDir === undefined) {
          throw new TypeError(`Cannot run the benchmark: --out needs a folder\n${USAGE}`);
        }
        break;
      case "--apiserver":
        apiserverAsked = true;
        break;
      case "--api-services":
        api.services = int(flag, value(), 1);
        apiserverAsked = true;
        break;
      case "--api-pods":
        api.podsPerService = int(flag, value(), 1);
        apiserverAsked = true;
        break;
      case "--api-rollout-pods":
        api.rolloutPods = int(flag, value(), 0);
        apiserverAsked = true;
        break;
      case "--api-event-interval-ms":
        api.eventIntervalMs = int(flag, value(), 0);
        apiserverAsked = true;
        break;
      default:
        throw new TypeError(`Cannot run the benchmark: unknown flag "${flag}"\n${USAGE}`);
    }
  }
  if (quick && apiserverAsked) {
    throw new TypeError(
      `Cannot run the benchmark: the apiserver scenario is not part of --quick; run it alone with --apiserver\n${USAGE}`,
    );
  }
  // `--apiserver` alone runs only that scenario; the full run (no flags) ends with it.
  const chosen = scenarios ??
    (quick ? [{ services: 1000, clusters: 1 }] : apiserverAsked ? [] : [...FULL_SCENARIOS]);
  const apiserver = apiserverAsked || (!quick && scenarios === undefined) ? api : null;
  return {
    quick,
    scenarios: chosen,
    apiserver,
    runs,
    polaris,
    endpoints: 10,
    rollouts,
    eventIntervalMs,
    timeoutMs,
    maxHeapMb,
    controllerHeapMb,
    outDir,
  };
}
