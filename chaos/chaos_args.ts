/**
 * Parses the command line of `deno task chaos`.
 *
 * @module
 */

/** Settings of a chaos run. */
export interface ChaosArgs {
  readonly quick: boolean;
  /** Planned length of the cycles (start-up and the last quiet period come on top). */
  readonly minutes: number;
  readonly seed: string;
  /** Controller processes, 1..3, electing a leader on one Lease. */
  readonly replicas: number;
  readonly cycles: number;
  readonly activeMs: number;
  readonly faultsPerCycle: { readonly min: number; readonly max: number };
  /** Bound of each quiet period's wait for convergence. */
  readonly convergeTimeoutMs: number;
  readonly outDir: string | null;
}

/** The usage line, with every flag. */
export const USAGE =
  "usage: deno task chaos [--quick] [--minutes N] [--seed S] [--replicas 1-3] [--out DIR]\n" +
  "  --quick      5 short cycles, every fault kind once, under 3 minutes in all (CI)\n" +
  "  --minutes N  N minutes of 40 s cycles of churn and faults, each followed by a quiet period\n" +
  "               (default 10)\n" +
  "  --seed S     the schedule's seed (default: 1 with --quick, else the current time)\n" +
  "  --replicas N controller processes with leader election (default: 2 with --quick, else 3)";

function int(flag: string, text: string | undefined, min: number, max: number): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < min || n > max) {
    throw new TypeError(
      `Cannot run chaos: ${flag} is "${text}"; expected an integer from ${min} to ${max}\n${USAGE}`,
    );
  }
  return n;
}

/**
 * Returns the settings of `args`; throws a TypeError naming a bad flag. `now` gives the default
 * seed of a long run.
 *
 * @example
 * ```ts
 * import { parseChaosArgs } from "./chaos_args.ts";
 * const args = parseChaosArgs(["--quick"], () => 0);
 * if (args.seed !== "1" || args.cycles !== 5) throw new Error("unexpected");
 * ```
 */
export function parseChaosArgs(args: readonly string[], now: () => number): ChaosArgs {
  let quick = false;
  let minutes = 10;
  let seed: string | undefined;
  let replicas: number | undefined;
  let outDir: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => inline ?? args[++i];
    switch (flag) {
      case "--quick":
        quick = true;
        break;
      case "--minutes":
        minutes = int("--minutes", value(), 1, 24 * 60);
        break;
      case "--seed": {
        const text = value();
        if (!text) throw new TypeError(`Cannot run chaos: --seed needs a value\n${USAGE}`);
        seed = text;
        break;
      }
      case "--replicas":
        replicas = int("--replicas", value(), 1, 3);
        break;
      case "--out": {
        const text = value();
        if (!text) throw new TypeError(`Cannot run chaos: --out needs a folder\n${USAGE}`);
        outDir = text;
        break;
      }
      default:
        throw new TypeError(`Cannot run chaos: unknown flag "${args[i]}"\n${USAGE}`);
    }
  }
  if (quick) {
    return {
      quick,
      minutes: 2,
      seed: seed ?? "1",
      replicas: replicas ?? 2,
      cycles: 5,
      activeMs: 14_000,
      faultsPerCycle: { min: 2, max: 2 },
      convergeTimeoutMs: 30_000,
      outDir,
    };
  }
  const activeMs = 40_000;
  return {
    quick,
    minutes,
    seed: seed ?? String(now()),
    replicas: replicas ?? 3,
    // The active periods alone fill the minutes asked for; the quiet periods come on top.
    cycles: Math.max(1, Math.ceil((minutes * 60_000) / activeMs)),
    activeMs,
    faultsPerCycle: { min: 2, max: 3 },
    convergeTimeoutMs: 90_000,
    outDir,
  };
}
