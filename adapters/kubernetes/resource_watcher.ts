/**
 * A list+watch loop for one Kubernetes resource that keeps only reduced objects.
 *
 * Why our own loop and not client-node's `ListWatch` informer: `ListWatch` never asks for watch
 * bookmarks, keeps whole API objects in its cache (every Pod in full), stops for good on a watch
 * error unless restarted by hand, has no watchdog, and on a relist reports only adds and deletes
 * against full objects. This loop asks for bookmarks, pages the list, reduces each object as it
 * arrives, diffs a relist against the reduced cache (so only real differences become changes),
 * restarts failed watches with capped, jittered backoff, and restarts a watch that went silent.
 * It follows client-go's reflector: list, then watch from the list's resourceVersion; on a watch
 * error re-watch from the last seen resourceVersion; relist only on 410 Gone.
 *
 * @module
 */

import { backoffDelayMs } from "../../domain/backoff.ts";
import type { LogFn, LogLevel } from "../log/log_level.ts";
import type { ResourceStatus, WatchPhase } from "../../domain/cluster.ts";
import {
  KubeApiError,
  type KubeTransport,
  messageOf,
  type RawObject,
  type RawWatchEvent,
} from "./kube_client.ts";

/** Timers and randomness, injectable so backoff and the watchdog are testable without waiting. */
export interface WatchClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

/** The real clock: `Date.now`, global timers and `Math.random`. */
export const systemClock: WatchClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as number),
  random: () => Math.random(),
};

/** What to watch and how to reduce it. */
export interface WatchedResource<R> {
  /** Name used in status, logs and errors, e.g. `services`. */
  readonly resource: string;
  /** Collection path across all namespaces, e.g. `/api/v1/services`. */
  readonly path: string;
  /** Ask for `PartialObjectMetadata` only (Pods, Namespaces: only metadata is read). */
  readonly metadataOnly?: boolean;
  /** Reduces an API object to what the sync reads; `undefined` means "not interesting". */
  reduce(object: RawObject): R | undefined;
  /** True when two reduced objects are the same (then no change is emitted). */
  equal(a: R, b: R): boolean;
}

/** Options of a `ResourceWatcher`. */
export interface ResourceWatcherOptions<R> extends WatchedResource<R> {
  readonly transport: KubeTransport;
  /** Called for every key whose reduced object was added, changed or removed. */
  readonly onChange: (key: string, previous: R | undefined, next: R | undefined) => void;
  /** Called after each complete list has been applied; `first` only for the initial one. */
  readonly onListed: (first: boolean) => void;
  /** `timeoutSeconds` sent with each watch; 0 lets the server choose (`--min-request-timeout`). */
  readonly watchTimeoutSeconds: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Items per list page. */
  readonly pageSize: number;
  /**
   * How long a watch may stay silent, or a list page unanswered, before it is abandoned and
   * restarted; default: the watch timeout + 30 s.
   */
  readonly watchdogMs?: number;
  readonly clock: WatchClock;
  readonly log: LogFn;
}

type WatchOutcome =
  | { readonly kind: "closed"; readonly events: number }
  | { readonly kind: "expired" }
  | { readonly kind: "silent" }
  | { readonly kind: "failed"; readonly error: unknown; readonly events: number };

const PARTIAL_LIST =
  "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
const PARTIAL_OBJECT =
  "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
/** The resourceVersion of a watch that ran out of history (`Status` code 410). */
const GONE = 410;

/** Lists then watches one resource, keeping reduced objects by `namespace/name` (or `name`). */
export class ResourceWatcher<R> {
  readonly #options: ResourceWatcherOptions<R>;
  readonly #store = new Map<string, R>();
  #phase: WatchPhase = "stopped";
  #resourceVersion = "";
  #restarts = 0;
  #lastError: string | undefined;
  #listed = false;
  #stopped = true;
  #abort: AbortController | undefined;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  /** Creates a stopped watcher. */
  constructor(options: ResourceWatcherOptions<R>) {
    this.#options = options;
  }

  /** The resource name given in the options. */
  get resource(): string {
    return this.#options.resource;
  }

  /** True once the first full list has been applied. */
  get listed(): boolean {
    return this.#listed;
  }

  /** The reduced object stored under `key`. */
  get(key: string): R | undefined {
    return this.#store.get(key);
  }

  /** Every stored reduced object. */
  values(): IterableIterator<R> {
    return this.#store.values();
  }

