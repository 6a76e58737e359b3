/**
 * The registry of service actors (README "Where things are"): one per Polaris service key, spawned
 * on the first change that names the key, parked while it rests, woken by its next event, retired
 * when it is released or crashes. It knows nothing of what a reconcile does: the machine it runs
 * comes with its reconcile already provided.
 *
 * An actor at rest is parked: its persisted snapshot is kept and the running actor stopped, then
 * restored by the next event. A running xstate actor costs about 4.5 KB of heap and a parked one
 * about 0.5 KB (measured with 10,000 actors), which is most of the engine's memory per Service at
 * 50k Services.
 *
 * @module
 */

import { type Actor, createActor } from "xstate";
import type { LogFn } from "../adapters/log/log_level.ts";
import {
  RESTING_STATES,
  type ServiceContext,
  type ServiceEvent,
  serviceMachine,
  type ServiceState,
  serviceStateOf,
  type ServiceTiming,
} from "../machines/service_machine.ts";
import type { Clock } from "./clock.ts";
import type { ReconcileReport } from "./reconcile_report.ts";

/** The service machine with its reconcile provided. */
export type ProvidedServiceMachine = ReturnType<typeof serviceMachine.provide>;

/** A state change of a service actor, kept for the debug endpoint. */
export interface Transition {
  readonly at: number;
  readonly from: string;
  readonly to: string;
}

type ServiceActor = Actor<ProvidedServiceMachine>;
type ParkedSnapshot = ReturnType<ServiceActor["getPersistedSnapshot"]>;

/** What is kept per service beside its actor. */
export interface ServiceRecord {
  /** The running actor, or null while parked. */
  actor: ServiceActor | null;
  /** The persisted snapshot while parked, else null. */
  parked: ParkedSnapshot | null;
  /** The actor's context as of its last snapshot (running or parked). */
  context: ServiceContext;
  state: ServiceState;
  transitions: Transition[];
  report: ReconcileReport | null;
  /** When the oldest change not yet applied arrived (for the sync-latency histogram). */
  pendingSince: number | null;
}

/** A service actor's summary for `/debug/services`; times are ISO-8601 strings, as JSON shows them. */
export interface ServiceSummary {
  readonly key: string;
  readonly state: ServiceState;
  readonly attempts: number;
  readonly lastError: string | null;
  /** When the last reconcile succeeded, e.g. `2026-12-04T22:02:55.291Z`. */
  readonly lastSyncAt: string | null;
  readonly reconciles: number;
  readonly report: ReconcileReport | null;
}

/** One service in full for `/debug/services/{namespace}/{service}`. */
export interface ServiceDetail extends ServiceSummary {
  /** The recent state changes, oldest first, each `at` an ISO-8601 time. */
  readonly transitions: readonly (Omit<Transition, "at"> & { readonly at: string })[];
}

/** Options of {@linkcode ServiceActors}. */
export interface ServiceActorsOptions {
  /** Shared by every actor: a machine provided per actor costs about 20 KB of heap each. */
  readonly machine: ProvidedServiceMachine;
  readonly timing: ServiceTiming;
  /** Times the actors' debounce and backoff, and stamps their transitions. */
  readonly clock: Clock;
  readonly onTransition?: (key: string, from: string, to: string, error: string | null) => void;
  readonly log?: LogFn;
}

const TRANSITIONS_KEPT = 20;

/** The registry of service actors; see the module documentation. */
export class ServiceActors {
  readonly #options: ServiceActorsOptions;
  readonly #records = new Map<string, ServiceRecord>();
  /**
   * Set by `stopAll`: an actor that comes to rest afterwards is not parked (its timers are gone).
   */
  #stopped = false;

  constructor(options: ServiceActorsOptions) {
    this.#options = options;
  }

  /** The key's record, or undefined when it has no actor. */
  get(key: string): ServiceRecord | undefined {
    return this.#records.get(key);
  }

  /** Every key with an actor, parked or running, in order of creation. */
  keys(): IterableIterator<string> {
    return this.#records.keys();
  }

  /** Every key with its record, in order of creation. */
  entries(): IterableIterator<[string, ServiceRecord]> {
    return this.#records.entries();
  }

  /** Number of actors, parked or running. */
  get size(): number {
    return this.#records.size;
  }

