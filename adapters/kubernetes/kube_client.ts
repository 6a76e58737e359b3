/**
 * The project's one HTTP stack to a Kubernetes API server: the cluster source's authenticated GETs
 * and watch streams, and the JSON requests of any method that the Event recorder and the Lease
 * elector send (`request`, the `KubeJsonApi` of `adapters/events/kube_json_api.ts`).
 * @kubernetes/client-node's `KubeConfig` reads the kubeconfig (contexts, in-cluster config, client
 * certificates, tokens, exec plugins); the requests themselves go through Deno's own `fetch` with
 * a `Deno.HttpClient` that carries the cluster's CA and client certificate.
 *
 * Why not client-node's own HTTP path (its `Watch` class, its undici-based fetch): measured on
 * Deno 2.9 against a real kube-apiserver, a watch stream read through undici never ends when the
 * server dies (no end, no error, and a busy CPU), so a restarted API server is never noticed.
 * `Watch` also aborts any watch after 30 s without data (a private, fixed `requestTimeoutMs`)
 * and builds a new connection pool per call. Deno's fetch ends the stream with an error at once.
 *
 * @module
 */

import type { RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import type { KubeJsonAnswer, KubeJsonApi, KubeJsonRequest } from "../events/kube_json_api.ts";

/** A watch event as the API server streams it, one JSON document per line. */
export interface RawWatchEvent {
  readonly type: string;
  readonly object: RawObject;
}

/** Any Kubernetes object, read as plain JSON. */
export interface RawObject {
  readonly kind?: string;
  readonly apiVersion?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
    readonly continue?: string;
    readonly labels?: Readonly<Record<string, string>> | null;
    readonly annotations?: Readonly<Record<string, string>> | null;
    /** Set once the object is being deleted (it stays until its finalizers and grace end). */
    readonly deletionTimestamp?: string | null;
  };
  readonly [field: string]: unknown;
}

/** Options of one request: the Accept header and an abort signal. */
export interface KubeRequestOptions {
  readonly accept?: string;
  readonly signal?: AbortSignal;
}

/** What the watcher needs from an API server; `KubeClient` is the real one, tests pass fakes. */
export interface KubeTransport {
  /** GETs `path` with `query` and returns the parsed JSON body; throws `KubeApiError` on non-2xx. */
  getJson(
    path: string,
    query: Readonly<Record<string, string>>,
    options?: KubeRequestOptions,
  ): Promise<RawObject>;
  /**
   * Opens a watch on `path` and calls `onEvent` for each event; resolves when the server ends the
   * stream, rejects on HTTP errors, network errors, an abort, or when `onEvent` throws.
   */
  watch(
    path: string,
    query: Readonly<Record<string, string>>,
    options: KubeRequestOptions,
    onEvent: (event: RawWatchEvent) => void,
  ): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** An HTTP error answer of the API server, with its status code and `Status.reason`. */
export class KubeApiError extends Error {
  /** HTTP status code (or the `code` of an in-stream watch `ERROR` event). */
  readonly status: number;
  /** The `reason` of the Kubernetes `Status` (for example `Forbidden`, `Expired`), if any. */
  readonly reason: string;
  /** The `message` of the Kubernetes `Status` (it names the user, verb and resource on a 403). */
  readonly detail: string;

  /** Creates the error; `message` should already name the action. */
  constructor(message: string, status: number, reason: string, detail: string) {
    super(message);
    this.name = "KubeApiError";
    this.status = status;
    this.reason = reason;
    this.detail = detail;
  }
}

export { type KubeClientOptions, loadKubeConfig } from "./load_kube_config.ts";

/**
 * Receives each distinct `Warning` an API server sends (a deprecated API, a field it ignored),
 * once per client, with the path of the first request that drew it.
 */
export type KubeWarningHandler = (warning: string, path: string) => void;

/** Options of `KubeClient`. */
export interface KubeClientHooks {
  /** Called once per distinct `Warning` header text (default: warnings are dropped). */
  readonly onWarning?: KubeWarningHandler;
}

/**
 * Parses a `Warning` header (RFC 7234 §5.5, as Kubernetes sends it: `299 - "text"`, several
 * joined by commas) into its texts. A value that does not parse is returned whole.
 */
export function parseWarningHeader(value: string): string[] {
  const texts: string[] = [];
  const pattern = /(\d{3})\s+\S+\s+"((?:[^"\\]|\\.)*)"(?:\s+"[^"]*")?\s*(?:,\s*|$)/y;
  let offset = 0;
  const trimmed = value.trim();
  while (offset < trimmed.length) {
    pattern.lastIndex = offset;
    const match = pattern.exec(trimmed);
    if (!match) return trimmed === "" ? texts : [...texts, trimmed.slice(offset)];
    texts.push(match[2].replace(/\\(.)/g, "$1"));
    offset = pattern.lastIndex;
  }
  return texts;
}

