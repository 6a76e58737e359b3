/**
 * Coalesces the alias reads of many service actors, as `RegistryReader` does their instance reads.
 * Each reconcile of an aliased Service asks two questions: which aliases point to its service, and
 * who holds the alias name it wants. When many arrive together (start-up, a resync), one listing
 * of every alias (paged by 100) answers them all, instead of two requests per aliased Service; a
 * lone reconcile keeps its two filtered listings. Either is a complete read or a failure. The full
 * listing is used only when more reads wait than it took pages last time, so a registry with many
 * aliases of others does not make a resync dearer.
 *
 * At 50k Services the reads of a start-up or a resync do not arrive together: reconciles start as
 * slots free up. So when the filtered reads of the last `snapshotMaxAgeMs` outnumber the pages of a
 * full listing, the next read takes one, and reads answer from it for `snapshotMaxAgeMs`. This
 * controller's own alias writes are applied to it (`noteWrite`); an alias someone else changes in
 * that window is seen at the next read after it (decisions §33).
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
  /** How long a listing of every alias answers reads (0: never after its own batch). */
  readonly snapshotMaxAgeMs?: number;
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
  /** The last listing of every alias, with this process's writes since applied to it. */
  #snapshot: { at: number; aliases: PolarisAliasRecord[] } | undefined;
  /** When the recent filtered reads were sent. */
  #recent: number[] = [];

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

  /**
   * Applies an alias write Polaris accepted to the snapshot, so that reads answered from it see
   * this controller's own writes.
   */
  noteWrite(
    kind: "upsert" | "delete",
    alias: Omit<PolarisAliasRecord, "comment"> & { readonly comment?: string },
  ): void {
    const snapshot = this.#snapshot;
    if (!snapshot) return;
    const rest = snapshot.aliases.filter((a) =>
      !(a.alias === alias.alias && a.aliasNamespace === alias.aliasNamespace)
    );
    snapshot.aliases = kind === "delete" ? rest : [...rest, { comment: "", ...alias }];
  }

  #flush(): void {
    this.#timer = undefined;
    const reads = this.#pending;
    this.#pending = [];
    const now = this.#clock.now();
    const maxAge = this.#options.snapshotMaxAgeMs ?? 0;
    const snapshot = this.#snapshot;
    if (snapshot && now - snapshot.at <= maxAge) {
      void this.#answer(reads, Promise.resolve(snapshot.aliases));
      return;
    }
    this.#snapshot = undefined;
    this.#recent = this.#recent.filter((at) => now - at <= maxAge);
    const full = Math.max(this.#options.threshold, this.#pagesOfAll + 1);
    if (reads.length >= full || (maxAge > 0 && this.#recent.length + reads.length >= full)) {
      this.#recent = [];
      const all = this.#options.api.listAliases({}).then((aliases) => {
        this.#pagesOfAll = Math.max(1, Math.ceil(aliases.length / 100));
        if (maxAge > 0) this.#snapshot = { at: now, aliases: [...aliases] };
        return aliases;
      });
      void this.#answer(reads, all);
      return;
    }
    for (const read of reads) {
      this.#recent.push(now);
      void this.#answer([read], this.#options.api.listAliases(read.query));
    }
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
