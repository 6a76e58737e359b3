/**
 * The running system (README "Where things are"). One change, from a cluster source to Polaris:
 *
 * 1. a source reports a change (`#onChange`) and the key is routed to its service actor
 *    (`#touch`, through {@linkcode ServiceActors}); a full list goes through a
 *    {@linkcode ListedPasses} pass first;
 * 2. the actor debounces and runs its reconcile (`actors/reconcile_actor.ts`): it waits for a
 *    slot, then `reconcileService` reads, plans in `domain/`, writes through the writer and
 *    judges the results in `domain/`;
 * 3. the outcome moves the actor to `synced`, `conflict`, `invalid`, `backoff` or `released`.
 *
 * Leadership and listing are states of the supervisor machine (`machines/supervisor_machine.ts`);
 * this class provides its effects: allow deletes, take over, stand down, sweep, resync.
 *
 * @module
 */

import { AliasReader } from "./alias_reader.ts";
import type { ClusterView } from "../domain/cluster.ts";
import type { ServiceInfo } from "../domain/kubernetes.ts";
import { isRedirected, targetKey } from "../domain/polaris_target.ts";
import { ServiceTargets } from "./service_targets.ts";
import type { WritePolicy } from "../domain/write_policy.ts";
import type { LogFn } from "../adapters/log/log_level.ts";
import { createActor, fromPromise } from "xstate";
import type { ClusterChange, ClusterSource } from "../domain/cluster.ts";
import { parseServiceKey, serviceKey } from "../domain/keys.ts";
import type { PodLabelPolicy } from "../domain/metadata.ts";
import type { SyncPolicy } from "../domain/should_sync.ts";
import { serviceWanted } from "../domain/service_intent.ts";
import {
  type ReconcileOutcome,
  type ServiceState,
  type ServiceTiming,
} from "../machines/service_machine.ts";
import { everySourceListed, stateName, supervisorMachine } from "../machines/supervisor_machine.ts";
import { Limiter } from "../adapters/concurrency/limiter.ts";
import { type Clock, wallClock } from "./clock.ts";
import { KnownResources } from "./known_resources.ts";
import { ListedPasses } from "./listed_pass.ts";
import { OrphanSweep } from "./orphan_sweep.ts";
import type { PolarisApi } from "./polaris_api.ts";
import type { ReconcileReport } from "./reconcile_report.ts";
import { provideReconcile } from "./reconcile_actor.ts";
import { RegistryReader } from "./registry_reader.ts";
import { ResyncScheduler } from "./resync_scheduler.ts";
import { ServiceActors, type ServiceDetail, type ServiceSummary } from "./service_actors.ts";
import { Tombstones } from "./tombstones.ts";
import { TUNING } from "./tuning.ts";
import type { Writer } from "./writer.ts";

/** Hooks for logs, metrics and Events; all optional. */
export interface SupervisorHooks {
  readonly onTransition?: (key: string, from: string, to: string, error: string | null) => void;
  readonly onReport?: (report: ReconcileReport, outcome: ReconcileOutcome | null) => void;
  readonly onApplied?: (key: string, latencyMs: number) => void;
  readonly onSweep?: (found: number, error: string | null) => void;
  readonly log?: LogFn;
}

/** States of an actor whose reconcile (and so its read) is still to come or under way. */
const READING_STATES: ReadonlySet<ServiceState> = new Set(["idle", "debouncing", "reconciling"]);

/** Options of {@linkcode Supervisor}. */
export interface SupervisorOptions {
  readonly sources: readonly ClusterSource[];
  readonly api: PolarisApi;
  readonly writer: Writer;
  readonly policy: SyncPolicy;
  /**
   * The `source` metadata value that marks instances as ours (beside `clusterName`, sync-rules §1).
   */
  readonly ownerSource: string;
  readonly podLabelPolicy: PodLabelPolicy;
  readonly timing: ServiceTiming;
  readonly resyncPeriodMs: number;
  /** `--dry-run`: nothing is written (the writer holds every write back). */
  readonly dryRun?: boolean;
  /** `--policy`: which kinds of write the plans may hold (`sync` by default). */
  readonly writePolicy?: WritePolicy;
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
  /** Every timer of the running system, and its "now" (the wall clock by default). */
  readonly clock?: Clock;
}

