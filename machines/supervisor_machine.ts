/**
 * The supervisor's lifecycle (sync-rules §3; the design: README, "One change, from the watch to
 * Polaris"). Two things decide what the running system may do: who holds the lease, and whether
 * every cluster source has listed. Both are states here, so no code keeps them as flags.
 *
 * ```
 * starting ─(leading at start)→ leading ─lease.lost→ following ─lease.gained→ leading
 *        └─(follower at start)→ following                               (any) ─stop→ stopped
 *
 * leading:  listing ─(every source listed)→ sweeping ─done→ running ─resyncPeriod→ running
 *                                              └─error→ sweepBackoff ─retryBackoff→ sweeping
 * ```
 *
 * - **Deletes** are allowed once every source has listed, whoever leads: `source.synced` is taken
 *   in every state, and the one that completes the set runs `allowDeletes` (sync-rules §3).
 * - **Leading** is entered with `takeOver` (reconcile what the listed sources hold) and left with
 *   `standDown` (stop every service actor and forget queued work), so losing the lease and
 *   stopping leave the same way.
 * - **The full sweep** (every owned instance, page by page) runs each time this replica starts
 *   leading with every source listed, not on every resync: after that an owned instance can only
 *   lose its Service through an actor, which deletes it itself. The resync re-reads each actor's
 *   service instead (`docs/decisions.md` §9).
 *
 * Definitions only: `actors/supervisor.ts` provides the effects.
 *
 * @module
 */

import { assign, fromPromise, setup, type StateValue } from "xstate";
import { backoffDelayMs } from "../domain/backoff.ts";

/** Input of the supervisor machine. */
export interface SupervisorInput {
  readonly clusterNames: readonly string[];
  readonly resyncPeriodMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /**
   * Whether this replica starts as the writer (no leader election, or it already holds the lease).
   */
  readonly leading: boolean;
}

/** Context of the supervisor: plain JSON for the debug endpoint. */
export interface SupervisorContext extends SupervisorInput {
  /** The cluster sources that have listed in full, in the order they did. */
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
  | { readonly type: "lease.gained" }
  | { readonly type: "lease.lost" }
  | { readonly type: "stop" };

/** True once every cluster source has listed: deletes are allowed from then on (sync-rules §3). */
export function everySourceListed(context: Pick<SupervisorContext, "clusterNames" | "synced">) {
  return context.clusterNames.every((c) => context.synced.includes(c));
}

/** A state value as one dotted name, for logs and `/debug`: `leading.running`, `following`. */
export function stateName(value: StateValue): string {
  if (typeof value === "string") return value;
  return Object.entries(value).map(([k, v]) => v ? `${k}.${stateName(v)}` : k).join(",");
}

/**
 * The supervisor machine. Provide `actors.sweep` and the actions `allowDeletes`, `takeOver`,
 * `standDown` and `resyncAll`.
 */
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
    startsLeading: ({ context }) => context.leading,
    everySourceListed: ({ context }) => everySourceListed(context),
    /** This source is the last one the set was waiting for. */
    completesListing: ({ context }, params: { clusterName: string }) =>
      !everySourceListed(context) &&
      everySourceListed({ ...context, synced: [...context.synced, params.clusterName] }),
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
    takeOver: () => {},
    standDown: () => {},
    resyncAll: () => {},
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
  initial: "starting",
  on: {
    "source.synced": [
      {
        guard: {
          type: "completesListing",
          params: ({ event }) => ({ clusterName: event.clusterName }),
        },
        actions: [
          {
            type: "recordSynced",
            params: ({ event }) => ({ clusterName: event.clusterName }),
          },
          "allowDeletes",
        ],
      },
      {
        actions: {
          type: "recordSynced",
          params: ({ event }) => ({ clusterName: event.clusterName }),
        },
      },
    ],
    stop: ".stopped",
  },
  states: {
    starting: {
      always: [{ guard: "startsLeading", target: "leading" }, { target: "following" }],
    },
    following: {
      on: { "lease.gained": "leading" },
    },
    leading: {
      entry: "takeOver",
      exit: "standDown",
      on: { "lease.lost": "following" },
      initial: "listing",
      states: {
        listing: {
          always: { guard: "everySourceListed", target: "sweeping" },
        },
        sweeping: {
          invoke: {
            src: "sweep",
            onDone: { target: "running", actions: "recordSweep" },
            onError: {
              target: "sweepBackoff",
              actions: {
                type: "recordSweepFailure",
                params: ({ event }) => ({ error: event.error }),
              },
            },
          },
        },
        sweepBackoff: {
          after: { retryBackoff: "sweeping" },
        },
        running: {
          after: {
            resyncPeriod: {
              target: "running",
              reenter: true,
              actions: ["recordResync", "resyncAll"],
            },
          },
        },
      },
    },
    stopped: { type: "final" },
  },
});
