/**
 * The supervisor's lifecycle (SPEC §3–§4): wait until every cluster source has listed, then allow
 * deletes and sweep owned instances whose Service is gone, then run with a periodic resync that
 * re-reads every service with an actor. Definitions only: `actors/supervisor.ts` provides the
 * effects.
 *
 * ```
 * listing ─(every source synced)→ sweeping ─done→ running ─resyncPeriod→ running (resyncAll)
 *                                    └─error→ sweepBackoff ─retryBackoff→ sweeping
 * running ─sweep.now→ sweeping          (any) ─stop→ stopped
 * ```
 *
 * The full sweep (every owned instance, page by page) runs once after the first list and again
 * when this replica becomes the leader, not on every resync: after start-up an owned instance can
 * only lose its Service through an actor, which deletes it itself. The resync does not list owned
 * instances; it re-reads each actor's service (`docs/decisions.md` §9).
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
  /** Periodic resyncs started since the process began. */
  readonly resyncs: number;
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
    recordResync: assign(({ context }) => ({ resyncs: context.resyncs + 1 })),
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
    resyncs: 0,
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
      after: {
        resyncPeriod: { target: "running", reenter: true, actions: ["recordResync", "resyncAll"] },
      },
      on: { "sweep.now": "sweeping" },
    },
    stopped: { type: "final", entry: "stopAll" },
  },
});
