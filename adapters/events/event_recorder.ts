/**
 * Writes core/v1 Warning Events on Services whose sync is invalid or in conflict (SPEC §2, §6),
 * so `kubectl describe service` tells the owner why it is not in Polaris.
 *
 * Deduplicated: the same (Service, reason, message) is written at most once per `dedupeWindowMs`.
 * A repeat inside the window costs nothing (no API call): resyncs reconcile every service every
 * few minutes and would otherwise patch the Event each time. A repeat after the window bumps
 * `count` and `lastTimestamp` of the Event written before (a merge PATCH, as client-go's event
 * correlator does), or creates a new Event when that one is gone (the API server deletes Events
 * after its `--event-ttl`, one hour by default). The dedupe cache is an LRU of at most
 * `maxEntries` keys, and every API write takes a token from a bucket, so neither memory nor API
 * load grows with the number of bad Services. A failed write is logged and forgotten; the next
 * report of the same problem tries again.
 *
 * @module
 */

import type { LogFn } from "../log/log_level.ts";
import { NO_SECRETS, type Redactor } from "../log/secret_redactor.ts";
import type { KubeJsonAnswer, KubeJsonApi } from "./kube_json_api.ts";
import { statusMessage } from "./kube_json_api.ts";
import { TokenBucket } from "./token_bucket.ts";

/** Reasons of the Events this controller writes. */
export type EventReason = "SyncInvalid" | "SyncConflict" | "SyncFailed";

/** The Service an Event is about. */
export interface ServiceRef {
  readonly namespace: string;
  readonly name: string;
}

/** Options of {@linkcode EventRecorder}. */
export interface EventRecorderOptions {
  readonly api: KubeJsonApi;
  /** `source.component` and `reportingComponent`; `polaris-k8s-sync` by default. */
  readonly component?: string;
  /** `source.host` and `reportingInstance`: this replica's identity. */
  readonly instance?: string;
  /** A repeat within this time writes nothing; 10 minutes by default. */
  readonly dedupeWindowMs?: number;
  /** Keys remembered at most (LRU); 4096 by default. */
  readonly maxEntries?: number;
  /** API writes allowed at once; 25 by default. */
  readonly burst?: number;
  /** API writes allowed per second after the burst; 1 by default. */
  readonly writesPerSecond?: number;
  /** Deadline of one API request; 10 s by default. */
  readonly requestTimeoutMs?: number;
  readonly now?: () => number;
  /** Called once per `warn()` with what became of it (for the metrics). */
  readonly onResult?: (reason: EventReason, result: EventResult) => void;
  readonly log?: LogFn;
  /**
   * Applied to every message before it is written: an Event is readable by anyone who may list
   * Events in the namespace, so the Polaris token must not reach one. None by default.
   */
  readonly redact?: Redactor;
}

/** What became of one `warn()`. */
export type EventResult = "created" | "patched" | "deduplicated" | "rate_limited" | "failed";

/** Counts of what the recorder did, for tests and the debug view. */
export interface EventRecorderStats {
  created: number;
  patched: number;
  /** Repeats inside the dedupe window (nothing written). */
  deduplicated: number;
  /** Dropped because the rate limit was reached. */
  rateLimited: number;
  failed: number;
}

interface Entry {
  /** The Event written for this key, once known. */
  eventName: string | null;
  count: number;
  writtenAt: number;
  inFlight: boolean;
}

/** Kubernetes keeps `message` short; longer texts are cut here rather than refused there. */
const MESSAGE_MAX = 1024;

