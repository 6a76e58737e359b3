/**
 * The state machine of one Polaris service (README "Where things are"): it turns "something
 * changed" into debounced, retried reconciles. Definitions only: the reconcile itself is an actor
 * supplied from `actors/` with `.provide()`, and tests supply fakes.
 *
 * ```
 * idle ─inputs.changed→ debouncing ─debounce→ reconciling ─done→ synced | conflict | invalid
 *                                                 │  └─done(released)→ released (final)
 *                                                 └─error→ backoff ─retryBackoff→ reconciling
 * synced/conflict/invalid ─inputs.changed→ debouncing, ─resync.due→ reconciling
 * idle/debouncing/synced/conflict/invalid ─inputs.listed→ reconciling
 * ```
 *
 * `inputs.listed` says a cluster source just finished a full list: its cache is complete, so there
 * is nothing for a debounce to gather, and every actor it names starts at once. Their reads and
 * writes then arrive together and share listings and batches; with a debounce each, the actors of
 * a long list would start over hundreds of milliseconds and split into small groups.
 *
 * While reconciling, new changes only mark the context dirty: the reconcile reads the current state
 * when it starts, so one more pass after it ends is enough, however many events arrived.
 *
 * @module
 */

import { assign, fromPromise, setup, type StateValue } from "xstate";
import { backoffDelayMs } from "../domain/backoff.ts";

/** What a reconcile found and did. `released`: nothing wanted and nothing of ours left. */
export type ReconcileOutcome =
  | { readonly kind: "synced"; readonly summary: ReconcileSummary }
  | { readonly kind: "conflict"; readonly summary: ReconcileSummary; readonly message: string }
  | { readonly kind: "invalid"; readonly summary: ReconcileSummary; readonly message: string }
  | { readonly kind: "released"; readonly summary: ReconcileSummary };

/** Counts reported by a reconcile, shown on the debug endpoint. */
export interface ReconcileSummary {
  readonly desired: number;
  readonly registered: number;
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly conflicts: number;
  readonly skipped: number;
}

