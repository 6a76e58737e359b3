/**
 * The periodic resync, one group of service actors at a time (decisions §10): a resync sends
 * `resync.due` to `group` actors, waits until every one of them that was at rest has ended its
 * reconcile, then sends the next group, so parked actors stay parked until their turn and the
 * reads of a group stay together. A resync that outlasts its period is finished first: starting
 * over would starve the keys at the end of the list.
 *
 * @module
 */

/** What the scheduler needs from the supervisor. */
export interface ResyncHost {
  /** Every service key with an actor, parked or running. */
  keys(): Iterable<string>;
  /** Whether the key's actor is at rest (parked or resting): only those are waited for. */
  resting(key: string): boolean;
  /** Sends `resync.due` to the key's actor (waking it when parked), if it still has one. */
  send(key: string): void;
  /** False once the supervisor stopped. */
  running(): boolean;
  /** Told when a resync is due while the last one is still under way. */
  overdue(left: number): void;
}

/** Resyncs every actor, a group at a time. */
export class ResyncScheduler {
  readonly #host: ResyncHost;
  readonly #group: number;
  #due: string[] = [];
  #next = 0;
  /** Keys of the group under way whose reconcile has not ended yet. */
  readonly #waiting = new Set<string>();

  /** `group`: how many actors one step wakes (at least 1). */
  constructor(host: ResyncHost, group: number) {
    this.#host = host;
    this.#group = Math.max(1, group);
  }

  /** True while some keys of the last resync were not sent it or have not ended their reconcile. */
  get underWay(): boolean {
    return this.#next < this.#due.length || this.#waiting.size > 0;
  }

  /** Starts a resync of every actor, unless the last one is still under way. */
  resyncAll(): void {
    if (this.underWay) {
      this.#host.overdue(this.#due.length - this.#next + this.#waiting.size);
      return;
    }
    this.#due = [...this.#host.keys()];
    this.#next = 0;
    this.#waiting.clear();
    this.#pump();
  }

  /** A key's reconcile ended: once the group under way has ended, the next one is sent. */
  ended(key: string): void {
    if (this.#waiting.delete(key) && this.#waiting.size === 0) this.#pump();
  }

  /** Forgets the resync under way (the lease was lost: every actor is stopped). */
  clear(): void {
    this.#due = [];
    this.#next = 0;
    this.#waiting.clear();
  }

  #pump(): void {
    while (this.#waiting.size === 0 && this.#next < this.#due.length) {
      if (!this.#host.running()) return;
      const end = Math.min(this.#due.length, this.#next + this.#group);
      const group = this.#due.slice(this.#next, end);
      this.#next = end;
      // Only actors at rest are waited for: a busy one (debouncing, reconciling, backing off)
      // reconciles anyway, and one in a long backoff must not hold its group back.
      for (const key of group) if (this.#host.resting(key)) this.#waiting.add(key);
      for (const key of group) this.#host.send(key);
    }
    if (this.#next >= this.#due.length) {
      this.#due = [];
      this.#next = 0;
    }
  }
}