/** How many distinct warnings a client remembers (so repeats are not handed on again). */
const MAX_REMEMBERED_WARNINGS = 256;

/** The real `KubeTransport`: requests to the current cluster of a `KubeConfig`. */
export class KubeClient implements KubeTransport, KubeJsonApi {
  readonly #config: KubeConfig;
  readonly #server: string;
  readonly #onWarning: KubeWarningHandler | undefined;
  /** Warning texts already handed to `onWarning`. */
  readonly #warned = new Set<string>();
  #client: { readonly key: string; readonly client: Deno.HttpClient } | undefined;
  /** Clients replaced after a certificate rotation; closed with the source. */
  readonly #retired: Deno.HttpClient[] = [];
  #closed = false;

  /** Creates a client for the current context of `config`. */
  constructor(config: KubeConfig, hooks: KubeClientHooks = {}) {
    this.#config = config;
    this.#onWarning = hooks.onWarning;
    this.#server = config.getCurrentCluster()?.server.replace(/\/+$/, "") ?? "";
  }

  /** The API server URL of the current context. */
  get server(): string {
    return this.#server;
  }

  /** See `KubeTransport.getJson`. */
  async getJson(
    path: string,
    query: Readonly<Record<string, string>>,
    options: KubeRequestOptions = {},
  ): Promise<RawObject> {
    const response = await this.#send(path, query, options);
    const text = await response.text();
    if (response.status >= 300) throw apiError(path, response.status, text);
    try {
      return JSON.parse(text) as RawObject;
    } catch (cause) {
      throw new SyntaxError(`Cannot parse the answer to GET ${path}: ${messageOf(cause)}`, {
        cause,
      });
    }
  }

