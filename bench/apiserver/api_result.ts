/**
 * The figures of the apiserver scenario (`api_scenario.ts`), as `bench/main.ts` prints them and
 * writes them to `bench/results/<date>.json`.
 *
 * @module
 */

import type { ApiserverSpec } from "../bench_args.ts";
import type { ApiPlan } from "./api_workload.ts";
import type { VerifyAnswer } from "../processes/emulator_child.ts";
import type { LatencySummary } from "../report/percentile.ts";
import type { WriteLowerBound } from "../scenario/request_kinds.ts";
import type { PhaseRequests } from "../scenario/scenario_result.ts";

/** One start of the controller process, measured from the moment it was spawned. */
export interface ControllerRunFigures {
  /** The operator endpoints first answered (Deno started, modules loaded, config read). */
  readonly listeningMs: number;
  /** `/readyz` answered 200 (every cluster listed, Polaris answered). */
  readonly readyMs: number;
  /** `/debug/overview`: first sweep done and every actor `synced`. */
  readonly settledMs: number;
  /** VmHWM of the process, read just before it was stopped. */
  readonly peakRssBytes: number | null;
  /** Exit code after SIGTERM. */
  readonly exitCode: number | null;
  /** Lines it printed, by level. */
  readonly lines: Readonly<Record<string, number>>;
}

/** Everything the apiserver scenario measured. */
export interface ApiScenarioResult {
  readonly shape: ApiserverSpec;
  readonly counts: ApiPlan["counts"];
  readonly setup: {
    readonly controlPlaneMs: number;
    /** Creating Nodes, Namespaces, Pods with status, Services. */
    readonly createMs: number;
    readonly createRequests: number;
    /** From the last create to every address published in Endpoints and EndpointSlices. */
    readonly publishMs: number;
    readonly sliceVersion: string;
  };
  readonly converge: {
    readonly complete: boolean;
    readonly instancesSeen: number;
    /** From spawn until the emulator holds every instance (its own count). */
    readonly instancesMs: number;
    readonly run: ControllerRunFigures;
    /** Requests until settled. */
    readonly requests: PhaseRequests;
    readonly lowerBound: WriteLowerBound;
    readonly verified: VerifyAnswer;
    /** Services whose registered hosts differ from their Pods' IPs (emulator read per service). */
    readonly mismatched: readonly string[];
    /** What the controller watched (`/debug/clusters`), with object counts. */
    readonly resources: readonly { readonly resource: string; readonly objects: number }[];
  };
  readonly restart: {
    readonly complete: boolean;
    readonly run: ControllerRunFigures;
    /** Requests from spawn until settled plus `quietMs`. */
    readonly requests: PhaseRequests;
    readonly quietMs: number;
  } | null;
  readonly rollout: {
    readonly pods: number;
    readonly events: number;
    readonly durationMs: number;
    /** Pod change acknowledged by kube-apiserver → first emulator read showing it. */
    readonly latency: LatencySummary;
    readonly unapplied: number;
    readonly requests: PhaseRequests;
    readonly lowerBound: WriteLowerBound;
    /** The controller's own `polaris_sync_sync_latency_seconds` over the rollout. */
    readonly controllerLatency: {
      readonly count: number;
      readonly meanMs: number;
      readonly p50UpperMs: number;
      readonly p99UpperMs: number;
    } | null;
    readonly verified: boolean;
  } | null;
  readonly emulatorRssBytes: number | null;
  readonly errors: readonly string[];
}
