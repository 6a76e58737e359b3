/**
 * Leader election on a `coordination.k8s.io/v1` Lease (sync-rules §3.8: several replicas may run,
 * only the leader writes), with the semantics of client-go's `leaderelection` package so that it
 * behaves as operators expect:
 *
 * - A Lease held by someone else counts as expired only `leaseDurationSeconds` after this replica
 *   last saw it change, measured on this replica's clock; the holder's `renewTime` is never
 *   compared with the local clock, so clock skew between nodes cannot make two leaders.
 * - Every write sends the `resourceVersion` read just before (optimistic concurrency): of two
 *   replicas racing for a free Lease, the API server lets exactly one win (the other gets 409).
 * - The leader renews every `retryPeriod`; when no renewal succeeded for `renewDeadline` (shorter
 *   than the lease) it steps down at once, before anyone else may take over. Seeing another
 *   holder also steps down at once.
 * - `stop()` releases a held Lease (empty `holderIdentity`), so a successor takes over within a
 *   retry period instead of a full lease duration.
 *
 * @module
 */

import type { LogFn, LogLevel } from "../log/log_level.ts";
import type { KubeJsonAnswer, KubeJsonApi } from "../events/kube_json_api.ts";
import { statusMessage } from "../events/kube_json_api.ts";
import {
  leaseObject,
  type LeaseRecord,
  type LeaseSpec,
  microTime,
  parseLease,
} from "./lease_record.ts";

/** Who leads, as this replica knows it. */
export interface LeaderStatus {
  readonly isLeader: boolean;
  /** The holder last seen on the Lease (this replica's identity when leading), or null. */
  readonly holder: string | null;
}

/** Timers, injected by tests that drive a fake clock. */
export interface ElectorTimers {
  /** Schedules `callback`; returns an id for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** Options of {@linkcode LeaseElector}. */
export interface LeaseElectorOptions {
  readonly api: KubeJsonApi;
  readonly namespace: string;
  readonly name: string;
  /** This replica's `holderIdentity`. */
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  /** Called whenever `isLeader` or the holder changes. */
  readonly onChange?: (status: LeaderStatus) => void;
  readonly log?: LogFn;
  readonly now?: () => number;
  /** In [0, 1): spreads followers' retries (client-go's jitter factor 1.2). */
  readonly random?: () => number;
  readonly timers?: ElectorTimers;
}

const REAL_TIMERS: ElectorTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (id) => clearTimeout(id as number),
};

/** The Lease elector; see the module documentation. */
export class LeaseElector {
  readonly #o: LeaseElectorOptions;
  readonly #now: () => number;
  readonly #timers: ElectorTimers;
  readonly #path: string;
  #leader = false;
  #holder: string | null = null;
  /** The last Lease seen and when it was first seen in that version (local clock). */
  #observed: LeaseRecord | null = null;
  #observedAt = 0;
  #lastRenewAt = 0;
  #round: unknown = null;
  #deadline: unknown = null;
  #running: Promise<void> | null = null;
  #started = false;
  #stopped = false;
  #lastFailure: string | null = null;

