/**
 * The supervisor's lifecycle (SPEC §3–§4): wait until every cluster source has listed, then allow
 * deletes and sweep owned instances whose Service is gone, then run with a periodic resync that
 * re-reads Polaris and sweeps again. Definitions only: `actors/supervisor.ts` provides the effects.
 *
 * ```
 * listing ─(every source synced)→ sweeping ─done→ running ─resyncPeriod→ sweeping
 *                                    └─error→ sweepBackoff ─retryBackoff→ sweeping
 * (any) ─stop→ stopped
 * ```
 *
 * @module
 */

import { assign, fromPromise, setup } from "xstate";
import { backoffDelayMs } from "../domain/backoff.ts";

/** Input of the supervisor machine. */
export interface SupervisorInput {
  readonly clusterNames: readonly string[];
  readonly resyncPeriodMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

/** Context of the supervisor: plain JSON for the debug endpoint. */
export interface SupervisorContext extends SupervisorInput {
  readonly synced: readonly string[];
  readonly sweeps: number;
  readonly sweepFailures: number;
  readonly lastSweepError: string | null;
}

/** Events of the supervisor. */
export type SupervisorEvent =
  | { readonly type: "source.synced"; readonly clusterName: string }
  /** Sweep now (this replica just became the leader). */
  | { readonly type: "sweep.now" }
  | { readonly type: "stop" };

/** The supervisor machine; provide `actors.sweep` and the actions `allowDeletes`, `resyncAll`. */
export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as SupervisorInput,
  },
  actors: {
    sweep: fromPromise<void, void>(() => {
      throw new Error("sweep actor not provided");
    }),
  },
  delays: {
    resyncPeriod: ({ context }) => context.resyncPeriodMs,
    retryBackoff: ({ context }) =>
      backoffDelayMs(context.sweepFailures, {
        baseMs: context.backoffBaseMs,
        maxMs: context.backoffMaxMs,
        seed: "sweep",
      }),
  },
  guards: {
    allSynced: ({ context }) => context.clusterNames.every((c) => context.synced.includes(c)),
  },
  actions: {
    recordSynced: assign(({ context }, params: { clusterName: string }) => ({
      synced: context.synced.includes(params.clusterName)
        ? context.synced
        : [...context.synced, params.clusterName],
    })),
    recordSweep: assign(({ context }) => ({
      sweeps: context.sweeps + 1,
      sweepFailures: 0,
      lastSweepError: null,
    })),
    recordSweepFailure: assign(({ context }, params: { error: unknown }) => ({
      sweepFailures: context.sweepFailures + 1,
      lastSweepError: params.error instanceof Error ? params.error.message : String(params.error),
    })),
    allowDeletes: () => {},
    resyncAll: () => {},
    stopAll: () => {},
  },
}).createMachine({
  id: "supervisor",
  context: ({ input }) => ({
    ...input,
    synced: [],
    sweeps: 0,
    sweepFailures: 0,
    lastSweepError: null,
  }),
  initial: "listing",
  on: { stop: ".stopped" },
  states: {
    listing: {
      always: { guard: "allSynced", target: "sweeping", actions: "allowDeletes" },
      on: {
        "source.synced": {
          actions: {
            type: "recordSynced",
            params: ({ event }) => ({ clusterName: event.clusterName }),
          },
        },
      },
    },
    sweeping: {
      invoke: {
        src: "sweep",
        onDone: { target: "running", actions: "recordSweep" },
        onError: {
          target: "sweepBackoff",
          actions: { type: "recordSweepFailure", params: ({ event }) => ({ error: event.error }) },
        },
      },
    },
    sweepBackoff: {
      after: { retryBackoff: "sweeping" },
    },
    running: {
      after: { resyncPeriod: { target: "sweeping", actions: "resyncAll" } },
      on: { "sweep.now": "sweeping" },
    },
    stopped: { type: "final", entry: "stopAll" },
  },
});
