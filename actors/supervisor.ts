/**
 * The running system (SPEC §4): one service actor per Polaris service key, created on the first
 * change that names the key and forgotten when it is released; changes from every cluster source
 * routed by key; the supervisor machine's effects (allow deletes, sweep, resync) provided here.
 *
 * @module
 */

import { TUNING } from "./tuning.ts";
import type { LogFn } from "../adapters/log/log_level.ts";
import { type Actor, createActor, fromPromise } from "xstate";
import type { ClusterChange, ClusterSource } from "../domain/cluster.ts";
import { parseServiceKey, serviceKey } from "../domain/keys.ts";
import type { PodLabelPolicy } from "../domain/metadata.ts";
import { isOwned } from "../domain/plan.ts";
import type { RegisteredInstance } from "../domain/polaris.ts";
import type { SyncPolicy } from "../domain/should_sync.ts";
import {
  type ReconcileOutcome,
  RESTING_STATES,
  type ServiceContext,
  serviceMachine,
  type ServiceState,
  serviceStateOf,
  type ServiceTiming,
} from "../machines/service_machine.ts";
import { supervisorMachine } from "../machines/supervisor_machine.ts";
import type { PolarisApi } from "./polaris_api.ts";
import {
  ensureNamespace,
  type ReconcileReport,
  reconcileService,
  RetryableReconcileError,
} from "./reconcile.ts";
import { serviceWanted } from "../domain/service_intent.ts";
import { KnownResources } from "./known_resources.ts";
import { Limiter } from "../adapters/concurrency/limiter.ts";
import { RegistryReader } from "./registry_reader.ts";
import { listSweepKeys } from "./orphan_sweep.ts";
import { ResyncScheduler } from "./resync_scheduler.ts";
import { Tombstones } from "./tombstones.ts";
import type { Writer } from "./writer.ts";

/** A state change of a service actor, kept for the debug endpoint. */
export interface Transition {
  readonly at: number;
  readonly from: string;
  readonly to: string;
}

/** A service actor's snapshot as persisted while it is parked. */
type ParkedSnapshot = ReturnType<Actor<typeof serviceMachine>["getPersistedSnapshot"]>;

/** States in which an actor waits for the next event with no timer or reconcile running. */

/**
 * What the supervisor keeps per service beside its actor. An actor at rest is parked: its
 * persisted snapshot is kept and the running actor stopped, then restored by the next event. A
 * running xstate actor costs about 4.5 KB of heap and a parked one about 0.5 KB (measured with
 * 10,000 actors), which is most of the engine's memory per Service at 50k Services.
 */