  /** See `KubeTransport.watch`. */
  async watch(
    path: string,
    query: Readonly<Record<string, string>>,
    options: KubeRequestOptions,
    onEvent: (event: RawWatchEvent) => void,
  ): Promise<void> {
    const response = await this.#send(path, { ...query, watch: "true" }, options);
    if (response.status !== 200) throw apiError(path, response.status, await response.text());
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        let newline: number;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) onEvent(JSON.parse(line) as RawWatchEvent);
        }
      }
    } finally {
      await reader.cancel().catch(() => {/* the stream is already errored or closed */});
    }
  }

  /**
   * See `KubeJsonApi.request`: one request of any method with a JSON body, sent as the exact wire
   * text the caller gives (client-node's typed models would round a Lease's `MicroTime`).
   */
  async request(request: KubeJsonRequest): Promise<KubeJsonAnswer> {
    const what = `${request.method} ${request.path}`;
    const signal = request.timeoutMs === undefined
      ? undefined
      : AbortSignal.timeout(request.timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await this.#send(request.path, {}, {
        signal,
        method: request.method,
        ...(request.body === undefined ? {} : {
          body: JSON.stringify(request.body),
          contentType: request.contentType ?? "application/json",
        }),
      });
      status = response.status;
      text = await response.text();
    } catch (cause) {
      if (this.#closed) throw new Error(`Cannot send ${what}: the Kubernetes client is closed`);
      const reason = signal?.aborted
        ? `no answer within ${request.timeoutMs} ms`
        : messageOf(cause);
      throw new Error(`Cannot send ${what} to ${this.#server}: ${reason}`, { cause });
    }
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status, body };
  }

  /** Closes the HTTP clients (their connection pools); later requests fail. */
  close(): Promise<void> {
    this.#closed = true;
    for (const client of this.#retired.splice(0)) client.close();
    this.#client?.client.close();
    this.#client = undefined;
    return Promise.resolve();
  }

  async #send(
    path: string,
    query: Readonly<Record<string, string>>,
    options: KubeRequestOptions & {
      readonly method?: KubeJsonRequest["method"];
      readonly body?: string;
      readonly contentType?: string;
    },
  ): Promise<Response> {
    const method = options.method ?? "GET";
    if (this.#closed) throw new Error(`Cannot ${method} ${path}: the Kubernetes client is closed`);
    const url = new URL(this.#server + path);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    // Applied on every request so rotating tokens, exec plugins and certificates keep working.
    const tls: RequestOptions = {};
    await this.#config.applyToHTTPSOptions(tls);
    const headers = new Headers({ Accept: options.accept ?? "application/json" });
    for (const [name, value] of Object.entries(tls.headers ?? {})) {
      if (value !== undefined) headers.set(name, String(value));
    }
    if (tls.auth) headers.set("Authorization", `Basic ${btoa(tls.auth)}`);
    if (options.contentType) headers.set("Content-Type", options.contentType);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body,
        signal: options.signal,
        client: this.#httpClient(tls),
      });
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      throw new Error(`Cannot ${method} ${path} from ${this.#server}: ${messageOf(cause)}`, {
        cause,
      });
    }
    this.#warnings(path, response.headers.get("warning"));
    return response;
  }

  #warnings(path: string, header: string | null): void {
    if (!header || !this.#onWarning) return;
    for (const warning of parseWarningHeader(header)) {
      if (this.#warned.has(warning)) continue;
      // Bounded: warnings that name objects would otherwise grow the set without end.
      if (this.#warned.size >= MAX_REMEMBERED_WARNINGS) this.#warned.clear();
      this.#warned.add(warning);
      try {
        this.#onWarning(warning, path);
      } catch {
        // A failing logger must not fail the request.
      }
    }
  }

  /** One `Deno.HttpClient` per distinct CA + client certificate (so one connection pool). */
  #httpClient(tls: RequestOptions): Deno.HttpClient {
    if (tls.rejectUnauthorized === false && this.#server.startsWith("https:")) {
      throw new Error(
        `Cannot connect to ${this.#server}: insecure-skip-tls-verify is not supported; give the cluster's CA instead`,
      );
    }
    const ca = pemList(tls.ca);
    const cert = pemList(tls.cert).join("\n");
    const key = pemList(tls.key as RequestOptions["cert"]).join("\n");
    const proxy = this.#config.getCurrentCluster()?.proxyUrl;
    const cacheKey = JSON.stringify([ca, cert, key, proxy]);
    if (this.#client?.key === cacheKey) return this.#client.client;
    if (this.#client) this.#retired.push(this.#client.client);
    const client = Deno.createHttpClient({
      ...(ca.length > 0 ? { caCerts: ca } : {}),
      ...(cert && key ? { cert, key } : {}),
      ...(proxy ? { proxy: { url: proxy } } : {}),
    });
    this.#client = { key: cacheKey, client };
    return client;
  }
}

function pemList(value: RequestOptions["ca"]): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) =>
    typeof item === "string" ? item : new TextDecoder().decode(item as Uint8Array)
  );
}

function apiError(path: string, status: number, body: string): KubeApiError {
  let reason = "";
  let message = body.trim().slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { reason?: string; message?: string };
    reason = parsed.reason ?? "";
    message = parsed.message ?? message;
  } catch {
    // Not a Kubernetes Status (a proxy's HTML page, say); keep the raw text.
  }
  return new KubeApiError(
    `Cannot GET ${path}: the API server answered ${status}${
      reason ? ` ${reason}` : ""
    }: ${message}`,
    status,
    reason,
    message,
  );
}

/** Returns the message of an error, including a nested `cause` (fetch hides the useful part there). */
export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