  /** Creates an elector; nothing is sent before `start()`. */
  constructor(options: LeaseElectorOptions) {
    if (!(options.renewDeadlineMs < options.leaseDurationMs)) {
      throw new RangeError(
        `Cannot elect with renewDeadline "${options.renewDeadlineMs}" ms: it must be shorter than the lease "${options.leaseDurationMs}" ms`,
      );
    }
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#timers = options.timers ?? REAL_TIMERS;
    this.#path = `/apis/coordination.k8s.io/v1/namespaces/${
      encodeURIComponent(options.namespace)
    }/leases`;
  }

  /** This replica's identity. */
  get identity(): string {
    return this.#o.identity;
  }

  /** Who leads, as last seen. */
  get status(): LeaderStatus {
    return { isLeader: this.#leader, holder: this.#holder };
  }

  /**
   * True while this replica leads and its last renewal is younger than the renew deadline, read
   * from the clock at each call. `status` changes when the deadline timer runs; a process that
   * resumes from a pause (SIGSTOP, a stalled host) can run other work before that timer, and
   * must not write then (SPEC §3: only the leader writes). Every write attempt asks here.
   */
  holdsLease(): boolean {
    return this.#leader && this.#now() - this.#lastRenewAt < this.#o.renewDeadlineMs;
  }

  /** Starts trying to acquire (then renew) the Lease every retry period. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#schedule(0);
  }

  /**
   * Stops the loop; when leading, steps down first (so the caller stops writing) and then releases
   * the Lease so a successor takes over at its next retry.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#round !== null) this.#timers.clearTimeout(this.#round);
    this.#round = null;
    this.#clearDeadline();
    await this.#running;
    this.#clearDeadline();
    if (!this.#leader) return;
    this.#set(false, this.#holder);
    try {
      await this.#release();
    } catch (error) {
      this.#log("warn", "Cannot release the Lease; a successor waits for it to expire", { error });
    }
  }

  /**
   * One attempt to acquire or renew; returns whether this replica holds the Lease afterwards.
   * Exported for tests: `start()` calls it every retry period.
   */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.#now();
    const read = await this.#request("GET", `${this.#path}/${encodeURIComponent(this.#o.name)}`);
    if (read.status === 404) {
      return this.#write(
        "POST",
        this.#path,
        this.#spec(now, null),
        undefined,
        now,
      );
    }
    if (read.status !== 200) throw this.#failure("read", read);
    const lease = parseLease(read.body);
    if (this.#observed?.resourceVersion !== lease.resourceVersion) {
      this.#observed = lease;
      this.#observedAt = now;
    }
    const holder = lease.holderIdentity;
    const heldByOther = holder !== "" && holder !== this.#o.identity;
    const leaseMs = lease.leaseDurationSeconds * 1000;
    if (heldByOther && now < this.#observedAt + leaseMs) {
      if (this.#leader) {
        this.#log("warn", "Another replica holds the Lease; stepping down", { holder });
      }
      this.#set(false, holder);
      return false;
    }
    if (heldByOther) this.#log("info", "The Lease expired; taking it over", { from: holder });
    return this.#write(
      "PUT",
      `${this.#path}/${encodeURIComponent(this.#o.name)}`,
      this.#spec(now, holder === this.#o.identity ? lease : null, lease.leaseTransitions),
      lease.resourceVersion,
      now,
    );
  }

  #spec(now: number, renewing: LeaseRecord | null, transitions = -1): LeaseSpec {
    return {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.#o.leaseDurationMs / 1000)),
      acquireTime: renewing?.acquireTime ?? microTime(now),
      renewTime: microTime(now),
      leaseTransitions: renewing ? renewing.leaseTransitions : transitions + 1,
    };
  }

  async #write(
    method: "POST" | "PUT",
    path: string,
    spec: LeaseSpec,
    resourceVersion: string | undefined,
    now: number,
  ): Promise<boolean> {
    const body = leaseObject(this.#o.namespace, this.#o.name, spec, resourceVersion);
    const answer = await this.#request(method, path, body);
    if (answer.status === 409) return false; // another replica wrote first; read again next round
    if (answer.status >= 300) throw this.#failure(method === "POST" ? "create" : "update", answer);
    this.#observed = parseLease(answer.body);
    this.#observedAt = now;
    this.#lastRenewAt = now;
    if (!this.#leader) this.#log("info", "Acquired the Lease; leading", { lease: this.#o.name });
    this.#set(true, this.#o.identity);
    this.#armDeadline();
    return true;
  }

  async #release(): Promise<void> {
    const path = `${this.#path}/${encodeURIComponent(this.#o.name)}`;
    const read = await this.#request("GET", path);
    if (read.status !== 200) throw this.#failure("read", read);
    const lease = parseLease(read.body);
    if (lease.holderIdentity !== this.#o.identity) return;
    const now = this.#now();
    const spec: LeaseSpec = {
      holderIdentity: "",
      leaseDurationSeconds: 1,
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: lease.leaseTransitions,
    };
    const answer = await this.#request(
      "PUT",
      path,
      leaseObject(this.#o.namespace, this.#o.name, spec, lease.resourceVersion),
    );
    if (answer.status >= 300) throw this.#failure("release", answer);
    this.#holder = null;
    this.#log("info", "Released the Lease", { lease: this.#o.name });
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#round = this.#timers.setTimeout(() => {
      this.#round = null;
      this.#running = this.#runRound().finally(() => this.#running = null);
    }, delayMs);
  }

  async #runRound(): Promise<void> {
    try {
      await this.tryAcquireOrRenew();
    } catch (error) {
      // A follower retries every period: warn when the failure is new or changes (a missing RBAC
      // rule must be visible at the default level), then keep the repeats at debug.
      const text = error instanceof Error ? error.message : String(error);
      const fresh = this.#leader || text !== this.#lastFailure;
      this.#lastFailure = text;
      this.#log(fresh ? "warn" : "debug", "Cannot acquire or renew the Lease", { error });
      return this.#afterRound();
    }
    this.#lastFailure = null;
    this.#afterRound();
  }

  #afterRound(): void {
    if (this.#stopped) return;
    if (this.#leader && this.#now() - this.#lastRenewAt >= this.#o.renewDeadlineMs) {
      this.#stepDown();
    }
    const jitter = this.#leader ? 0 : (this.#o.random ?? Math.random)() * 0.2;
    this.#schedule(this.#o.retryPeriodMs * (1 + jitter));
  }

  /** Steps down at the renew deadline even when a request hangs (the round awaits it). */
  #armDeadline(): void {
    this.#clearDeadline();
    const left = this.#lastRenewAt + this.#o.renewDeadlineMs - this.#now();
    this.#deadline = this.#timers.setTimeout(() => {
      this.#deadline = null;
      if (this.#leader && this.#now() - this.#lastRenewAt >= this.#o.renewDeadlineMs) {
        this.#stepDown();
      }
    }, Math.max(0, left));
  }

  #clearDeadline(): void {
    if (this.#deadline !== null) this.#timers.clearTimeout(this.#deadline);
    this.#deadline = null;
  }

  #stepDown(): void {
    this.#log("warn", "Cannot renew the Lease within the renew deadline; stepping down", {
      renewDeadlineMs: this.#o.renewDeadlineMs,
    });
    this.#clearDeadline();
    this.#set(false, null);
  }

  #set(leader: boolean, holder: string | null): void {
    if (leader === this.#leader && holder === this.#holder) return;
    const changedHolder = holder !== this.#holder;
    this.#leader = leader;
    this.#holder = holder;
    if (!leader) this.#clearDeadline();
    if (changedHolder && holder !== null && !leader) {
      this.#log("info", "Following the Lease holder", { holder });
    }
    this.#o.onChange?.({ isLeader: leader, holder });
  }

  #request(method: "GET" | "POST" | "PUT", path: string, body?: unknown) {
    return this.#o.api.request({
      method,
      path,
      body,
      // A hung request must not outlast a retry period: the round after it decides again.
      timeoutMs: Math.max(1000, this.#o.retryPeriodMs),
    });
  }

  #failure(action: string, answer: KubeJsonAnswer): Error {
    return new Error(
      `Cannot ${action} the Lease "${this.#o.namespace}/${this.#o.name}": the API server answered ${
        statusMessage(answer)
      }`,
    );
  }

  #log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    this.#o.log?.(level, message, fields);
  }
}
