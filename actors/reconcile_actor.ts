/**
 * The `reconcile` actor the service machine invokes, provided once and shared by every actor (a
 * machine provided per actor costs about 20 KB of heap each, measured by the benchmark at 5,000
 * actors). Around `reconcileService` it adds what the running system needs: a slot among the
 * reconciles in flight, the refusal to start once this replica stopped writing, the sync latency,
 * the report kept on the actor's record, and the resync's "ended".
 *
 * @module
 */

import { fromPromise } from "xstate";
import type { Limiter } from "../adapters/concurrency/limiter.ts";
import { type ReconcileOutcome, serviceMachine } from "../machines/service_machine.ts";
import type { Clock } from "./clock.ts";
import { reconcileService } from "./reconcile.ts";
import type { ReconcileDeps } from "./reconcile_deps.ts";
import { type ReconcileReport, RetryableReconcileError } from "./reconcile_report.ts";
import type { ProvidedServiceMachine, ServiceRecord } from "./service_actors.ts";

/** What the reconcile actor needs from the running system. */
export interface ReconcileActorOptions {
  readonly deps: ReconcileDeps;
  /** Reconciles in flight at once; waiting ones keep their order. */
  readonly slots: Limiter;
  /** False once this replica stopped or lost the lease: a reconcile still waiting does not run. */
  readonly writing: () => boolean;
  /** The key's record, where the report and the pending-since time are kept. */
  readonly record: (key: string) => ServiceRecord | undefined;
  /** Told when a key's reconcile ended, however it ended (the resync waits for it). */
  readonly ended: (key: string) => void;
  readonly clock: Clock;
  readonly onApplied?: (key: string, latencyMs: number) => void;
  readonly onReport?: (report: ReconcileReport, outcome: ReconcileOutcome | null) => void;
}

/** The service machine with its reconcile provided; see the module documentation. */
export function provideReconcile(options: ReconcileActorOptions): ProvidedServiceMachine {
  return serviceMachine.provide({
    actors: {
      // The slot is taken before anything is read: changes that arrive while waiting for it are
      // in this reconcile, and their latency includes the wait.
      reconcile: fromPromise(({ input, signal }) =>
        options.slots.run(() => reconcileInSlot(options, input.key, signal), signal)
      ),
    },
  });
}

async function reconcileInSlot(
  options: ReconcileActorOptions,
  key: string,
  signal: AbortSignal,
): Promise<ReconcileOutcome> {
  // Stopped, or the lease was lost, while this reconcile waited for its slot.
  if (signal.aborted || !options.writing()) {
    throw new Error(`Cannot reconcile "${key}": this replica is no longer writing`);
  }
  const record = options.record(key);
  const since = record?.pendingSince ?? null;
  if (record) record.pendingSince = null;
  try {
    const { outcome, report } = await reconcileService(options.deps, key);
    if (since !== null) options.onApplied?.(key, options.clock.now() - since);
    const current = options.record(key);
    if (current) {
      current.report = report;
      options.onReport?.(report, outcome);
    }
    return outcome;
  } catch (error) {
    const current = options.record(key);
    if (current && since !== null) current.pendingSince ??= since;
    if (current && error instanceof RetryableReconcileError && error.report) {
      current.report = error.report;
    }
    throw error;
  } finally {
    options.ended(key);
  }
}
