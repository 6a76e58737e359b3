import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { KubeConfig } from "@kubernetes/client-node";
import { KubeApiError, KubeClient, parseWarningHeader, type RawWatchEvent } from "./kube_client.ts";

/** A plain-HTTP stand-in for the API server: one handler, torn down by the returned function. */
function serve(
  handler: (request: Request) => Response,
): { client: KubeClient; close: () => Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: "c", server: `http://127.0.0.1:${server.addr.port}`, skipTLSVerify: true }],
    users: [{ name: "u", token: "secret" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  const client = new KubeClient(config);
  return {
    client,
    close: async () => {
      await client.close();
      await server.shutdown();
    },
  };
}

Deno.test("KubeClient.watch() parses events split across chunks and sends the query", async () => {
  let seen: URL | undefined;
  let authorization: string | null = null;
  const { client, close } = serve((request) => {
    seen = new URL(request.url);
    authorization = request.headers.get("authorization");
    const chunks = [
      '{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"BOO',
      'KMARK","object":{"metadata":{"resourceVersion":"7"}}}\n',
    ];
    const body = new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  try {
    const events: RawWatchEvent[] = [];
    await client.watch(
      "/api/v1/services",
      { resourceVersion: "5", allowWatchBookmarks: "true" },
      {},
      (event) => events.push(event),
    );
    deepStrictEqual(events.map((event) => event.type), ["ADDED", "BOOKMARK"]);
    equal(events[1].object.metadata?.resourceVersion, "7");
    equal(seen?.searchParams.get("watch"), "true");
    equal(seen?.searchParams.get("resourceVersion"), "5");
    equal(seen?.searchParams.get("allowWatchBookmarks"), "true");
    equal(authorization, "Bearer secret");
  } finally {
    await close();
  }
});

Deno.test("KubeClient.getJson() turns a Status answer into a KubeApiError with its reason", async () => {
  const { client, close } = serve(() =>
    Response.json({
      kind: "Status",
      code: 403,
      reason: "Forbidden",
      message: 'services is forbidden: User "x"',
    }, {
      status: 403,
    })
  );
  try {
    await rejects(client.getJson("/api/v1/services", { limit: "500" }), (error: unknown) => {
      ok(error instanceof KubeApiError);
      equal(error.status, 403);
      equal(error.reason, "Forbidden");
      equal(error.detail, 'services is forbidden: User "x"');
      return true;
    });
  } finally {
    await close();
  }
});

Deno.test("parseWarningHeader() reads Kubernetes' 299 warnings, several per header", () => {
  deepStrictEqual(
    parseWarningHeader(
      '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"',
    ),
    ["v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"],
  );
  deepStrictEqual(
    parseWarningHeader('299 - "a, with a comma", 299 - "b \\"quoted\\"" "Tue, 01 Jan 2030"'),
    ["a, with a comma", 'b "quoted"'],
  );
  deepStrictEqual(parseWarningHeader("not a warning"), ["not a warning"]);
  deepStrictEqual(parseWarningHeader(""), []);
});

Deno.test("KubeClient hands each distinct API warning to onWarning once, from GETs and watches", async () => {
  const warnings: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const headers = new Headers({ "content-type": "application/json" });
    headers.append("warning", '299 - "v1 Endpoints is deprecated in v1.33+"');
    if (new URL(request.url).searchParams.get("watch") === "true") {
      headers.append("warning", '299 - "only on watches"');
      return new Response('{"type":"ADDED","object":{}}\n', { headers });
    }
    return new Response('{"kind":"EndpointsList","items":[]}', { headers });
  });
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: "c", server: `http://127.0.0.1:${server.addr.port}`, skipTLSVerify: true }],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  const client = new KubeClient(config, {
    onWarning: (warning, path) => warnings.push(`${path}: ${warning}`),
  });
  try {
    await client.getJson("/api/v1/endpoints", {});
    await client.getJson("/api/v1/endpoints", {});
    await client.watch("/api/v1/endpoints", {}, {}, () => {});
    deepStrictEqual(warnings, [
      "/api/v1/endpoints: v1 Endpoints is deprecated in v1.33+",
      "/api/v1/endpoints: only on watches",
    ]);
  } finally {
    await client.close();
    await server.shutdown();
  }
});