  /** Starts the loop in the background (idempotent). */
  start(): void {
    if (this.#loop) return;
    this.#stopped = false;
    this.#loop = this.#run().catch((error) => {
      this.#lastError = messageOf(error);
      this.#options.log("error", `The ${this.resource} watcher stopped unexpectedly`, {
        resource: this.resource,
        error: this.#lastError,
      });
    });
  }

  /** Stops the loop, aborting the open request and any backoff; the store keeps its content. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort();
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
    this.#phase = "stopped";
  }

  /** Status for `/debug/clusters`. */
  status(): ResourceStatus {
    return {
      resource: this.resource,
      phase: this.#phase,
      resourceVersion: this.#resourceVersion,
      objects: this.#store.size,
      restarts: this.#restarts,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }

  async #run(): Promise<void> {
    let mustList = true;
    let failures = 0;
    while (!this.#stopped) {
      if (mustList) {
        this.#phase = "listing";
        try {
          await this.#list();
          mustList = false;
          this.#lastError = undefined;
        } catch (error) {
          if (this.#stopped) break;
          this.#fail("list", error);
          await this.#backoff(++failures);
          continue;
        }
      }
      this.#phase = "watching";
      const startedAt = this.#options.clock.now();
      const outcome = await this.#watchOnce();
      if (this.#stopped) break;
      this.#restarts++;
      switch (outcome.kind) {
        case "closed":
          // A server-side timeout: resume from the last resourceVersion. A stream that closes at
          // once without a single event is treated as a failure, so a broken proxy cannot spin us.
          if (outcome.events > 0 || this.#options.clock.now() - startedAt >= 1000) {
            failures = 0;
            this.#log("debug", "watch ended by the server; resuming", {});
          } else {
            await this.#backoff(++failures);
          }
          break;
        case "expired":
          this.#log("info", "watch history expired (410 Gone); relisting", {});
          mustList = true;
          break;
        case "silent":
          this.#lastError = `Watch of ${this.resource} was silent too long and was restarted`;
          this.#log("warn", "watch went silent; restarting it", {});
          break;
        case "failed":
          // A watch that ran (an event, or a second open) before it broke ends the failures
          // before it: one dropped connection after a quiet hour is retried at the base delay, not
          // after the cap that an earlier outage reached.
          if (outcome.events > 0 || this.#options.clock.now() - startedAt >= 1000) failures = 0;
          this.#fail("watch", outcome.error);
          await this.#backoff(++failures);
          break;
      }
    }
    this.#phase = "stopped";
  }

  async #list(): Promise<void> {
    const { transport, pageSize, path, metadataOnly } = this.#options;
    const fresh = new Map<string, R>();
    let continueToken = "";
    let resourceVersion = "";
    do {
      const abort = new AbortController();
      this.#abort = abort;
      const query: Record<string, string> = { limit: String(pageSize) };
      if (continueToken) query.continue = continueToken;
      let page: RawObject;
      let timedOut = false;
      const timer = this.#options.clock.setTimeout(() => {
        timedOut = true;
        abort.abort();
      }, this.#watchdogMs());
      try {
        page = await transport.getJson(path, query, {
          accept: metadataOnly ? PARTIAL_LIST : undefined,
          signal: abort.signal,
        });
      } catch (error) {
        if (timedOut) {
          throw new Error(`no answer to the list within ${this.#watchdogMs()} ms`, {
            cause: error,
          });
        }
        if (error instanceof KubeApiError && error.status === GONE && continueToken) {
          // The continue token outlived etcd's compaction: start the list over.
          fresh.clear();
          continueToken = "";
          continue;
        }
        throw error;
      } finally {
        this.#options.clock.clearTimeout(timer);
        this.#abort = undefined;
      }
      for (const item of (page.items as RawObject[] | undefined) ?? []) {
        const reduced = this.#options.reduce(item);
        if (reduced !== undefined) fresh.set(keyOf(item), reduced);
      }
      resourceVersion = page.metadata?.resourceVersion ?? "";
      continueToken = page.metadata?.continue ?? "";
    } while (continueToken && !this.#stopped);
    if (this.#stopped) return;
    const first = !this.#listed;
    for (const [key, next] of fresh) this.#put(key, next);
    for (const key of [...this.#store.keys()]) if (!fresh.has(key)) this.#remove(key);
    this.#resourceVersion = resourceVersion;
    this.#listed = true;
    this.#log(first ? "info" : "warn", first ? "listed" : "relisted", {
      objects: this.#store.size,
      resourceVersion,
    });
    this.#options.onListed(first);
  }

  async #watchOnce(): Promise<WatchOutcome> {
    const { transport, path, metadataOnly, watchTimeoutSeconds, clock } = this.#options;
    const abort = new AbortController();
    this.#abort = abort;
    const watchdogMs = this.#watchdogMs();
    let silent = false;
    let events = 0;
    let timer: unknown;
    const arm = () => {
      clock.clearTimeout(timer);
      timer = clock.setTimeout(() => {
        silent = true;
        abort.abort();
      }, watchdogMs);
    };
    const query: Record<string, string> = {
      allowWatchBookmarks: "true",
      resourceVersion: this.#resourceVersion,
    };
    if (watchTimeoutSeconds > 0) query.timeoutSeconds = String(watchTimeoutSeconds);
    arm();
    try {
      await transport.watch(
        path,
        query,
        { accept: metadataOnly ? PARTIAL_OBJECT : undefined, signal: abort.signal },
        (event) => {
          arm();
          events++;
          this.#apply(event);
        },
      );
      return { kind: "closed", events };
    } catch (error) {
      if (this.#stopped) return { kind: "closed", events };
      if (silent) return { kind: "silent" };
      if (error instanceof KubeApiError && error.status === GONE) return { kind: "expired" };
      return { kind: "failed", error, events };
    } finally {
      clock.clearTimeout(timer);
      this.#abort = undefined;
    }
  }

  /** How long a watch may stay silent, and a list page may take, before they are abandoned. */
  #watchdogMs(): number {
    const { watchdogMs, watchTimeoutSeconds } = this.#options;
    return watchdogMs ?? ((watchTimeoutSeconds > 0 ? watchTimeoutSeconds : 3600) + 30) * 1000;
  }

  #apply(event: RawWatchEvent): void {
    const object = event.object;
    if (event.type === "ERROR") {
      const status = object as { code?: number; reason?: string; message?: string };
      const code = status.code ?? 500;
      const detail = status.message ?? "";
      throw new KubeApiError(
        `Cannot watch ${this.resource}: the API server sent an error event ${code}: ${detail}`,
        code,
        status.reason ?? "",
        detail,
      );
    }
    const resourceVersion = object?.metadata?.resourceVersion;
    if (event.type === "ADDED" || event.type === "MODIFIED") {
      const reduced = this.#options.reduce(object);
      if (reduced === undefined) this.#remove(keyOf(object));
      else this.#put(keyOf(object), reduced);
    } else if (event.type === "DELETED") {
      this.#remove(keyOf(object));
    } else if (event.type !== "BOOKMARK") {
      this.#log("warn", "ignored a watch event of unknown type", { type: event.type });
    }
    if (resourceVersion) this.#resourceVersion = resourceVersion;
    this.#lastError = undefined;
  }

  #put(key: string, next: R): void {
    const previous = this.#store.get(key);
    if (previous !== undefined && this.#options.equal(previous, next)) return;
    this.#store.set(key, next);
    this.#options.onChange(key, previous, next);
  }

  #remove(key: string): void {
    const previous = this.#store.get(key);
    if (previous === undefined) return;
    this.#store.delete(key);
    this.#options.onChange(key, previous, undefined);
  }

  #fail(verb: "list" | "watch", error: unknown): void {
    if (error instanceof KubeApiError) {
      const what = error.status === 403
        ? "forbidden by RBAC, the API server answered"
        : "the API server answered";
      this.#lastError =
        `Cannot ${verb} ${this.resource}: ${what} ${error.status} ${error.reason}: ${error.detail}`;
    } else {
      this.#lastError = `Cannot ${verb} ${this.resource}: ${messageOf(error)}`;
    }
    this.#phase = "backoff";
    this.#log("error", this.#lastError, { verb });
  }

  /** Waits `backoffDelayMs(attempt)` (random jitter from the clock), or until `stop()`. */
  #backoff(attempt: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#phase = "backoff";
    const { backoffBaseMs, backoffMaxMs, clock } = this.#options;
    const delay = backoffDelayMs(attempt, {
      baseMs: backoffBaseMs,
      maxMs: backoffMaxMs,
      random: () => clock.random(),
    });
    return new Promise((resolve) => {
      const handle = clock.setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, delay);
      this.#wake = () => {
        clock.clearTimeout(handle);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  #log(level: LogLevel, message: string, fields: Record<string, unknown>): void {
    this.#options.log(level, `${this.resource}: ${message}`, {
      resource: this.resource,
      ...fields,
    });
  }
}

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones. */
export function keyOf(object: RawObject): string {
  const namespace = object.metadata?.namespace;
  const name = object.metadata?.name ?? "";
  return namespace ? `${namespace}/${name}` : name;
}
