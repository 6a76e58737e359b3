/**
 * The HTTP transport of the cluster source: authenticated GETs and watch streams against one API
 * server, built on @kubernetes/client-node's `KubeConfig` (kubeconfig, contexts, in-cluster
 * config, client certificates, tokens, exec plugins) and its undici-based fetch library.
 *
 * Why not client-node's `Watch` class: it aborts a watch after 30 s without data (a private,
 * fixed `requestTimeoutMs`), so every idle watch would "fail" twice a minute, and it creates a
 * fresh undici Agent (a fresh TLS connection pool) for every call. Here one Agent per source is
 * shared by every request and destroyed by `close()`, so no socket outlives the source.
 *
 * @module
 */

import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  RequestContext,
} from "@kubernetes/client-node";

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

/** Where to find the cluster: a kubeconfig file and context, in-cluster config, or the default. */
export interface KubeClientOptions {
  readonly kubeconfigPath?: string;
  readonly context?: string;
  readonly inCluster?: boolean;
}

type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

/** Loads a `KubeConfig` from the options (file, context, in-cluster, or client-node's default). */
export function loadKubeConfig(options: KubeClientOptions): KubeConfig {
  const config = new KubeConfig();
  try {
    if (options.inCluster) config.loadFromCluster();
    else if (options.kubeconfigPath) config.loadFromFile(options.kubeconfigPath);
    else config.loadFromDefault();
    if (options.context) config.setCurrentContext(options.context);
  } catch (cause) {
    const where = options.inCluster
      ? "the in-cluster config"
      : `"${options.kubeconfigPath ?? "default kubeconfig"}"`;
    throw new Error(`Cannot load the Kubernetes config from ${where}: ${messageOf(cause)}`, {
      cause,
    });
  }
  if (options.context && !config.getContextObject(options.context)) {
    throw new Error(
      `Cannot use Kubernetes context "${options.context}": it is not in the kubeconfig`,
    );
  }
  if (!config.getCurrentCluster()) {
    throw new Error(`Cannot find a Kubernetes cluster in context "${config.getCurrentContext()}"`);
  }
  return config;
}

/** The real `KubeTransport`: requests to the current cluster of a `KubeConfig`. */
export class KubeClient implements KubeTransport {
  readonly #config: KubeConfig;
  readonly #server: string;
  readonly #http = new IsomorphicFetchHttpLibrary();
  #dispatcher: Dispatcher | undefined;
  #closed = false;

  /** Creates a client for the current context of `config`. */
  constructor(config: KubeConfig) {
    this.#config = config;
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
    const text = await response.body.text();
    if (response.httpStatusCode >= 300) throw apiError(path, response.httpStatusCode, text);
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
    if (response.httpStatusCode !== 200) {
      throw apiError(path, response.httpStatusCode, await response.body.text());
    }
    const stream = response.body.stream();
    if (!stream) return;
    const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
    // The fetch underneath does not always end a body that is being read when the signal aborts
    // (seen on Deno 2.9 with client-node 2.0): cancel the reader ourselves so stop() returns.
    const onAbort = () => void reader.cancel(options.signal?.reason).catch(() => {});
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
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
      options.signal?.removeEventListener("abort", onAbort);
      await reader.cancel().catch(() => {/* the stream is already errored or closed */});
    }
  }

  /** Destroys the shared connection pool; later requests fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const dispatcher = this.#dispatcher;
    this.#dispatcher = undefined;
    await dispatcher?.destroy();
  }

  async #send(path: string, query: Readonly<Record<string, string>>, options: KubeRequestOptions) {
    if (this.#closed) throw new Error(`Cannot GET ${path}: the Kubernetes client is closed`);
    const url = new URL(this.#server + path);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const context = new RequestContext(url.toString(), HttpMethod.GET);
    context.setHeaderParam("Accept", options.accept ?? "application/json");
    // Applied on every request so rotating tokens and exec plugins keep working.
    await this.#config.applySecurityAuthentication(context);
    const dispatcher = context.getDispatcher();
    if (dispatcher) {
      // The Agent created for this request has opened nothing yet; reuse the shared one.
      this.#dispatcher ??= dispatcher;
      context.setDispatcher(this.#dispatcher);
    }
    if (options.signal) context.setSignal(options.signal);
    try {
      return await this.#http.send(context).toPromise();
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      throw new Error(`Cannot GET ${path} from ${this.#server}: ${messageOf(cause)}`, { cause });
    }
  }
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

/** Returns the message of an error, including a nested `cause` (undici hides the useful part there). */
export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
