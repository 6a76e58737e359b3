/**
 * Plain JSON GETs against the test API server, for what the typed client cannot read (client-node 2
 * has no v1beta1 EndpointSlice model) and for counting objects without the informer machinery.
 *
 * @module
 */

import { KubeConfig } from "@kubernetes/client-node";

/** Plain JSON GETs against the API server with the kubeconfig's client certificate. */
export class KubeReader {
  readonly #server: string;
  readonly #client: Deno.HttpClient;

  /** Creates a reader for the current context of `kubeconfigPath` (certificate files only). */
  constructor(kubeconfigPath: string) {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfigPath);
    const cluster = config.getCurrentCluster();
    const user = config.getCurrentUser();
    if (!cluster?.caFile || !user?.certFile || !user.keyFile) {
      throw new Error(
        `Cannot read "${kubeconfigPath}": expected a CA file and a client certificate file`,
      );
    }
    this.#server = cluster.server;
    this.#client = Deno.createHttpClient({
      caCerts: [Deno.readTextFileSync(cluster.caFile)],
      cert: Deno.readTextFileSync(user.certFile),
      key: Deno.readTextFileSync(user.keyFile),
      http2: false,
    });
  }

  /** GETs `path` and returns the JSON body; throws on a non-2xx answer. */
  async getJson<T>(path: string): Promise<T> {
    const response = await fetch(`${this.#server}${path}`, { client: this.#client });
    if (!response.ok) {
      const text = await response.text();
      throw new Error(`Cannot read "${path}" from kube-apiserver: ${response.status} ${text}`);
    }
    return await response.json() as T;
  }

  /** Closes the connection pool. */
  close(): void {
    this.#client.close();
  }
}
