/**
 * Coalesces the reads of many service actors, as the writer coalesces their writes. When many
 * services of one Polaris namespace want their instances at once (start-up, a resync, a relist),
 * one namespace-wide listing (paged by 100) answers them all instead of one request per service;
 * a lone read (one Service changing) stays a per-service listing.
 *
 * A namespace listing is a complete read or a failure (the client restarts or rejects when data
 * moves under it), so a service absent from it truly has no instance: never a guess.
 *
 * @module
 */

import type { RegisteredInstance } from "../domain/polaris.ts";
import { Limiter } from "../adapters/concurrency/limiter.ts";
import type { PolarisApi } from "./polaris_api.ts";
import { type Clock, wallClock } from "./clock.ts";

interface PendingRead {
  readonly service: string;
  readonly resolve: (instances: RegisteredInstance[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Options of {@linkcode RegistryReader}. */
export interface RegistryReaderOptions {
  readonly api: Pick<PolarisApi, "listInstances">;
  /** How long reads wait for company before they are sent. */
  readonly lingerMs: number;
  /** The clock the linger is timed on (the wall clock by default). */
  readonly clock?: Clock;
  /** Pending services of one namespace from which a namespace-wide listing is used. */
  readonly namespaceThreshold: number;
  /** Listings in flight at once. */
  readonly concurrency: number;
  readonly onListing?: (kind: "namespace" | "service", services: number) => void;
  /**
   * Called with every complete namespace-wide listing, grouped by service: it holds services no
   * reader asked for, which is how the supervisor finds orphans without a sweep.
   */
  readonly onNamespaceListing?: (
    namespace: string,
    byService: ReadonlyMap<string, readonly RegisteredInstance[]>,
  ) => void;
}

/** Coalesces instance reads; see the module documentation. */
export class RegistryReader {
  readonly #options: RegistryReaderOptions;
  readonly #pending = new Map<string, PendingRead[]>();
  #timer: unknown;
  readonly #limiter: Limiter;
  readonly #clock: Clock;

  constructor(options: RegistryReaderOptions) {
    this.#options = options;
    this.#clock = options.clock ?? wallClock;
    this.#limiter = new Limiter({ limit: options.concurrency });
  }

  /** Reads every instance of one service; rejects when Polaris cannot answer completely. */
  read(namespace: string, service: string): Promise<RegisteredInstance[]> {
    return new Promise((resolve, reject) => {
      const list = this.#pending.get(namespace);
      const entry = { service, resolve, reject };
      if (list) list.push(entry);
      else this.#pending.set(namespace, [entry]);
      this.#timer ??= this.#clock.setTimeout(() => this.#flush(), this.#options.lingerMs);
    });
  }

  /** Rejects every read not yet sent (shutdown). */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const reads of this.#pending.values()) {
      for (const read of reads) read.reject(new Error("Cannot read from Polaris: shutting down"));
    }
    this.#pending.clear();
  }

  #flush(): void {
    this.#timer = undefined;
    const batches = [...this.#pending.entries()];
    this.#pending.clear();
    for (const [namespace, reads] of batches) {
      const distinct = new Set(reads.map((r) => r.service));
      if (distinct.size >= this.#options.namespaceThreshold) {
        void this.#limiter.run(() => this.#readNamespace(namespace, reads, distinct.size));
      } else {
        for (const service of distinct) {
          const forService = reads.filter((r) => r.service === service);
          void this.#limiter.run(() => this.#readService(namespace, service, forService));
        }
      }
    }
  }

  async #readNamespace(namespace: string, reads: PendingRead[], services: number): Promise<void> {
    this.#options.onListing?.("namespace", services);
    try {
      const all = await this.#options.api.listInstances({ namespace });
      const byService = new Map<string, RegisteredInstance[]>();
      for (const instance of all) {
        if (instance.namespace !== namespace) continue;
        const list = byService.get(instance.service);
        if (list) list.push(instance);
        else byService.set(instance.service, [instance]);
      }
      for (const read of reads) read.resolve(byService.get(read.service) ?? []);
      this.#options.onNamespaceListing?.(namespace, byService);
    } catch (error) {
      for (const read of reads) read.reject(error);
    }
  }

  async #readService(namespace: string, service: string, reads: PendingRead[]): Promise<void> {
    this.#options.onListing?.("service", 1);
    try {
      const instances = await this.#options.api.listInstances({ namespace, service });
      for (const read of reads) read.resolve(instances);
    } catch (error) {
      for (const read of reads) read.reject(error);
    }
  }
}
