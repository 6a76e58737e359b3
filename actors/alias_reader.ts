/**
 * Coalesces the alias reads of many service actors, as `RegistryReader` does their instance reads.
 * Each reconcile of an aliased Service asks two questions: which aliases point to its service, and
 * who holds the alias name it wants. When many arrive together (start-up, a resync), one listing
 * of every alias (paged by 100) answers them all, instead of two requests per aliased Service; a
 * lone reconcile keeps its two filtered listings. Either is a complete read or a failure. The full
 * listing is used only when more reads wait than it took pages last time, so a registry with many
 * aliases of others does not make a resync dearer.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import { wallClock } from "./clock.ts";
import type { PolarisAliasRecord, PolarisApi } from "./polaris_api.ts";

/** What one alias read asks for. */
export type AliasQuery =
  | { readonly service: string; readonly namespace: string }
  | { readonly alias: string; readonly aliasNamespace: string };

interface PendingRead {
  readonly query: AliasQuery;
  readonly resolve: (aliases: PolarisAliasRecord[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Options of {@linkcode AliasReader}. */
export interface AliasReaderOptions {
  readonly api: Pick<PolarisApi, "listAliases">;
  /** How long reads wait for company before they are sent. */
  readonly lingerMs: number;
  /** Pending reads from which one listing of every alias answers them. */
  readonly threshold: number;
  readonly clock?: Clock;
}

/** True when an alias answers a query (exact names). */
export function answers(query: AliasQuery, alias: PolarisAliasRecord): boolean {
  return "alias" in query
    ? alias.alias === query.alias && alias.aliasNamespace === query.aliasNamespace
    : alias.service === query.service && alias.namespace === query.namespace;
}

/** Coalesces alias reads; see the module documentation. */
export class AliasReader {
  readonly #options: AliasReaderOptions;
  readonly #clock: Clock;
  #pending: PendingRead[] = [];
  #timer: unknown;
  /** Pages the last listing of every alias took (100 per page): what the next one will cost. */
  #pagesOfAll = 1;

  constructor(options: AliasReaderOptions) {
    this.#options = options;
    this.#clock = options.clock ?? wallClock;
  }

  /** The aliases that answer `query`; rejects when Polaris cannot answer completely. */
  read(query: AliasQuery): Promise<PolarisAliasRecord[]> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ query, resolve, reject });
      this.#timer ??= this.#clock.setTimeout(() => this.#flush(), this.#options.lingerMs);
    });
  }

  /** Rejects every read not yet sent (shutdown). */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const read of this.#pending) {
      read.reject(new Error("Cannot read aliases from Polaris: shutting down"));
    }
    this.#pending = [];
  }

  #flush(): void {
    this.#timer = undefined;
    const reads = this.#pending;
    this.#pending = [];
    if (reads.length >= Math.max(this.#options.threshold, this.#pagesOfAll + 1)) {
      const all = this.#options.api.listAliases({}).then((aliases) => {
        this.#pagesOfAll = Math.max(1, Math.ceil(aliases.length / 100));
        return aliases;
      });
      void this.#answer(reads, all);
      return;
    }
    for (const read of reads) void this.#answer([read], this.#options.api.listAliases(read.query));
  }

  async #answer(reads: PendingRead[], listing: Promise<PolarisAliasRecord[]>): Promise<void> {
    try {
      const all = await listing;
      for (const read of reads) read.resolve(all.filter((a) => answers(read.query, a)));
    } catch (error) {
      for (const read of reads) read.reject(error);
    }
  }
}
