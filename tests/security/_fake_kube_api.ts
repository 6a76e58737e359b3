/**
 * A plain-HTTP stand-in for a Kubernetes API server, just enough for a controller process to list
 * and watch Namespaces, Services and core/v1 Endpoints (`endpointsApi: endpoints`, `podLabels:
 * none`) and to write Events, which it keeps. Watches stay open and send nothing. For the token
 * tests only: the real API server's behaviour is covered by the cluster tests.
 *
 * @module
 */

/** A Service of the fake cluster with the ready endpoint addresses behind it. */
export interface FakeService {
  readonly namespace: string;
  readonly name: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly addresses: readonly string[];
  readonly port: number;
}

/** A running fake API server. */
export interface FakeKubeApi {
  /** A kubeconfig for it (plain HTTP, a bearer token of its own). */
  readonly kubeconfig: string;
  /** Every Event body written (POST) and every Event patch (PATCH), in order. */
  readonly eventWrites: readonly unknown[];
  stop(): Promise<void>;
}

/** Starts the fake API server on a free loopback port. */
export function startFakeKubeApi(services: readonly FakeService[]): FakeKubeApi {
  const eventWrites: unknown[] = [];
  const watches = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const namespaces = [...new Set(services.map((s) => s.namespace))];
  const list = (kind: string, items: unknown[]) =>
    Response.json({ kind, apiVersion: "v1", metadata: { resourceVersion: "10" }, items });
  const collections: Record<string, () => Response> = {
    "/api/v1/namespaces": () =>
      list("NamespaceList", namespaces.map((name) => ({ metadata: { name, uid: `ns-${name}` } }))),
    "/api/v1/services": () =>
      list(
        "ServiceList",
        services.map((s) => ({
          metadata: {
            namespace: s.namespace,
            name: s.name,
            uid: `uid-${s.name}`,
            annotations: s.annotations ?? {},
          },
          spec: { type: "ClusterIP", ports: [{ name: "http", port: s.port, protocol: "TCP" }] },
        })),
      ),
    "/api/v1/endpoints": () =>
      list(
        "EndpointsList",
        services.map((s) => ({
          metadata: { namespace: s.namespace, name: s.name },
          subsets: [{
            addresses: s.addresses.map((ip) => ({ ip })),
            ports: [{ name: "http", port: s.port, protocol: "TCP" }],
          }],
        })),
      ),
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const collection = collections[url.pathname];
    if (collection && req.method === "GET") {
      if (url.searchParams.get("watch") !== "true") return collection();
      let own: ReadableStreamDefaultController<Uint8Array> | undefined;
      const body = new ReadableStream<Uint8Array>({
        start: (controller) => {
          own = controller;
          watches.add(controller);
        },
        cancel: () => {
          if (own) watches.delete(own);
        },
      });
      return new Response(body, { headers: { "content-type": "application/json" } });
    }
    const service = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)$/.exec(url.pathname);
    if (service && req.method === "GET") {
      return Response.json({ metadata: { namespace: service[1], name: service[2], uid: "u" } });
    }
    if (/^\/api\/v1\/namespaces\/[^/]+\/events(\/[^/]+)?$/.test(url.pathname)) {
      const written = await req.json();
      eventWrites.push(written);
      return Response.json(written, { status: req.method === "POST" ? 201 : 200 });
    }
    return Response.json({ kind: "Status", code: 404, message: "not served here" }, {
      status: 404,
    });
  });
  const kubeconfig = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- {name: fake, cluster: {server: "http://127.0.0.1:${server.addr.port}", insecure-skip-tls-verify: true}}`,
    "users: [{name: fake, user: {token: kube-api-token-of-the-fake}}]",
    "contexts: [{name: fake, context: {cluster: fake, user: fake}}]",
    "current-context: fake",
    "",
  ].join("\n");
  return {
    kubeconfig,
    eventWrites,
    async stop() {
      for (const watch of watches) {
        try {
          watch.close();
        } catch {
          // Already cancelled by the client.
        }
      }
      await server.shutdown();
    },
  };
}