  /** Actors parked at rest. */
  get parked(): number {
    let parked = 0;
    for (const record of this.#records.values()) if (record.actor === null) parked++;
    return parked;
  }

  /**
   * Whether the key's actor is at rest: parked, or in a resting state (`synced`, `conflict`, …).
   */
  resting(key: string): boolean {
    const record = this.#records.get(key);
    return record !== undefined && (record.actor === null || isResting(record.state));
  }

  /** True when every actor is at rest. */
  allResting(): boolean {
    for (const record of this.#records.values()) if (!isResting(record.state)) return false;
    return true;
  }

  /** The key's summary for `/debug/services`, or undefined when it has no actor. */
  summary(key: string): ServiceSummary | undefined {
    const record = this.#records.get(key);
    return record && summaryOf(key, record);
  }

  /** Every actor's summary, in order of creation. */
  *summaries(): IterableIterator<ServiceSummary> {
    for (const [key, record] of this.#records) yield summaryOf(key, record);
  }

  /** The key in full for `/debug/services/{namespace}/{service}`, or undefined. */
  detail(key: string): ServiceDetail | undefined {
    const record = this.#records.get(key);
    return record && {
      ...summaryOf(key, record),
      transitions: record.transitions.map((t) => ({ ...t, at: isoTime(t.at) })),
    };
  }

  /** True when some actor is in one of `states` (stops at the first). */
  anyIn(states: ReadonlySet<ServiceState>): boolean {
    for (const record of this.#records.values()) if (states.has(record.state)) return true;
    return false;
  }

  /** Counts of actors per state. */
  countByState(): Record<ServiceState, number> {
    const counts: Record<ServiceState, number> = {
      idle: 0,
      debouncing: 0,
      reconciling: 0,
      backoff: 0,
      synced: 0,
      conflict: 0,
      invalid: 0,
      released: 0,
    };
    for (const record of this.#records.values()) counts[record.state]++;
    return counts;
  }

  /** The key's record, spawning its actor (idle) when it has none. */
  getOrSpawn(key: string): ServiceRecord {
    return this.#records.get(key) ?? this.#spawn(key);
  }

  /** Sends `event` to the key's actor if it has one, waking it when parked. */
  send(key: string, event: ServiceEvent): void {
    const record = this.#records.get(key);
    if (record) this.#wake(key, record).send(event);
  }

  /** Stops every running actor and forgets every record (the lease was lost). */
  clear(): void {
    for (const record of this.#records.values()) record.actor?.stop();
    this.#records.clear();
  }

  /** Stops every running actor for good; the records stay readable (shutdown). */
  stopAll(): void {
    this.#stopped = true;
    for (const record of this.#records.values()) record.actor?.stop();
  }

  #spawn(key: string): ServiceRecord {
    const actor = this.#newActor(key, null);
    const record: ServiceRecord = {
      actor,
      parked: null,
      context: actor.getSnapshot().context,
      state: "idle",
      transitions: [],
      report: null,
      pendingSince: null,
    };
    this.#records.set(key, record);
    this.#run(key, record, actor);
    return record;
  }

  /** Returns the key's running actor, restoring it first if it is parked. */
  #wake(key: string, record: ServiceRecord): ServiceActor {
    if (record.actor) return record.actor;
    const actor = this.#newActor(key, record.parked);
    record.actor = actor;
    record.parked = null;
    this.#run(key, record, actor);
    return actor;
  }

  #newActor(key: string, parked: ParkedSnapshot | null): ServiceActor {
    return createActor(this.#options.machine, {
      id: key,
      clock: this.#options.clock,
      input: { key, timing: this.#options.timing },
      ...(parked ? { snapshot: parked } : {}),
    });
  }

  /** Follows the actor's snapshots into the record, then starts it. */
  #run(key: string, record: ServiceRecord, actor: ServiceActor): void {
    actor.subscribe({
      next: (snapshot) => {
        record.context = snapshot.context;
        const to = serviceStateOf(snapshot.value);
        if (to === record.state) return;
        const from = record.state;
        record.state = to;
        record.transitions.push({ at: this.#options.clock.now(), from, to });
        if (record.transitions.length > TRANSITIONS_KEPT) record.transitions.shift();
        this.#options.onTransition?.(key, from, to, snapshot.context.lastError);
        if (snapshot.status === "done") this.#retire(key, record, actor);
        if (isResting(to)) queueMicrotask(() => this.#park(record, actor));
      },
      error: (error) => {
        this.#options.log?.("error", "service actor crashed", { service: key, error });
        this.#retire(key, record, actor);
      },
    });
    actor.start();
  }

  /** Parks `actor` if it is still the record's actor and still at rest. */
  #park(record: ServiceRecord, actor: ServiceActor): void {
    if (record.actor !== actor || this.#stopped) return;
    const snapshot = actor.getSnapshot();
    if (snapshot.status !== "active" || !isResting(serviceStateOf(snapshot.value))) return;
    record.parked = actor.getPersistedSnapshot();
    actor.stop();
    record.actor = null;
  }

  /** Forgets a released or crashed actor, and its record if it is still the key's. */
  #retire(key: string, record: ServiceRecord, actor: ServiceActor): void {
    if (this.#records.get(key) === record) this.#records.delete(key);
    if (record.actor === actor) record.actor = null;
  }
}

function summaryOf(key: string, record: ServiceRecord): ServiceSummary {
  const context = record.context;
  return {
    key,
    state: record.state,
    attempts: context.attempts,
    lastError: context.lastError,
    lastSyncAt: context.lastSyncAt === null ? null : isoTime(context.lastSyncAt),
    reconciles: context.reconciles,
    report: record.report,
  };
}

/** An epoch-milliseconds time as ISO-8601, how the debug endpoints show every time. */
function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `synced`, `conflict` or `invalid`: the states under the machine's `resting` parent. */
function isResting(state: ServiceState): boolean {
  return RESTING_STATES.has(state);
}