/** The Event recorder; see the module documentation. */
export class EventRecorder {
  readonly #api: KubeJsonApi;
  readonly #component: string;
  readonly #instance: string;
  readonly #windowMs: number;
  readonly #maxEntries: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #bucket: TokenBucket;
  readonly #log: NonNullable<EventRecorderOptions["log"]>;
  readonly #onResult: NonNullable<EventRecorderOptions["onResult"]>;
  readonly #redact: Redactor;
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #stats: EventRecorderStats = {
    created: 0,
    patched: 0,
    deduplicated: 0,
    rateLimited: 0,
    failed: 0,
  };
  #closed = false;
  #sequence = 0;

  /** Creates a recorder writing through `options.api`. */
  constructor(options: EventRecorderOptions) {
    this.#api = options.api;
    this.#component = options.component ?? "polaris-k8s-sync";
    this.#instance = options.instance ?? "";
    this.#windowMs = options.dedupeWindowMs ?? 10 * 60_000;
    this.#maxEntries = options.maxEntries ?? 4096;
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#bucket = new TokenBucket({
      burst: options.burst ?? 25,
      perSecond: options.writesPerSecond ?? 1,
      now: this.#now,
    });
    this.#log = options.log ?? (() => {});
    this.#onResult = options.onResult ?? (() => {});
    this.#redact = options.redact ?? NO_SECRETS;
  }

  /** What the recorder did so far (a copy). */
  get stats(): EventRecorderStats {
    return { ...this.#stats };
  }

  /** Number of keys remembered (bounded by `maxEntries`). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Records a Warning Event on `service`, unless the same one was written within the dedupe
   * window or the rate limit is reached. Never throws; the write happens in the background
   * (`flush()` waits for it).
   */
  warn(service: ServiceRef, reason: EventReason, message: string): void {
    if (this.#closed) return;
    // Redacted before it is cut, so a cut cannot leave part of a secret behind.
    const redacted = this.#redact(message);
    const text = redacted.length > MESSAGE_MAX
      ? `${redacted.slice(0, MESSAGE_MAX - 1)}…`
      : redacted;
    const key = `${service.namespace}/${service.name}\u0000${reason}\u0000${text}`;
    const now = this.#now();
    const entry = this.#entries.get(key);
    if (entry) {
      // Refresh the LRU position: a problem reported again is the one worth remembering.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      if (entry.inFlight || now - entry.writtenAt < this.#windowMs) {
        this.#stats.deduplicated++;
        this.#onResult(reason, "deduplicated");
        return;
      }
    }
    if (!this.#bucket.take()) {
      this.#stats.rateLimited++;
      this.#onResult(reason, "rate_limited");
      this.#log("debug", "Event dropped by the rate limit", {
        service: `${service.namespace}/${service.name}`,
        reason,
      });
      return;
    }
    const current = entry ?? { eventName: null, count: 0, writtenAt: now, inFlight: false };
    current.inFlight = true;
    this.#remember(key, current);
    const write = this.#write(service, reason, text, current)
      .then(() => {
        current.writtenAt = this.#now();
      }, (error) => {
        this.#stats.failed++;
        this.#onResult(reason, "failed");
        this.#entries.delete(key);
        this.#log("warn", "Cannot write a Kubernetes Event", {
          service: `${service.namespace}/${service.name}`,
          reason,
          error,
        });
      })
      .finally(() => {
        current.inFlight = false;
        this.#inFlight.delete(write);
      });
    this.#inFlight.add(write);
  }

  /** Waits for every write in flight. */
  async flush(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /**
   * Stops recording and waits for writes in flight. The API client is left open: it is shared
   * with the cluster's source and elector, and closed by whoever created it.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #remember(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  async #write(service: ServiceRef, reason: EventReason, message: string, entry: Entry) {
    const eventsPath = `/api/v1/namespaces/${encodeURIComponent(service.namespace)}/events`;
    const timestamp = new Date(this.#now()).toISOString().replace(/\.\d+Z$/, "Z");
    if (entry.eventName !== null) {
      const answer = await this.#api.request({
        method: "PATCH",
        path: `${eventsPath}/${encodeURIComponent(entry.eventName)}`,
        contentType: "application/merge-patch+json",
        body: { count: entry.count + 1, lastTimestamp: timestamp },
        timeoutMs: this.#timeoutMs,
      });
      if (answer.status < 300) {
        entry.count++;
        this.#stats.patched++;
        this.#onResult(reason, "patched");
        return;
      }
      if (answer.status !== 404) throw failure("update", eventsPath, answer);
      // Expired on the server (--event-ttl): write a fresh one below.
    }
    const uid = await this.#serviceUid(service);
    const name = `${service.name}.${(this.#now() * 1000 + (this.#sequence++ % 1000)).toString(16)}`;
    const answer = await this.#api.request({
      method: "POST",
      path: eventsPath,
      body: {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name, namespace: service.namespace },
        involvedObject: {
          apiVersion: "v1",
          kind: "Service",
          namespace: service.namespace,
          name: service.name,
          ...(uid ? { uid } : {}),
        },
        type: "Warning",
        reason,
        message,
        count: 1,
        firstTimestamp: timestamp,
        lastTimestamp: timestamp,
        source: { component: this.#component, ...(this.#instance ? { host: this.#instance } : {}) },
        reportingComponent: this.#component,
        reportingInstance: this.#instance,
      },
      timeoutMs: this.#timeoutMs,
    });
    if (answer.status >= 300) throw failure("create", eventsPath, answer);
    entry.eventName = name;
    entry.count = 1;
    this.#stats.created++;
    this.#onResult(reason, "created");
  }

  /** The Service's uid, so `kubectl describe` (which filters on it) lists the Event; or none. */
  async #serviceUid(service: ServiceRef): Promise<string | undefined> {
    const path = `/api/v1/namespaces/${encodeURIComponent(service.namespace)}/services/${
      encodeURIComponent(service.name)
    }`;
    try {
      const answer = await this.#api.request({ method: "GET", path, timeoutMs: this.#timeoutMs });
      const metadata = (answer.body as { metadata?: { uid?: unknown } } | undefined)?.metadata;
      return answer.status === 200 && typeof metadata?.uid === "string" ? metadata.uid : undefined;
    } catch (error) {
      this.#log("debug", "Cannot read the Service uid for an Event; writing it without", {
        service: `${service.namespace}/${service.name}`,
        error,
      });
      return undefined;
    }
  }
}

function failure(action: string, path: string, answer: KubeJsonAnswer): Error {
  return new Error(
    `Cannot ${action} an Event in "${path}": the API server answered ${statusMessage(answer)}`,
  );
}