/** Timing of a service actor, from the configuration. */
export interface ServiceTiming {
  readonly debounceMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

/** Input of a service actor. */
export interface ServiceMachineInput {
  readonly key: string;
  readonly timing: ServiceTiming;
}

/** Context of a service actor: plain JSON, shown as is by the debug endpoint. */
export interface ServiceContext {
  readonly key: string;
  readonly timing: ServiceTiming;
  /** Consecutive failed reconciles. */
  readonly attempts: number;
  /** A change arrived while reconciling or backing off. */
  readonly dirty: boolean;
  readonly lastError: string | null;
  readonly lastOutcome: ReconcileOutcome | null;
  /** Epoch milliseconds of the last successful reconcile. */
  readonly lastSyncAt: number | null;
  readonly reconciles: number;
}

/** Events a service actor accepts. */
export type ServiceEvent =
  | { readonly type: "inputs.changed" }
  | { readonly type: "inputs.listed" }
  | { readonly type: "resync.due" };

/** Input handed to the reconcile actor. */
export interface ReconcileInput {
  readonly key: string;
  readonly attempt: number;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}

/**
 * The service machine. Provide `actors.reconcile` (a promise actor returning a
 * {@linkcode ReconcileOutcome}) and, for a real clock, nothing else; `now` stamps come from the
 * `stampSync` action, which the running system may also replace.
 */
export const serviceMachine = setup({
  types: {
    context: {} as ServiceContext,
    events: {} as ServiceEvent,
    input: {} as ServiceMachineInput,
  },
  actors: {
    reconcile: fromPromise<ReconcileOutcome, ReconcileInput>(() => {
      throw new Error("reconcile actor not provided");
    }),
  },
  delays: {
    debounce: ({ context }) => context.timing.debounceMs,
    retryBackoff: ({ context }) =>
      backoffDelayMs(context.attempts, {
        baseMs: context.timing.backoffBaseMs,
        maxMs: context.timing.backoffMaxMs,
        seed: context.key,
      }),
  },
  guards: {
    isDirty: ({ context }) => context.dirty,
    outcomeReleased: (_, params: { outcome: ReconcileOutcome }) =>
      params.outcome.kind === "released",
    outcomeConflict: (_, params: { outcome: ReconcileOutcome }) =>
      params.outcome.kind === "conflict",
    outcomeInvalid: (_, params: { outcome: ReconcileOutcome }) => params.outcome.kind === "invalid",
  },
  actions: {
    markDirty: assign({ dirty: true }),
    clearDirty: assign({ dirty: false }),
    recordOutcome: assign((_, params: { outcome: ReconcileOutcome }) => ({
      attempts: 0,
      lastError: params.outcome.kind === "conflict" || params.outcome.kind === "invalid"
        ? params.outcome.message
        : null,
      lastOutcome: params.outcome,
      lastSyncAt: Date.now(),
    })),
    recordFailure: assign(({ context }, params: { error: unknown }) => ({
      attempts: context.attempts + 1,
      lastError: errorText(params.error),
    })),
    countReconcile: assign(({ context }) => ({ reconciles: context.reconciles + 1 })),
  },
}).createMachine({
  id: "service",
  context: ({ input }) => ({
    key: input.key,
    timing: input.timing,
    attempts: 0,
    dirty: false,
    lastError: null,
    lastOutcome: null,
    lastSyncAt: null,
    reconciles: 0,
  }),
  initial: "idle",
  states: {
    idle: {
      on: {
        "inputs.changed": "debouncing",
        "inputs.listed": "reconciling",
        "resync.due": "debouncing",
      },
    },
    debouncing: {
      entry: "clearDirty",
      after: { debounce: "reconciling" },
      on: { "inputs.listed": "reconciling" },
    },
    reconciling: {
      entry: ["clearDirty", "countReconcile"],
      on: {
        "inputs.changed": { actions: "markDirty" },
        "inputs.listed": { actions: "markDirty" },
        "resync.due": { actions: "markDirty" },
      },
      invoke: {
        id: "reconcile",
        src: "reconcile",
        input: ({ context }) => ({ key: context.key, attempt: context.attempts }),
        onDone: [
          {
            guard: { type: "isDirty" },
            target: "debouncing",
            actions: { type: "recordOutcome", params: ({ event }) => ({ outcome: event.output }) },
          },
          {
            guard: { type: "outcomeReleased", params: ({ event }) => ({ outcome: event.output }) },
            target: "released",
            actions: { type: "recordOutcome", params: ({ event }) => ({ outcome: event.output }) },
          },
          {
            guard: { type: "outcomeConflict", params: ({ event }) => ({ outcome: event.output }) },
            target: "resting.conflict",
            actions: { type: "recordOutcome", params: ({ event }) => ({ outcome: event.output }) },
          },
          {
            guard: { type: "outcomeInvalid", params: ({ event }) => ({ outcome: event.output }) },
            target: "resting.invalid",
            actions: { type: "recordOutcome", params: ({ event }) => ({ outcome: event.output }) },
          },
          {
            target: "resting.synced",
            actions: { type: "recordOutcome", params: ({ event }) => ({ outcome: event.output }) },
          },
        ],
        onError: {
          target: "backoff",
          actions: { type: "recordFailure", params: ({ event }) => ({ error: event.error }) },
        },
      },
    },
    backoff: {
      on: {
        "inputs.changed": { actions: "markDirty" },
        "inputs.listed": { actions: "markDirty" },
        "resync.due": { actions: "markDirty" },
      },
      after: { retryBackoff: "reconciling" },
    },
    // At rest until something changes: synced, or held with a reason (conflict, invalid). The
    // supervisor parks actors in any of them, and a resync wakes them.
    resting: {
      on: {
        "inputs.changed": "debouncing",
        "inputs.listed": "reconciling",
        "resync.due": "reconciling",
      },
      initial: "synced",
      states: { synced: {}, conflict: {}, invalid: {} },
    },
    released: { type: "final" },
  },
});

/** The states a service actor can be in, for metrics and the debug endpoint. */
export const SERVICE_STATES = [
  "idle",
  "debouncing",
  "reconciling",
  "backoff",
  "synced",
  "conflict",
  "invalid",
  "released",
] as const;

/** One of {@linkcode SERVICE_STATES}. */
export type ServiceState = typeof SERVICE_STATES[number];

/** The states under `resting`, read from the machine itself: where the supervisor may park. */
export const RESTING_STATES: ReadonlySet<ServiceState> = new Set(
  Object.keys(serviceMachine.states.resting.states) as ServiceState[],
);

/** The state a snapshot is in, by its leaf name (`resting.synced` is `synced`). */
export function serviceStateOf(value: StateValue): ServiceState {
  if (typeof value === "string") return value as ServiceState;
  return serviceStateOf(Object.values(value)[0] as StateValue);
}
