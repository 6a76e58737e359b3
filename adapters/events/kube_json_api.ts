/**
 * JSON requests of any method (GET, POST, PUT, PATCH, DELETE) to one Kubernetes API server: what
 * the writers of the operations side, the Event recorder and the Lease elector, need. The real one
 * is `KubeClient` (`adapters/kubernetes/kube_client.ts`), the project's one HTTP stack to the API
 * server; tests pass in-memory fakes.
 *
 * Objects are sent and read as plain JSON on purpose: client-node's typed models serialize
 * `MicroTime` fields (a Lease's `renewTime`) with millisecond precision, which kube-apiserver
 * refuses, while here the caller writes the exact wire text.
 *
 * @module
 */

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

/** Returns `status.message` of a Kubernetes `Status` answer, or a short generic text. */
export function statusMessage(answer: KubeJsonAnswer): string {
  const body = answer.body;
  if (typeof body === "object" && body !== null && "message" in body) {
    return `${answer.status} ${String((body as { message: unknown }).message)}`;
  }
  return String(answer.status);
}
