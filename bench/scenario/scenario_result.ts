/**
 * The figures one scenario process reports (one JSON line), as `bench/main.ts` reads them and
 * writes them to `bench/results/<date>.json`.
 *
 * @module
 */

import type { VerifyAnswer } from "../processes/emulator_child.ts";
import type { MemoryPeaks } from "../processes/memory_sampler.ts";
import type { UsageFigures } from "../processes/usage_steps.ts";
import type { LatencySummary } from "../report/percentile.ts";
import type { RequestKinds, WriteLowerBound } from "./request_kinds.ts";
import type { WorkloadCounts } from "./workload.ts";

/** Requests seen by the emulator during one phase. */
export interface PhaseRequests {
  /** Counters keyed `"METHOD /path"`. */
  readonly raw: Readonly<Record<string, number>>;
  readonly kinds: RequestKinds;
}

/** One rolling update. */
export interface RolloutFigures {
  readonly pods: number;
  readonly events: number;
  readonly durationMs: number;
  readonly latency: LatencySummary;
  readonly requests: PhaseRequests;
  /** One create, one update and one delete item per pod, batched by 100. */
  readonly lowerBound: WriteLowerBound;
}

/** Everything one scenario measured. */
export interface ScenarioResult {
  readonly shape: {
    readonly services: number;
    readonly endpoints: number;
    readonly clusters: number;
    readonly aliasEvery: number;
    readonly eventIntervalMs: number;
  };
  readonly counts: WorkloadCounts;
  readonly converge: {
    readonly complete: boolean;
    readonly instancesSeen: number;
    /** From start until the emulator holds every instance. */
    readonly instancesMs: number;
    /** From start until the supervisor is settled (sweep done, every actor synced). */
    readonly settledMs: number;
    readonly requests: PhaseRequests;
    readonly lowerBound: WriteLowerBound;
    readonly verified: VerifyAnswer;
  };
  readonly rollouts: readonly RolloutFigures[];
  readonly restart: {
    readonly settled: boolean;
    readonly ms: number;
    /** From start until the first sweep (all owned instances listed) finished. */
    readonly sweptMs: number;
    readonly requests: PhaseRequests;
  };
  readonly idleResync: {
    readonly periodMs: number;
    /** True when a resync already ran before the restart settled (figures then mix). */
    readonly overlapped: boolean;
    readonly settleMs: number;
    readonly requests: PhaseRequests | null;
  };
  readonly memory: {
    readonly overall: MemoryPeaks;
    readonly phases: Readonly<Record<string, MemoryPeaks>>;
    readonly heapBaselineBytes: number;
    readonly heapAfterGenerateBytes: number;
    readonly heapAfterConvergeBytes: number;
    /** Heap after GC once the first and the second system were stopped and dropped. */
    readonly heapAfterStopsBytes: readonly number[];
    readonly emulatorRssBytes: number;
  };
  /** CPU time per phase and RSS of the controller and of each Polaris-side process. */
  readonly usage: UsageFigures;
  /** Time of one page of each kind of listing against the converged emulator, ms. */
  readonly probesMs: Readonly<Record<string, number>>;
  readonly log: {
    readonly lines: number;
    readonly sweepFailures: number;
    readonly first: readonly string[];
  };
  readonly errors: readonly string[];
}
