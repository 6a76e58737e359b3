/**
 * An in-memory `KubeTransport` and a manual clock for unit tests of the watcher and the source:
 * lists answer from a scripted object set, watches stay open until the test pushes events,
 * closes or fails them. Fault injection only; the same behaviours are covered against a real
 * kube-apiserver in `kubernetes_source_cluster_test.ts`.
 *
 * @module
 */

import type {
  KubeRequestOptions,
  KubeTransport,
  RawObject,
  RawWatchEvent,
} from "../kube_client.ts";
import type { WatchClock } from "../resource_watcher.ts";

interface OpenWatch {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly onEvent: (event: RawWatchEvent) => void;
  resolve(): void;
  reject(error: unknown): void;
}

/** A scripted API server: per path, the objects a list returns and the open watches. */
export class FakeApi implements KubeTransport {
  /** Objects returned by a list, per collection path. */
  readonly objects = new Map<string, RawObject[]>();
  /** An error to throw instead of answering, per path (lists and watches). */
  readonly failures = new Map<string, unknown>();
  /** Whole documents answered as they are (discovery), per path. */
  readonly documents = new Map<string, RawObject>();
  /** resourceVersion returned by lists. */
  resourceVersion = "100";
  /** Every GET and watch made, in order: `list <path>` / `watch <path>?<query>`. */
  readonly requests: string[] = [];
  readonly #watches: OpenWatch[] = [];
  closed = false;

  getJson(
    path: string,
    query: Readonly<Record<string, string>>,
    _options?: KubeRequestOptions,
  ): Promise<RawObject> {
    this.requests.push(`list ${path}`);
    const failure = this.failures.get(path);
    if (failure) return Promise.reject(failure);
    void query;
    const document = this.documents.get(path);
    if (document) return Promise.resolve(document);
    return Promise.resolve({
      metadata: { resourceVersion: this.resourceVersion },
      items: this.objects.get(path) ?? [],
    });
  }

  watch(
    path: string,
    query: Readonly<Record<string, string>>,
    options: KubeRequestOptions,
    onEvent: (event: RawWatchEvent) => void,
  ): Promise<void> {
    this.requests.push(`watch ${path}?${new URLSearchParams(query)}`);
    const failure = this.failures.get(path);
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      const watch: OpenWatch = {
        path,
        query,
        onEvent,
        resolve: () => {
          this.#drop(watch);
          resolve();
        },
        reject: (error) => {
          this.#drop(watch);
          reject(error);
        },
      };
      options.signal?.addEventListener(
        "abort",
        () => watch.reject(new DOMException("aborted", "AbortError")),
      );
      this.#watches.push(watch);
    });
  }

  /** Open watches on `path`. */
  watchesOn(path: string): number {
    return this.#watches.filter((watch) => watch.path === path).length;
  }

  /** Sends an event to every open watch on `path`; an exception from the handler fails that watch. */
  send(path: string, event: RawWatchEvent): void {
    for (const watch of this.#watches.filter((open) => open.path === path)) {
      try {
        watch.onEvent(event);
      } catch (error) {
        watch.reject(error);
      }
    }
  }

  /** Ends every watch on `path` as a server-side timeout does. */
  end(path: string): void {
    for (const watch of this.#watches.filter((open) => open.path === path)) watch.resolve();
  }

  /** Fails every watch on `path` with `error`. */
  fail(path: string, error: unknown): void {
    for (const watch of this.#watches.filter((open) => open.path === path)) watch.reject(error);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  #drop(watch: OpenWatch): void {
    const index = this.#watches.indexOf(watch);
    if (index >= 0) this.#watches.splice(index, 1);
  }
}

/** A clock whose time moves only when the test calls `advance`. */
export class ManualClock implements WatchClock {
  #now = 0;
  #next = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Jitter off: backoff waits exactly its capped value. */
  random(): number {
    return 1;
  }

  /** Pending timers' delays from now, sorted. */
  pending(): number[] {
    return [...this.#timers.values()].map((timer) => timer.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves time forward, firing due timers in order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    while (true) {
      const due = [...this.#timers.entries()].filter(([, timer]) => timer.at <= target)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = due[1].at;
      due[1].callback();
      await settle();
    }
    this.#now = target;
    await settle();
  }
}

/** Lets every pending promise callback run (one macrotask turn). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A namespaced object with the given metadata and extra fields. */
export function object(
  namespace: string | undefined,
  name: string,
  resourceVersion: string,
  extra: Record<string, unknown> = {},
): RawObject {
  const { labels, annotations, ...rest } = extra as {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  return { metadata: { namespace, name, resourceVersion, labels, annotations }, ...rest };
}
