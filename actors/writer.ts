/**
 * The Polaris writer (README "Where things are"): every write the engine makes goes through it. It
 * coalesces the writes of many service actors into shared batches of at most `batchSize` items per
 * request (instances of different services share a request), runs at most `concurrency` requests at
 * once, and answers every caller item by item. Alias writes, one endpoint per alias, are sent as
 * they come. It alone applies `--dry-run` and the leader gate, to every kind.
 *
 * It executes; it never re-decides: what to write comes from the pure plan.
 *
 * @module
 */

import type { LogFn } from "../adapters/log/log_level.ts";
import { PolarisCode } from "../domain/polaris_codes.ts";
import type {
  AliasWriteItem,
  InstanceRef,
  InstanceWriteItem,
  PolarisApi,
  WriteItemResult,
} from "./polaris_api.ts";
import { type Clock, wallClock } from "./clock.ts";

/** Kinds of batched writes, one Polaris endpoint each. */
export type BatchedKind = "createNamespace" | "createService" | "create" | "update" | "delete";

/** Kinds of alias writes: sent at once, not batched. */
export type AliasKind = "createAlias" | "updateAlias" | "deleteAlias";

/** Every kind of write. */
export type WriteKind = BatchedKind | AliasKind;

type ItemOf<K extends WriteKind> = K extends "createNamespace" ? { name: string }
  : K extends "createService" ? { namespace: string; name: string }
  : K extends "delete" ? InstanceRef
  : K extends "createAlias" | "updateAlias" ? AliasWriteItem
  : K extends "deleteAlias" ? { alias: string; aliasNamespace: string }
  : InstanceWriteItem;

const ALIAS_KINDS: ReadonlySet<WriteKind> = new Set(["createAlias", "updateAlias", "deleteAlias"]);

interface Pending<K extends WriteKind> {
  item: ItemOf<K>;
  resolve: (result: WriteItemResult) => void;
}

/** Options of {@linkcode Writer}. */
export interface WriterOptions {
  readonly api: PolarisApi;
  readonly batchSize: number;
  readonly concurrency: number;
  /** How long a partial batch waits for more items before it is sent. */
  readonly lingerMs: number;
  /** The clock the linger is timed on (the wall clock by default). */
  readonly clock?: Clock;
  /** Log the writes and send nothing (`--dry-run`). */
  readonly dryRun: boolean;
  /** Checked before every request: false (a follower) answers items "not the leader". */
  readonly gate?: () => boolean;
  readonly onBatch?: (kind: WriteKind, size: number) => void;
  readonly log?: LogFn;
}