/** The running system; see the module documentation. */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #clock: Clock;
  readonly #known = new KnownResources();
  readonly #aliased = new Set<string>();
  /** Clusters whose source has reported its first full list. */
  readonly #listed = new Set<string>();
  readonly #tombstones = new Tombstones();
  readonly #unsubscribe: Array<() => void> = [];
  readonly #machine;
  readonly #actors: ServiceActors;
  readonly #passes: ListedPasses;
  readonly #reader: RegistryReader;
  readonly #aliasReader: AliasReader;
  readonly #slots: Limiter;
  readonly #resync: ResyncScheduler;
  readonly #orphans: OrphanSweep;
  readonly #wanted: (namespace: string, service: string) => boolean;
  readonly #targets = new ServiceTargets();
  #polarisAnswered = false;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? wallClock;
    const log = options.hooks?.log;
    const redirected = (view: ClusterView, key: string) => this.#targets.redirected(view, key);
    const wantedDeps = { views: options.sources, policy: options.policy, redirected };
    this.#wanted = (namespace, service) => serviceWanted(wantedDeps, namespace, service);
    this.#aliasReader = new AliasReader({
      api: options.api,
      lingerMs: options.readLingerMs ?? TUNING.readLingerMs,
      threshold: TUNING.aliasListingThreshold,
      snapshotMaxAgeMs: TUNING.aliasSnapshotMaxAgeMs,
      clock: this.#clock,
    });
    this.#reader = new RegistryReader({
      api: { listInstances: (filter) => this.#readTracked(filter) },
      lingerMs: options.readLingerMs ?? TUNING.readLingerMs,
      clock: this.#clock,
      namespaceThreshold: TUNING.namespaceListingThreshold,
      concurrency: TUNING.readConcurrency,
      onNamespaceListing: (namespace, byService) =>
        this.#orphans.adoptFromListing(namespace, byService),
    });
    const slots = Math.max(1, options.reconcileSlots ?? TUNING.reconcileSlots);
    this.#slots = new Limiter({ limit: slots, resumeAt: Math.floor(slots / 2) });
    this.#actors = new ServiceActors({
      machine: provideReconcile({
        deps: {
          views: options.sources,
          policy: options.policy,
          ownerSource: options.ownerSource,
          podLabelPolicy: options.podLabelPolicy,
          redirected,
          api: options.api,
          writer: options.writer,
          reader: this.#reader,
          aliasReader: this.#aliasReader,
          dryRun: options.dryRun ?? false,
          writePolicy: options.writePolicy ?? "sync",
          deletesAllowed: () => this.deletesAllowed,
          known: this.#known,
          aliased: this.#aliased,
          tombstones: this.#tombstones,
          log,
        },
        slots: this.#slots,
        writing: () => this.leading,
        record: (key) => this.#actors.get(key),
        ended: (key) => this.#resync.ended(key),
        clock: this.#clock,
        onApplied: options.hooks?.onApplied,
        onReport: options.hooks?.onReport,
      }),
      timing: options.timing,
      clock: this.#clock,
      onTransition: options.hooks?.onTransition,
      log,
    });
    this.#resync = new ResyncScheduler({
      keys: () => this.#actors.keys(),
      resting: (key) => this.#actors.resting(key),
      send: (key) => this.#actors.send(key, { type: "resync.due" }),
      running: () => this.leading,
      overdue: (left) =>
        log?.("warn", "resync period elapsed before the last resync ended", { left }),
    }, options.resyncGroup ?? TUNING.resyncGroup);
    this.#orphans = new OrphanSweep({
      api: options.api,
      clusterNames: options.sources.map((s) => s.clusterName),
      ownerSource: options.ownerSource,
      aliased: this.#aliased,
      test: { hasActor: (key) => this.#actors.get(key) !== undefined, wanted: this.#wanted },
      adopting: () => this.deletesAllowed && this.leading,
      adopt: (key) => this.#touch(key, { force: true }),
      ownedEstimate: () => {
        let desired = 0;
        for (const [, record] of this.#actors.entries()) {
          desired += record.report?.summary.desired ?? 0;
        }
        return desired;
      },
      onSweep: options.hooks?.onSweep,
      log,
    });
    this.#passes = new ListedPasses({
      windowMs: options.timing.debounceMs,
      clock: this.#clock,
      api: options.api,
      writer: options.writer,
      known: this.#known,
      wanted: this.#wanted,
      start: (keys) => {
        for (const key of keys) this.#touch(key, { listed: true });
      },
      log,
    });
    this.#machine = createActor(
      supervisorMachine.provide({
        actors: {
          sweep: fromPromise(async ({ signal }) => {
            // After the listed pass's reads: the namespaces they listed whole are swept already.
            await this.#passReadsEnded(signal);
            // Stopped, or the lease lost, while waiting: this replica no longer sweeps.
            if (signal.aborted) return;
            await this.#orphans.sweep();
            this.#polarisAnswered = true;
          }),
        },
        actions: {
          allowDeletes: () => this.#allowDeletes(),
          takeOver: () => this.#takeOver(),
          standDown: () => this.#standDown(),
          resyncAll: () => this.#resync.resyncAll(),
        },
      }),
      {
        clock: this.#clock,
        input: {
          clusterNames: options.sources.map((s) => s.clusterName),
          resyncPeriodMs: options.resyncPeriodMs,
          backoffBaseMs: options.timing.backoffBaseMs,
          backoffMaxMs: options.timing.backoffMaxMs,
          leading: options.leading ?? true,
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
    // A source that listed before its subscriber was told (or without telling) counts now.
    for (const source of this.#options.sources) {
      if (source.synced) this.#onChange(source, { kind: "synced" });
    }
  }

  /**
   * Stops everything without deregistering anything (sync-rules §3.7: pods keep serving while the
   * controller restarts): actors stop, queued writes are abandoned, requests in flight finish.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#passes.stop();
    // Started first (a no-op once started), so a supervisor stopped before `start()` is stopped too.
    this.#machine.start();
    this.#machine.send({ type: "stop" });
    this.#machine.stop();
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#actors.stopAll();
    this.#reader.stop();
    this.#aliasReader.stop();
    await this.#options.writer.stop();
    this.#options.hooks?.log?.("debug", "writer stopped", {});
    await Promise.all(this.#options.sources.map((s) => s.stop()));
  }

  get #stopped(): boolean {
    return this.#machine.getSnapshot().status !== "active";
  }

  /** True while this replica may write (leader, or no leader election). */
  get leading(): boolean {
    return this.#machine.getSnapshot().matches("leading");
  }

  /**
   * Makes this replica the writer or a follower (leader election). Losing the lease stops every
   * service actor at once and closes the writer's gate, so no new request leaves; gaining it
   * reconciles every wanted Service and sweeps, as after a start.
   */
  setLeading(leading: boolean): void {
    if (leading === this.leading || this.#stopped) return;
    this.#options.hooks?.log?.(
      "info",
      leading ? "leading: writes enabled" : "following: writes stopped",
      {},
    );
    this.#machine.send({ type: leading ? "lease.gained" : "lease.lost" });
  }

  /** True once deletes are allowed: every source listed. */
  get deletesAllowed(): boolean {
    return everySourceListed(this.#machine.getSnapshot().context);
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
    /** Service actors parked at rest (see `actors/service_actors.ts`). */
    parked: number;
  } {
    const snapshot = this.#machine.getSnapshot();
    return {
      parked: this.#actors.parked,
      state: stateName(snapshot.value),
      sweeps: snapshot.context.sweeps,
      resyncs: snapshot.context.resyncs,
      lastSweepError: snapshot.context.lastSweepError,
    };
  }

  /** Number of live service actors. */
  get size(): number {
    return this.#actors.size;
  }

  /** Iterates over the live service actors' summaries, in key order of creation. */
  services(): IterableIterator<ServiceSummary> {
    return this.#actors.summaries();
  }

  /** One actor's summary, or undefined when no actor has that key. */
  summary(key: string): ServiceSummary | undefined {
    return this.#actors.summary(key);
  }

  /** One service in full, or undefined when no actor has that key. */
  service(key: string): ServiceDetail | undefined {
    return this.#actors.detail(key);
  }

  /** Counts of actors per state. */
  countByState(): Record<ServiceState, number> {
    return this.#actors.countByState();
  }

  /**
   * True when the system is at rest: every source listed, and either following, or leading with
   * the sweep done, no pass or resync under way, every actor resting and no write queued.
   */
  get settled(): boolean {
    const machine = this.#machine.getSnapshot();
    if (!everySourceListed(machine.context)) return false;
    if (machine.matches("following")) return true;
    if (!machine.matches({ leading: "running" })) return false;
    if (this.#passes.busy || this.#resync.underWay || !this.#actors.allResting()) return false;
    return this.#options.writer.queued === 0 && this.#options.writer.inFlight === 0;
  }

  #onChange(source: ClusterSource, change: ClusterChange): void {
    if (this.#stopped) return;
    switch (change.kind) {
      case "synced":
        // Once per source: a source that lists within `start()` reports it, and `start()` asks.
        if (this.#listed.has(source.clusterName)) return;
        this.#listed.add(source.clusterName);
        this.#options.hooks?.log?.("info", "cluster source listed", {
          cluster: source.clusterName,
        });
        this.#listedPass(source, this.#targets.rebuild(source));
        this.#machine.send({ type: "source.synced", clusterName: source.clusterName });
        return;
      case "relisted":
        if (source.synced) this.#listedPass(source, this.#targets.rebuild(source));
        return;
      case "namespace":
        if (!source.synced) return;
        for (const svc of source.servicesInNamespace(change.name)) {
          for (const key of this.#targets.observe(source, svc.namespace, svc.name)) {
            this.#touch(key);
          }
        }
        return;
      case "service":
        // Its own key, where it registers now, and where it registered before (a move).
        if (!source.synced) return;
        for (const key of this.#targets.observe(source, change.namespace, change.name)) {
          this.#touch(key);
        }
        return;
    }
  }

  /**
   * Adds every Service of a source that listed in full to the pass being gathered, with the
   * Polaris keys redirected Services register under (`redirects`, from `ServiceTargets.rebuild`).
   */
  #listedPass(source: ClusterSource, redirects: readonly string[]): void {
    if (!this.leading) return;
    for (const svc of source.services()) this.#passes.add(serviceKey(svc.namespace, svc.name));
    for (const key of redirects) this.#passes.add(key);
  }

  /** The Services of `view` registered under the Polaris key `key` by an override annotation. */
  redirected(view: ClusterView, key: string): ServiceInfo[] {
    return this.#targets.redirected(view, key);
  }

  /**
   * Routes a change to the key's actor, creating the actor on first use. No actor is created for a
   * Service that no cluster wants synced, unless `force` says the sweep found instances of ours
   * under that key: a demand-mode cluster with thousands of unsynced Services costs nothing.
   * `listed`: a source just finished a full list, so the actor reconciles without a debounce (see
   * the service machine's `inputs.listed`).
   */
  #touch(key: string, how: { force?: boolean; listed?: boolean } = {}): void {
    if (!this.leading) return;
    if (!how.force && !this.#actors.get(key)) {
      const { namespace, service } = parseServiceKey(key);
      if (!this.#wanted(namespace, service)) return;
    }
    // Stamped before the event: a listed actor starts its reconcile within `send`.
    this.#actors.getOrSpawn(key).pendingSince ??= this.#clock.now();
    this.#actors.send(key, { type: how.listed ? "inputs.listed" : "inputs.changed" });
  }

  /**
   * Entering `leading`: every source that listed while this replica followed is acted on. (An
   * entry action runs before the machine's snapshot shows the new state, so `#listedPass`, which
   * asks `leading`, is not used here.)
   */
  #takeOver(): void {
    for (const source of this.#options.sources) {
      if (!source.synced) continue;
      for (const svc of source.services()) {
        this.#passes.add(serviceKey(svc.namespace, svc.name));
        if (isRedirected(svc)) this.#passes.add(targetKey(svc));
      }
    }
  }

  /**
   * Resolves once no pass is gathering and no actor waits to reconcile or is reconciling (actors in
   * backoff count as done: their namespace is simply not covered), or after
   * `TUNING.sweepWaitMaxMs` whatever the actors do, so that steady churn cannot hold the sweep
   * back for ever.
   */
  async #passReadsEnded(signal: AbortSignal): Promise<void> {
    const deadline = this.#clock.now() + TUNING.sweepWaitMaxMs;
    while (this.#clock.now() < deadline && !signal.aborted) {
      if (!this.#passes.busy && !this.#actors.anyIn(READING_STATES)) return;
      await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, 20));
    }
  }

  /** Leaving `leading` (lease lost or stop): every actor stops and queued work is forgotten. */
  #standDown(): void {
    this.#orphans.forgetCoverage();
    this.#passes.clear();
    this.#resync.clear();
    this.#actors.clear();
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
    this.#options.hooks?.log?.("info", "every cluster source listed; deletes are allowed", {});
    // Reconcile again wherever a delete was held back while sources were still listing, and
    // wherever a reconcile is under way: it may have planned before deletes were allowed.
    for (const [key, record] of this.#actors.entries()) {
      const held = (record.report?.plan.skipped.length ?? 0) > 0;
      if (held || !this.#actors.resting(key)) this.#touch(key, { force: true });
    }
  }
}
