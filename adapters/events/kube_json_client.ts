/**
 * JSON requests of any method (GET, POST, PUT, PATCH) to one Kubernetes API server, for the
 * writers of the operations side: the Event recorder and the Lease elector. The watch-oriented
 * `KubeClient` of `adapters/kubernetes/` only reads; this one writes, with the same transport
 * (client-node's `KubeConfig` authentication and one shared undici Agent destroyed by `close()`).
 *
 * Objects are sent and read as plain JSON on purpose: client-node's typed models serialize
 * `MicroTime` fields (a Lease's `renewTime`) with millisecond precision, which kube-apiserver
 * refuses, while here the caller writes the exact wire text.
 *
 * @module
 */

import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
} from "@kubernetes/client-node";

/** An answer of the API server: status code and parsed JSON body (`undefined` when not JSON). */
export interface KubeJsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Options of one request. */
export interface KubeJsonRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path from the server root, e.g. `/api/v1/namespaces/default/events`. */
  readonly path: string;
  readonly body?: unknown;
  /** `Content-Type` of the body; `application/json` unless a PATCH names its strategy. */
  readonly contentType?: string;
  /** Abort after this many milliseconds (no deadline when absent). */
  readonly timeoutMs?: number;
}

/** What the Event recorder and the Lease elector need; tests pass in-memory fakes. */
export interface KubeJsonApi {
  /** Sends one request; resolves with any HTTP answer, rejects only when none arrived. */
  request(request: KubeJsonRequest): Promise<KubeJsonAnswer>;
  /** Releases connections. */
  close(): Promise<void>;
}

type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

const METHODS: Readonly<Record<KubeJsonRequest["method"], HttpMethod>> = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  PUT: HttpMethod.PUT,
  PATCH: HttpMethod.PATCH,
  DELETE: HttpMethod.DELETE,
};

/** The real `KubeJsonApi` for the current context of a `KubeConfig`. */
export class KubeJsonClient implements KubeJsonApi {
  readonly #config: KubeConfig;
  readonly #server: string;
  readonly #http = new IsomorphicFetchHttpLibrary();
  #dispatcher: Dispatcher | undefined;
  #closed = false;

  /** Creates a client for the current context of `config` (see `loadKubeConfig`). */
  constructor(config: KubeConfig) {
    this.#config = config;
    this.#server = config.getCurrentCluster()?.server.replace(/\/+$/, "") ?? "";
  }

  /** See `KubeJsonApi.request`. */
  async request(request: KubeJsonRequest): Promise<KubeJsonAnswer> {
    const what = `${request.method} ${request.path}`;
    if (this.#closed) throw new Error(`Cannot send ${what}: the Kubernetes client is closed`);
    const context = new RequestContext(this.#server + request.path, METHODS[request.method]);
    context.setHeaderParam("Accept", "application/json");
    if (request.body !== undefined) {
      context.setHeaderParam("Content-Type", request.contentType ?? "application/json");
      context.setBody(JSON.stringify(request.body));
    }
    await this.#config.applySecurityAuthentication(context);
    const dispatcher = context.getDispatcher();
    if (dispatcher) {
      this.#dispatcher ??= dispatcher;
      context.setDispatcher(this.#dispatcher);
    }
    const signal = request.timeoutMs === undefined
      ? undefined
      : AbortSignal.timeout(request.timeoutMs);
    if (signal) context.setSignal(signal);
    let text: string;
    let status: number;
    try {
      const response = await this.#http.send(context).toPromise();
      status = response.httpStatusCode;
      text = await response.body.text();
    } catch (cause) {
      const reason = signal?.aborted
        ? `no answer within ${request.timeoutMs} ms`
        : cause instanceof Error
        ? cause.message
        : String(cause);
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

  /** Destroys the shared connection pool; later requests fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const dispatcher = this.#dispatcher;
    this.#dispatcher = undefined;
    await dispatcher?.destroy();
  }
}

/** Returns `status.message` of a Kubernetes `Status` answer, or a short generic text. */
export function statusMessage(answer: KubeJsonAnswer): string {
  const body = answer.body;
  if (typeof body === "object" && body !== null && "message" in body) {
    return `${answer.status} ${String((body as { message: unknown }).message)}`;
  }
  return String(answer.status);
}