/** Batches and sends writes; see the module documentation. */
export class Writer {
  readonly #options: WriterOptions;
  readonly #queues: { [K in BatchedKind]: Pending<K>[] } = {
    createNamespace: [],
    createService: [],
    create: [],
    update: [],
    delete: [],
  };
  #timer: unknown;
  #inFlight = 0;
  #stopped = false;
  #idleWaiters: Array<() => void> = [];
  readonly #clock: Clock;

  constructor(options: WriterOptions) {
    this.#options = options;
    this.#clock = options.clock ?? wallClock;
  }

  /** Queues items of one kind; resolves with one result per item, in order. Never rejects. */
  write<K extends WriteKind>(kind: K, items: readonly ItemOf<K>[]): Promise<WriteItemResult[]> {
    if (items.length === 0) return Promise.resolve([]);
    if (this.#stopped) return Promise.resolve(items.map(() => retryable(SHUTTING_DOWN)));
    // One endpoint per alias: nothing to batch, so they are sent at once.
    if (ALIAS_KINDS.has(kind)) return this.#calling(kind, items);
    const queue = this.#queues[kind as BatchedKind] as Pending<K>[];
    const promises = items.map((item) =>
      new Promise<WriteItemResult>((resolve) => queue.push({ item, resolve }))
    );
    this.#schedule();
    return Promise.all(promises);
  }

  /** Number of queued items not yet sent. */
  get queued(): number {
    return Object.values(this.#queues).reduce((n, q) => n + q.length, 0);
  }

  /** Requests currently in flight. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Stops accepting writes: queued items are answered "shutting down" (retryable) and requests in
   * flight are left to finish. Resolves once nothing is in flight.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const queue of Object.values(this.#queues) as Pending<BatchedKind>[][]) {
      for (const pending of queue.splice(0)) pending.resolve(retryable(SHUTTING_DOWN));
    }
    if (this.#inFlight > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  #schedule(): void {
    this.#pump(false);
    if (this.queued > 0 && this.#timer === undefined) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = undefined;
        this.#pump(true);
        if (this.queued > 0) this.#schedule();
      }, this.#options.lingerMs);
    }
  }

  /** Sends full batches at once, and partial ones when `flushPartial` (the linger expired). */
  #pump(flushPartial: boolean): void {
    const order: BatchedKind[] = ["createNamespace", "createService", "delete", "update", "create"];
    for (const kind of order) {
      const queue = this.#queues[kind];
      while (
        this.#inFlight < this.#options.concurrency &&
        (queue.length >= this.#options.batchSize || (flushPartial && queue.length > 0)) &&
        // services wait for their namespaces, instances for their services
        !this.#blockedByEarlierKind(kind)
      ) {
        const batch = queue.splice(0, this.#options.batchSize);
        this.#send(kind, batch);
      }
    }
  }

  #blockedByEarlierKind(kind: BatchedKind): boolean {
    if (kind === "createService") return this.#queues.createNamespace.length > 0;
    if (kind === "create") {
      return this.#queues.createNamespace.length > 0 || this.#queues.createService.length > 0;
    }
    return false;
  }

  /**
   * Sends one request's items, counted in flight until it settles; a rejection answers every item
   * with a retryable failure.
   */
  async #calling(kind: WriteKind, items: readonly unknown[]): Promise<WriteItemResult[]> {
    this.#inFlight++;
    try {
      return await this.#call(kind, items);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return items.map(() => retryable(`Cannot send a ${kind} batch to Polaris: ${why}`));
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) { for (const wake of this.#idleWaiters.splice(0)) wake(); }
    }
  }

  #send(kind: BatchedKind, batch: Pending<BatchedKind>[]): void {
    this.#options.onBatch?.(kind, batch.length);
    this.#calling(kind, batch.map((p) => p.item))
      .then((results) => {
        batch.forEach((pending, i) =>
          pending.resolve(results[i] ?? retryable("no result for item"))
        );
      })
      .finally(() => {
        if (!this.#stopped) this.#schedule();
      });
  }

  #call(kind: WriteKind, items: readonly unknown[]): Promise<WriteItemResult[]> {
    const { api, dryRun, log, gate } = this.#options;
    if (gate && !gate()) {
      return Promise.resolve(
        items.map(() => retryable("Cannot write to Polaris: this replica is not the leader")),
      );
    }
    if (dryRun) {
      log?.("info", "dry run: would write to Polaris", { kind, items });
      return Promise.resolve(items.map(() => ({ ok: true, code: PolarisCode.ExecuteSuccess })));
    }
    switch (kind) {
      case "createNamespace":
        return api.createNamespaces(items as { name: string }[]);
      case "createService":
        return api.createServices(items as { namespace: string; name: string }[]);
      case "create":
        return api.createInstances(items as InstanceWriteItem[]);
      case "update":
        return api.updateInstances(items as InstanceWriteItem[]);
      case "delete":
        return api.deleteInstances(items as InstanceRef[]);
      case "createAlias":
        return sequentially(items as AliasWriteItem[], (a) => api.createAlias(a));
      case "updateAlias":
        return sequentially(items as AliasWriteItem[], (a) => api.updateAlias(a));
      case "deleteAlias":
        return api.deleteAliases(items as { alias: string; aliasNamespace: string }[]);
    }
  }
}

const SHUTTING_DOWN = "Cannot write to Polaris: the controller is shutting down";

/** A failure worth a retry, with no Polaris code (nothing was answered). */
function retryable(message: string): WriteItemResult {
  return { ok: false, code: undefined, retryable: true, message };
}

async function sequentially<T>(
  items: readonly T[],
  send: (item: T) => Promise<WriteItemResult>,
): Promise<WriteItemResult[]> {
  const results: WriteItemResult[] = [];
  for (const item of items) results.push(await send(item));
  return results;
}
