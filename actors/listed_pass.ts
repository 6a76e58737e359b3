/**
 * The listed pass: what happens when a cluster source finishes a full list (start-up, a relist, a
 * new lease). Its Services are gathered for one debounce, so sources that list within a debounce
 * of each other cost one reconcile per Service. Then the Polaris namespaces the pass wants are
 * made sure of together, and every gathered Service is started at once (`inputs.listed`), so their
 * reads and writes share listings and batches.
 *
 * @module
 */

import type { LogFn } from "../adapters/log/log_level.ts";
import { parseServiceKey } from "../domain/keys.ts";
import type { Clock } from "./clock.ts";
import type { KnownResources } from "./known_resources.ts";
import type { PolarisApi } from "./polaris_api.ts";
import { ensureNamespace } from "./polaris_resources.ts";
import type { Writer } from "./writer.ts";

/** Options of {@linkcode ListedPasses}. */
export interface ListedPassesOptions {
  /** How long a pass gathers Services before it starts them: the configured debounce. */
  readonly windowMs: number;
  readonly clock: Clock;
  readonly api: Pick<PolarisApi, "listNamespaces">;
  readonly writer: Writer;
  readonly known: KnownResources;
  /** Whether some cluster wants the Service synced: only its namespace is made sure of. */
  readonly wanted: (namespace: string, service: string) => boolean;
  /** Starts the gathered Services' reconciles (the supervisor's `inputs.listed`). */
  readonly start: (keys: readonly string[]) => void;
  readonly log?: LogFn;
}

/** Gathers and starts listed passes; see the module documentation. */
export class ListedPasses {
  readonly #options: ListedPassesOptions;
  readonly #gathered = new Set<string>();
  #timer: unknown;
  /** Passes waiting for their namespace step. */
  #preparing = 0;
  /** Bumped by `clear`: a pass prepared under an older one is dropped. */
  #generation = 0;
  #stopped = false;

  constructor(options: ListedPassesOptions) {
    this.#options = options;
  }

  /** True while a pass gathers or prepares: its Services have not been started yet. */
  get busy(): boolean {
    return this.#gathered.size > 0 || this.#preparing > 0;
  }

  /** Adds a Service key to the pass being gathered, opening one if none is. */
  add(key: string): void {
    this.#gathered.add(key);
    this.#timer ??= this.#options.clock.setTimeout(() => this.#close(), this.#options.windowMs);
  }

  /** Forgets what is gathered; a pass already preparing is dropped when it is ready (lease lost). */
  clear(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#gathered.clear();
    this.#generation++;
  }

  /** Clears, and starts nothing from now on (shutdown). */
  stop(): void {
    this.#stopped = true;
    this.clear();
  }

  #close(): void {
    this.#timer = undefined;
    const keys = [...this.#gathered];
    this.#gathered.clear();
    if (this.#stopped) return;
    const generation = this.#generation;
    this.#preparing++;
    void this.#prepareNamespaces(keys).finally(() => {
      this.#preparing--;
      if (!this.#stopped && generation === this.#generation) this.#options.start(keys);
    });
  }

  /**
   * Reads the Polaris namespaces once and creates every missing namespace the pass wants,
   * together (one request per 100), instead of one small batch per wave of reconciles. A
   * namespace that exists is marked known, so a restart writes nothing here. If the read fails,
   * each reconcile creates its namespace itself, as without this step.
   */
  async #prepareNamespaces(keys: readonly string[]): Promise<void> {
    const wanted = new Set<string>();
    for (const key of keys) {
      const { namespace, service } = parseServiceKey(key);
      if (!wanted.has(namespace) && this.#options.wanted(namespace, service)) wanted.add(namespace);
    }
    if (wanted.size === 0) return;
    let existing: Set<string>;
    try {
      existing = new Set((await this.#options.api.listNamespaces()).map((n) => n.name));
    } catch (error) {
      this.#options.log?.("debug", "namespace list failed; reconciles create their own", { error });
      return;
    }
    const { known, writer } = this.#options;
    for (const namespace of wanted) {
      if (existing.has(namespace)) known.add(`ns:${namespace}`);
      // A failure is left to the reconciles of that namespace, which try again and report it.
      else ensureNamespace({ known, writer }, namespace).catch(() => {});
    }
  }
}