interface ServiceRecord {
  /** The running actor, or null while parked. */
  actor: Actor<typeof serviceMachine> | null;
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

/** Hooks for logs, metrics and Events; all optional. */
export interface SupervisorHooks {
  readonly onTransition?: (key: string, from: string, to: string, error: string | null) => void;
  readonly onReport?: (report: ReconcileReport, outcome: ReconcileOutcome | null) => void;
  readonly onApplied?: (key: string, latencyMs: number) => void;
  readonly onSweep?: (found: number, error: string | null) => void;
  readonly log?: LogFn;
}

/** Options of {@linkcode Supervisor}. */
export interface SupervisorOptions {
  readonly sources: readonly ClusterSource[];
  readonly api: PolarisApi;
  readonly writer: Writer;
  readonly policy: SyncPolicy;
  /** The `source` metadata value that marks instances as ours (beside `clusterName`, SPEC §2). */
  readonly ownerSource: string;
  readonly podLabelPolicy: PodLabelPolicy;
  readonly timing: ServiceTiming;
  readonly resyncPeriodMs: number;
  /** `--dry-run`: nothing is written (instances are held back by the writer, aliases here). */
  readonly dryRun?: boolean;
  /**
   * Reconciles in flight at once (default 1,000). When they are all taken, the waiting ones start
   * again, in arrival order, once half have ended. This bounds the plans and write items a
   * start-up holds (every Service plans at once, far faster than Polaris takes the writes), while
   * keeping hundreds of services, several whole namespaces, together for batched reads and writes.
   */
  readonly reconcileSlots?: number;
  /**
   * Actors a resync wakes at once (default 1,000): the next group is woken when every reconcile
   * of the previous one has ended, so a resync of 50k Services never runs 50k actors at once, and
   * each group is still large enough for namespace-wide reads.
   */
  readonly resyncGroup?: number;
  /** How long reads wait to be coalesced (default 10 ms). */
  readonly readLingerMs?: number;
  /**
   * Whether this replica starts as the writer (default true). With leader election it starts as a
   * follower: sources list and watch, but no actor runs and nothing is written.
   */
  readonly leading?: boolean;
  readonly hooks?: SupervisorHooks;
  readonly now?: () => number;
}

const TRANSITIONS_KEPT = 20;

/** The running system; see the module documentation. */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #services = new Map<string, ServiceRecord>();
  readonly #known = new KnownResources();
  readonly #aliased = new Set<string>();
  readonly #tombstones = new Tombstones();
  readonly #unsubscribe: Array<() => void> = [];
  readonly #machine: Actor<typeof supervisorMachine>;
  #deletesAllowed = false;
  #polarisAnswered = false;
  #leading: boolean;
  #stopped = false;
  readonly #now: () => number;
  readonly #wantedDeps: Parameters<typeof serviceWanted>[0];
  /** The service machine with its reconcile provided, built once and shared by every actor. */
  readonly #serviceMachine: ReturnType<typeof serviceMachine.provide>;
  readonly #reader: RegistryReader;
  readonly #slots: Limiter;
  readonly #resync: ResyncScheduler;
  /** Keys of Services whose source just listed, touched together one debounce later. */
  readonly #listed = new Set<string>();
  #listedTimer: ReturnType<typeof setTimeout> | undefined;
  /** Listed passes waiting for their namespace step. */
  #preparing = 0;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#wantedDeps = { views: options.sources, policy: options.policy };
    this.#leading = options.leading ?? true;
    this.#reader = new RegistryReader({
      api: { listInstances: (filter) => this.#readTracked(filter) },
      lingerMs: options.readLingerMs ?? TUNING.readLingerMs,
      namespaceThreshold: TUNING.namespaceListingThreshold,
      concurrency: TUNING.readConcurrency,
      onNamespaceListing: (namespace, byService) => this.#adoptOrphans(namespace, byService),
    });
    this.#resync = new ResyncScheduler({
      keys: () => this.#services.keys(),
      resting: (key) => {
        const record = this.#services.get(key);
        return record !== undefined && (record.actor === null || RESTING_STATES.has(record.state));
      },
      send: (key) => {
        const record = this.#services.get(key);
        if (record) this.#wake(key, record).send({ type: "resync.due" });
      },
      running: () => !this.#stopped,
      overdue: (left) =>
        this.#options.hooks?.log?.("warn", "resync period elapsed before the last resync ended", {
          left,
        }),
    }, options.resyncGroup ?? TUNING.resyncGroup);
    const slots = Math.max(1, options.reconcileSlots ?? TUNING.reconcileSlots);
    this.#slots = new Limiter({ limit: slots, resumeAt: Math.floor(slots / 2) });
    this.#serviceMachine = this.#providedServiceMachine();
    this.#now = options.now ?? Date.now;
    this.#machine = createActor(
      supervisorMachine.provide({
        actors: { sweep: fromPromise(() => this.#sweep()) },
        actions: {
          allowDeletes: () => this.#allowDeletes(),
          resyncAll: () => this.#resync.resyncAll(),
          stopAll: () => {},
        },
      }),
      {
        input: {
          clusterNames: options.sources.map((s) => s.clusterName),
          resyncPeriodMs: options.resyncPeriodMs,
          backoffBaseMs: options.timing.backoffBaseMs,
          backoffMaxMs: options.timing.backoffMaxMs,
        },
      },
    );
  }

  /** Subscribes to every source and starts them; returns once they are started (not synced). */
  async start(): Promise<void> {
    this.#machine.start();
    for (const source of this.#options.sources) {
      this.#unsubscribe.push(source.subscribe((change) => this.#onChange(source, change)));
    }
    await Promise.all(this.#options.sources.map((s) => s.start()));
    for (const source of this.#options.sources) {
      if (source.synced) this.#onChange(source, { kind: "synced" });
    }
  }

  /**
   * Stops everything without deregistering anything (SPEC §3: pods keep serving while the
   * controller restarts): actors stop, queued writes are abandoned, requests in flight finish.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#listedTimer !== undefined) clearTimeout(this.#listedTimer);
    this.#listed.clear();
    this.#machine.send({ type: "stop" });
    this.#machine.stop();
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    for (const record of this.#services.values()) record.actor?.stop();
    this.#reader.stop();
    await this.#options.writer.stop();
    this.#options.hooks?.log?.("debug", "writer stopped", {});
    await Promise.all(this.#options.sources.map((s) => s.stop()));
  }

  /** True while this replica may write (leader, or no leader election). */
  get leading(): boolean {
    return this.#leading;
  }

  /**
   * Makes this replica the writer or a follower (leader election). Losing the lease stops every
   * service actor at once and closes the writer's gate, so no new request leaves; gaining it
   * reconciles every wanted Service and sweeps, as after a start.
   */
  setLeading(leading: boolean): void {
    if (leading === this.#leading || this.#stopped) return;
    this.#leading = leading;
    this.#options.hooks?.log?.(
      "info",
      leading ? "leading: writes enabled" : "following: writes stopped",
      {},
    );
    if (!leading) {
      this.#listed.clear();
      this.#resync.clear();
      for (const record of this.#services.values()) record.actor?.stop();
      this.#services.clear();
      return;
    }
    // Every source that has listed: one that listed while this replica followed was not acted on.
    for (const source of this.#options.sources) {
      if (!source.synced) continue;
      for (const svc of source.services()) this.#touchListed(svc);
    }
    this.#machine.send({ type: "sweep.now" });
  }

  /** True once deletes are allowed: every source listed. */
  get deletesAllowed(): boolean {
    return this.#deletesAllowed;
  }

  /** True once Polaris answered a read. */
  get polarisAnswered(): boolean {
    return this.#polarisAnswered;
  }

  /** The supervisor machine's state and context. */
  supervisorStatus(): {
    state: string;
    sweeps: number;
    resyncs: number;
    lastSweepError: string | null;
    /** Service actors parked at rest (see `ServiceRecord`). */
    parked: number;
  } {
    const snapshot = this.#machine.getSnapshot();
    let parked = 0;
    for (const record of this.#services.values()) if (record.actor === null) parked++;
    return {
      parked,
      state: String(snapshot.value),
      sweeps: snapshot.context.sweeps,
      resyncs: snapshot.context.resyncs,
      lastSweepError: snapshot.context.lastSweepError,
    };
  }

  /** Number of live service actors. */
  get size(): number {
    return this.#services.size;
  }

  /** Iterates over the live service actors' summaries, in key order of creation. */
  *services(): IterableIterator<ServiceSummary> {
    for (const [key, record] of this.#services) yield this.#summary(key, record);
  }

  /** One service in full, or undefined when no actor has that key. */
  service(key: string): ServiceDetail | undefined {
    const record = this.#services.get(key);
    if (!record) return undefined;
    return { ...this.#summary(key, record), transitions: [...record.transitions] };
  }

  /** Counts of actors per state. */
  countByState(): Record<ServiceState, number> {
    const counts: Record<string, number> = {
      idle: 0,
      debouncing: 0,
      reconciling: 0,
      backoff: 0,
      synced: 0,
      conflict: 0,
      invalid: 0,
      released: 0,
    };
    for (const record of this.#services.values()) counts[record.state]++;
    return counts as Record<ServiceState, number>;
  }

  /**
   * True when the system is at rest: every source listed, the first sweep done, and every actor in
   * a settled state (synced, conflict, invalid) with no write queued.
   */
  get settled(): boolean {
    const machine = this.#machine.getSnapshot();
    if (!this.#deletesAllowed || machine.context.sweeps === 0) return false;
    if (!machine.matches("running")) return false;
    if (!this.#leading) return true;
    if (this.#listed.size > 0 || this.#preparing > 0) return false;
    if (this.#resync.underWay) return false;
    for (const record of this.#services.values()) {
      if (!RESTING_STATES.has(record.state)) return false;
    }
    return this.#options.writer.queued === 0 && this.#options.writer.inFlight === 0;
  }

  #summary(key: string, record: ServiceRecord): ServiceSummary {
    const context = record.context;
    return {
      key,
      state: record.state,
      attempts: context.attempts,
      lastError: context.lastError,
      lastSyncAt: context.lastSyncAt,
      reconciles: context.reconciles,
      report: record.report,
    };
  }

  #onChange(source: ClusterSource, change: ClusterChange): void {
    if (this.#stopped) return;
    switch (change.kind) {
      case "synced":
        this.#options.hooks?.log?.("info", "cluster source listed", {
          cluster: source.clusterName,
        });
        for (const svc of source.services()) this.#touchListed(svc);
        this.#machine.send({ type: "source.synced", clusterName: source.clusterName });
        return;
      case "relisted":
        if (!source.synced) return;
        for (const svc of source.services()) this.#touchListed(svc);
        return;
      case "namespace":
        if (!source.synced) return;
        for (const svc of source.servicesInNamespace(change.name)) {
          this.#touch(serviceKey(svc.namespace, svc.name));
        }
        return;
      case "service":
        if (!source.synced) return;
        this.#touch(serviceKey(change.namespace, change.name));
        return;
    }
  }

  /**
   * Routes a change to the key's actor, creating the actor on first use. No actor is created for a
   * Service that no cluster wants synced, unless `force` says the sweep found instances of ours
   * under that key: a demand-mode cluster with thousands of unsynced Services costs nothing.
   * `listed`: a source just finished a full list, so the actor reconciles without a debounce (see
   * the service machine's `inputs.listed`).
   */
  #touch(key: string, how: { force?: boolean; listed?: boolean } = {}): void {
    if (!this.#leading || this.#stopped) return;
    let record = this.#services.get(key);
    if (!record) {
      const { namespace, service } = parseServiceKey(key);
      if (!how.force && !serviceWanted(this.#wantedDeps, namespace, service)) return;
      record = this.#spawn(key);
    }
    record.pendingSince ??= this.#now();
    this.#wake(key, record).send({ type: how.listed ? "inputs.listed" : "inputs.changed" });
  }

  /**
   * Queues a Service of a source that just listed in full. The queue is flushed one debounce
   * later, in one synchronous pass (`inputs.listed`): sources that list within a debounce of each
   * other cost one reconcile per Service, and every reconcile of the pass starts together, so
   * their reads and writes share listings and batches.
   */
  #touchListed(svc: { namespace: string; name: string }): void {
    this.#listed.add(serviceKey(svc.namespace, svc.name));
    this.#listedTimer ??= setTimeout(() => {
      this.#listedTimer = undefined;
      const keys = [...this.#listed];
      this.#listed.clear();
      if (this.#stopped) return;
      this.#preparing++;
      void this.#prepareNamespaces(keys).finally(() => {
        this.#preparing--;
        if (this.#stopped) return;
        for (const key of keys) this.#touch(key, { listed: true });
      });
    }, this.#options.timing.debounceMs);
  }

  /**
   * Before a listed pass: reads the Polaris namespaces once and creates every missing namespace
   * the pass wants, together (one request per 100), instead of one small batch per wave of
   * reconciles. A namespace that exists is marked known, so a restart writes nothing here. If the
   * read fails, each reconcile creates its namespace itself, as without this step.
   */
  async #prepareNamespaces(keys: readonly string[]): Promise<void> {
    if (!this.#leading) return;
    const wanted = new Set<string>();
    for (const key of keys) {
      const { namespace, service } = parseServiceKey(key);
      if (!wanted.has(namespace) && serviceWanted(this.#wantedDeps, namespace, service)) {
        wanted.add(namespace);
      }
    }
    if (wanted.size === 0) return;
    let existing: Set<string>;
    try {
      existing = new Set((await this.#options.api.listNamespaces()).map((n) => n.name));
    } catch (error) {
      this.#options.hooks?.log?.("debug", "namespace list failed; reconciles create their own", {
        error,
      });
      return;
    }
    const deps = { known: this.#known, writer: this.#options.writer };
    for (const namespace of wanted) {
      if (existing.has(namespace)) this.#known.add(`ns:${namespace}`);
      // A failure is left to the reconciles of that namespace, which try again and report it.
      else ensureNamespace(deps, namespace).catch(() => {});
    }
  }

  /**
   * Provides the reconcile to the service machine. Done once: a machine provided per actor costs
   * about 20 KB of heap each (measured by the benchmark at 5,000 actors), a shared one nothing.
   */
  #providedServiceMachine(): ReturnType<typeof serviceMachine.provide> {
    const deps = {
      views: this.#options.sources,
      policy: this.#options.policy,
      ownerSource: this.#options.ownerSource,
      podLabelPolicy: this.#options.podLabelPolicy,
      api: this.#options.api,
      writer: this.#options.writer,
      reader: this.#reader,
      dryRun: this.#options.dryRun ?? false,
      deletesAllowed: () => this.#deletesAllowed,
      known: this.#known,
      aliased: this.#aliased,
      tombstones: this.#tombstones,
    };
    return serviceMachine.provide({
      actors: {
        // The slot is taken before anything is read: changes that arrive while waiting for it
        // are in this reconcile, and their latency includes the wait.
        reconcile: fromPromise(({ input, signal }) =>
          this.#slots.run(async () => {
            // Stopped, or the lease was lost, while this reconcile waited for its slot.
            if (signal.aborted || !this.#leading || this.#stopped) {
              throw new Error(`Cannot reconcile "${input.key}": this replica is no longer writing`);
            }
            const record = this.#services.get(input.key);
            const since = record?.pendingSince ?? null;
            if (record) record.pendingSince = null;
            try {
              const { outcome, report } = await reconcileService(deps, input.key);
              if (since !== null) this.#options.hooks?.onApplied?.(input.key, this.#now() - since);
              const current = this.#services.get(input.key);
              if (current) {
                current.report = report;
                this.#options.hooks?.onReport?.(report, outcome);
              }
              return outcome;
            } catch (error) {
              const current = this.#services.get(input.key);
              if (current && since !== null) current.pendingSince ??= since;
              if (current && error instanceof RetryableReconcileError && error.report) {
                current.report = error.report;
              }
              throw error;
            } finally {
              this.#resync.ended(input.key);
            }
          }, signal)
        ),
      },
    });
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
    this.#services.set(key, record);
    this.#run(key, record, actor);
    return record;
  }

  /** Returns the key's running actor, restoring it first if it is parked. */
  #wake(key: string, record: ServiceRecord): Actor<typeof serviceMachine> {
    if (record.actor) return record.actor;
    const actor = this.#newActor(key, record.parked);
    record.actor = actor;
    record.parked = null;
    this.#run(key, record, actor);
    return actor;
  }

  #newActor(key: string, parked: ParkedSnapshot | null): Actor<typeof serviceMachine> {
    return createActor(this.#serviceMachine, {
      id: key,
      input: { key, timing: this.#options.timing },
      ...(parked ? { snapshot: parked } : {}),
    });
  }

  /** Follows the actor's snapshots into the record, then starts it. */
  #run(key: string, record: ServiceRecord, actor: Actor<typeof serviceMachine>): void {
    actor.subscribe({
      next: (snapshot) => {
        record.context = snapshot.context;
        const to = serviceStateOf(snapshot.value);
        if (to === record.state) return;
        const from = record.state;
        record.state = to;
        record.transitions.push({ at: this.#now(), from, to });
        if (record.transitions.length > TRANSITIONS_KEPT) record.transitions.shift();
        this.#options.hooks?.onTransition?.(key, from, to, snapshot.context.lastError);
        if (snapshot.status === "done") {
          if (this.#services.get(key) === record) this.#services.delete(key);
          this.#retire(record, actor);
        }
        if (RESTING_STATES.has(to)) queueMicrotask(() => this.#park(record, actor));
      },
      error: (error) => {
        this.#options.hooks?.log?.("error", "service actor crashed", {
          service: key,
          error,
        });
        if (this.#services.get(key) === record) this.#services.delete(key);
        this.#retire(record, actor);
      },
    });
    actor.start();
  }

  /** Parks `actor` if it is still the record's actor and still at rest. */
  #park(record: ServiceRecord, actor: Actor<typeof serviceMachine>): void {
    if (record.actor !== actor || this.#stopped) return;
    const snapshot = actor.getSnapshot();
    if (snapshot.status !== "active" || !RESTING_STATES.has(serviceStateOf(snapshot.value))) {
      return;
    }
    record.parked = actor.getPersistedSnapshot();
    actor.stop();
    this.#retire(record, actor);
  }

  /** Forgets the record's running actor (parked, released or crashed). */
  #retire(record: ServiceRecord, actor: Actor<typeof serviceMachine>): void {
    if (record.actor === actor) record.actor = null;
  }

  /** Lists instances and marks Polaris as answering (for /readyz) on success. */
  async #readTracked(
    filter: Parameters<PolarisApi["listInstances"]>[0],
  ): ReturnType<PolarisApi["listInstances"]> {
    const result = await this.#options.api.listInstances(filter);
    this.#polarisAnswered = true;
    return result;
  }

  #allowDeletes(): void {
    this.#deletesAllowed = true;
    this.#options.hooks?.log?.("info", "every cluster source listed; deletes are allowed", {});
    // Reconcile again wherever a delete was held back while sources were still listing, and
    // wherever a reconcile is under way: it may have planned before deletes were allowed.
    for (const [key, record] of this.#services) {
      const held = (record.report?.plan.skipped.length ?? 0) > 0;
      const busy = record.actor !== null && !RESTING_STATES.has(record.state);
      if (held || busy) this.#touch(key, { force: true });
    }
  }

  /**
   * The sweep's cheap half, run on every namespace-wide listing the actors' reads bring (start-up,
   * resync): an owned instance under a key with no actor gets one, which deletes it if its Service
   * is gone. Namespaces where no actor reads are left to the full sweep.
   */
  #adoptOrphans(
    namespace: string,
    byService: ReadonlyMap<string, readonly RegisteredInstance[]>,
  ): void {
    if (!this.#deletesAllowed || !this.#leading || this.#stopped) return;
    const owner = {
      clusterNames: this.#options.sources.map((s) => s.clusterName),
      source: this.#options.ownerSource,
    };
    for (const [service, instances] of byService) {
      const key = serviceKey(namespace, service);
      if (this.#services.has(key) || !instances.some((i) => isOwned(i, owner))) continue;
      this.#options.hooks?.log?.("info", "owned instances found with no Service; reconciling", {
        service: key,
      });
      this.#touch(key, { force: true });
    }
  }

  /**
   * The orphan sweep (SPEC §3): lists every instance this controller owns and every alias it
   * marked, and makes sure each of their services has an actor. An actor whose Service is gone
   * plans the deletes itself, through the same rules as any other change.
   */
  async #sweep(): Promise<void> {
    if (!this.#leading) return;
    let keys: ReadonlySet<string>;
    try {
      const listing = await listSweepKeys(
        this.#options.api,
        this.#options.sources.map((s) => s.clusterName),
        this.#options.ownerSource,
      );
      for (const key of listing.aliased) this.#aliased.add(key);
      keys = listing.keys;
    } catch (error) {
      this.#options.hooks?.onSweep?.(0, error instanceof Error ? error.message : String(error));
      throw new Error("Cannot sweep owned instances: Polaris listing failed", { cause: error });
    }
    this.#polarisAnswered = true;
    if (this.#stopped || !this.#leading) return;
    let orphans = 0;
    for (const key of keys) {
      if (this.#services.has(key)) continue;
      // A wanted Service gets its actor from the listed pass; only the others are orphans.
      const { namespace, service } = parseServiceKey(key);
      if (serviceWanted(this.#wantedDeps, namespace, service)) continue;
      orphans++;
      this.#touch(key, { force: true });
    }
    this.#options.hooks?.onSweep?.(orphans, null);
  }
}

/** A service actor's summary for `/debug/services`. */
export interface ServiceSummary {
  readonly key: string;
  readonly state: ServiceState;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly lastSyncAt: number | null;
  readonly reconciles: number;
  readonly report: ReconcileReport | null;
}

/** One service in full for `/debug/services/{namespace}/{service}`. */
export interface ServiceDetail extends ServiceSummary {
  readonly transitions: readonly Transition[];
}
