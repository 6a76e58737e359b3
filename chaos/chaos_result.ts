/**
 * The figures of a chaos run, per cycle and in total, as printed and written to
 * `chaos/results/<date>.json`.
 *
 * @module
 */

import type { Finding, RegistryCounts } from "./compare.ts";
import type { FaultRecord } from "./fault_runner.ts";
import type { LeaseViolation } from "./lease_audit.ts";
import type { FaultKind } from "./schedule.ts";
import type { WrongfulWrite } from "./write_audit.ts";

/** The churn of one cycle. */
export interface ChurnFigures {
  readonly planned: number;
  readonly done: number;
  /** Refused by the API server (the object went away meanwhile); not retried. */
  readonly skipped: number;
  readonly byOp: Readonly<Record<string, number>>;
  readonly skippedReasons: readonly string[];
}

/** One cycle's figures. */
export interface CycleResult {
  readonly index: number;
  readonly faults: readonly FaultRecord[];
  readonly churn: ChurnFigures;
  /** Time from the quiet period's start to a registry equal to the expectation; null: timed out. */
  readonly convergeMs: number | null;
  /** The registry compared after the quiet period (the converged one, or the last one). */
  readonly counts: RegistryCounts;
  /** Write items that named a foreign instance or alias, or wrote metadata not ours. */
  readonly wrongfulWrites: number;
  /** Writes a replica sent while another replica held the Lease. */
  readonly afterLease: number;
  readonly findings: readonly Finding[];
  readonly wrongfulWriteDetails: readonly WrongfulWrite[];
  readonly leaseViolations: readonly LeaseViolation[];
  /** Write requests each replica's proxy received during the cycle. */
  readonly writesByReplica: Readonly<Record<string, number>>;
  readonly leaderAtEnd: string | null;
  /** Wall time of the cycle (active and quiet). */
  readonly wallMs: number;
}

/** Convergence times of the cycles that contained one kind of fault. */
export interface ConvergenceByKind {
  readonly kind: FaultKind | "start-up";
  readonly cycles: number;
  readonly p50Ms: number | null;
  readonly maxMs: number | null;
  /** Cycles that did not converge within the bound. */
  readonly timedOut: number;
}

/** Sums over the run; the run fails when any is non-zero. */
export interface RunTotals {
  readonly lost: number;
  readonly leaked: number;
  readonly wrongful: number;
  readonly duplicates: number;
  readonly wrongFields: number;
  readonly aliasLost: number;
  readonly aliasLeaked: number;
  readonly afterLease: number;
  readonly notConverged: number;
}

/** A whole run. */
export interface ChaosRunResult {
  readonly seed: string;
  readonly scheduleHash: string;
  readonly replicas: number;
  readonly startedAt: string;
  readonly wallMs: number;
  readonly startupMs: number;
  readonly startupConvergeMs: number | null;
  readonly cycles: readonly CycleResult[];
  readonly faultsByKind: Readonly<Record<string, number>>;
  readonly churnByOp: Readonly<Record<string, number>>;
  readonly convergence: readonly ConvergenceByKind[];
  readonly totals: RunTotals;
  /** The slack the Lease audit allowed (the worst event-loop delay seen, plus 50 ms). */
  readonly leaseSlackMs: number;
  readonly leaseReads: number;
  readonly versions: Readonly<Record<string, string>>;
}
