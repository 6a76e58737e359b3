/**
 * Plain JSON requests to a kube-apiserver with a kubeconfig's client certificate, for the
 * harness's churn, reads and Lease polls: one HTTP/1.1 connection pool, a deadline per request,
 * and answers returned as status + body (the caller decides what a 404 or 409 means).
 *
 * @module
 */

import { KubeConfig } from "@kubernetes/client-node";

/** An answer: the HTTP status and the parsed JSON body (or the text when it was not JSON). */
export interface KubeAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** JSON requests to one API server. */
export class KubeApi {
  readonly #server: string;
  readonly #client: Deno.HttpClient;
  readonly #timeoutMs: number;

  /** Creates a client for the current context of `kubeconfigPath` (certificate files only). */
  constructor(kubeconfigPath: string, timeoutMs = 10_000) {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfigPath);
    const cluster = config.getCurrentCluster();
    const user = config.getCurrentUser();
    if (!cluster?.caFile || !user?.certFile || !user.keyFile) {
      throw new Error(`Cannot read "${kubeconfigPath}": expected CA and client certificate files`);
    }
    this.#server = cluster.server;
    this.#timeoutMs = timeoutMs;
    this.#client = Deno.createHttpClient({
      caCerts: [Deno.readTextFileSync(cluster.caFile)],
      cert: Deno.readTextFileSync(user.certFile),
      key: Deno.readTextFileSync(user.keyFile),
      http2: false,
    });
  }

  /** Sends one request; throws only when no answer came (connection refused, deadline). */
  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<KubeAnswer> {
    const response = await fetch(`${this.#server}${path}`, {
      method,
      client: this.#client,
      headers: body === undefined ? {} : { "Content-Type": contentType },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      return { status: response.status, body: text };
    }
  }

  /** GETs `path`; throws unless the answer is 200. */
  async getJson<T>(path: string): Promise<T> {
    const answer = await this.request("GET", path);
    if (answer.status !== 200) {
      throw new Error(
        `Cannot read "${path}": kube-apiserver answered ${answer.status} ${
          JSON.stringify(answer.body).slice(0, 200)
        }`,
      );
    }
    return answer.body as T;
  }

  /** Closes the connection pool. */
  close(): void {
    this.#client.close();
  }
}
