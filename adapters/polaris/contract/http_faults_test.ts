/**
 * The client's HTTP layer against a bare server, for answers no Polaris emulator gives: non-JSON
 * bodies, JSON without a code, a body that stalls, proxy errors. Each fault here has a real-server
 * counterpart in `client_contract_test.ts` (STYLE: mocks only to inject faults).
 */
import assert from "node:assert/strict";
import { PolarisClient, PolarisProtocolError, PolarisRequestError } from "../mod.ts";
import type { PolarisRequestReport } from "../http.ts";
import { startRawServer } from "./_raw_server.ts";

const fast = { backoffBaseMs: 1, backoffMaxMs: 2, maxRetries: 2, timeoutMs: 2000 };

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

const emptyPage = { code: 200000, info: "execute success", amount: 0, size: 0, instances: [] };

Deno.test("PolarisClient sends token, Request-Id and JSON content type on writes", async () => {
  const server = startRawServer(() => json({ code: 200000, info: "", size: 1, responses: [] }));
  try {
    const client = new PolarisClient({ baseUrl: server.url, token: "secret", ...fast });
    await client.createServices([{ namespace: "ns", name: "a" }]);
    await client.createServices([{ namespace: "ns", name: "b" }]);
    const [first, second] = server.requests;
    assert.equal(first.headers.get("X-Polaris-Token"), "secret");
    assert.equal(first.headers.get("Content-Type"), "application/json");
    assert.ok(first.headers.get("Request-Id"));
    assert.notEqual(first.headers.get("Request-Id"), second.headers.get("Request-Id"));
    assert.deepEqual(JSON.parse(first.body), [{ namespace: "ns", name: "a" }]);
  } finally {
    await server.stop();
  }
});

Deno.test("PolarisClient sends no token header when none is set", async () => {
  const server = startRawServer(() => json(emptyPage));
  try {
    await new PolarisClient({ baseUrl: server.url, ...fast }).listInstances({ namespace: "ns" });
    assert.equal(server.requests[0].headers.has("X-Polaris-Token"), false);
  } finally {
    await server.stop();
  }
});

Deno.test("PolarisClient rejects a 200 that is not JSON with PolarisProtocolError, without retrying", async () => {
  const server = startRawServer(() => new Response("<html>hello</html>", { status: 200 }));
  try {
    const client = new PolarisClient({ baseUrl: server.url, ...fast });
    await assert.rejects(client.listInstances({ namespace: "ns" }), PolarisProtocolError);
    assert.equal(server.requests.length, 1);
  } finally {
    await server.stop();
  }
});

Deno.test("PolarisClient rejects a list page of the wrong shape with the schema issues", async () => {
  const server = startRawServer(() =>
    json({
      ...emptyPage,
      amount: 1,
      instances: [{ id: "x", host: "h", port: "80", namespace: "n", service: "s" }],
    })
  );
  try {
    const client = new PolarisClient({ baseUrl: server.url, ...fast });
    await assert.rejects(client.listInstances({ namespace: "ns" }), (error) => {
      assert.ok(error instanceof PolarisProtocolError);
      assert.match(error.issues.join(), /instances\.0\.port/);
      return true;
    });
  } finally {
    await server.stop();
  }
});

Deno.test("PolarisClient rejects JSON without a code as a protocol error", async () => {
  const server = startRawServer(() => json({ hello: "world" }));
  try {
    const client = new PolarisClient({ baseUrl: server.url, ...fast });
    await assert.rejects(client.listNamespaces(), PolarisProtocolError);
  } finally {
    await server.stop();
  }
});

Deno.test("PolarisClient retries a plain-text 502 from a proxy and recovers", async () => {
  const server = startRawServer((_, index) =>
    index === 0 ? new Response("bad gateway", { status: 502 }) : json(emptyPage)
  );
  try {
    const reports: PolarisRequestReport[] = [];
    const client = new PolarisClient({
      baseUrl: server.url,
      ...fast,
      onRequest: (r) => reports.push(r),
    });
    assert.deepEqual(await client.listInstances({ namespace: "ns" }), []);
    assert.deepEqual(reports.map((r) => [r.attempt, r.status, r.code]), [[1, 502, undefined], [
      2,
      200,
      200000,
    ]]);
  } finally {
    await server.stop();
  }
});

Deno.test("PolarisClient times out a body that never ends, retries, then reports no answer", async () => {
  const server = startRawServer(() => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"code":200000,'));
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  try {
    const sleeps: number[] = [];
    const client = new PolarisClient({
      baseUrl: server.url,
      ...fast,
      timeoutMs: 100,
      maxRetries: 1,
      sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
    });
    await assert.rejects(client.listNamespaces(), (error) => {
      assert.ok(error instanceof PolarisRequestError);
      assert.ok(!(error instanceof PolarisProtocolError));
      assert.equal(error.code, undefined);
      assert.equal(error.status, undefined);
      assert.equal(error.retryable, true);
      assert.equal(error.attempts, 2);
      return true;
    });
    assert.equal(sleeps.length, 1);
  } finally {
    await server.stop();
  }
});

Deno.test("PolarisClient.health() is false for another server and true for Polaris", async () => {
  const server = startRawServer((request) =>
    new Response(new URL(request.url).pathname === "/" ? "Polaris Server" : "nope")
  );
  const other = startRawServer(() => new Response("It works!"));
  try {
    assert.equal(await new PolarisClient({ baseUrl: server.url, ...fast }).health(), true);
    assert.equal(await new PolarisClient({ baseUrl: other.url, ...fast }).health(), false);
  } finally {
    await server.stop();
    await other.stop();
  }
});

Deno.test("PolarisClient stops retrying once its signal aborts", async () => {
  const server = startRawServer(() => json({ code: 500000, info: "x", amount: 0 }, 500));
  try {
    const controller = new AbortController();
    const client = new PolarisClient({
      baseUrl: server.url,
      ...fast,
      maxRetries: 10,
      signal: controller.signal,
      sleep: () => (controller.abort(new Error("shutting down")), Promise.resolve()),
    });
    await assert.rejects(client.listNamespaces(), PolarisRequestError);
    assert.equal(server.requests.length, 1);
  } finally {
    await server.stop();
  }
});

// Found by adapters/polaris/answers_fuzz_test.ts ("total in the billions"): the sweep's scan of
// owned instances made an offset and a promise for every page a made-up total claimed, before
// its first request, and ran out of memory.
Deno.test("PolarisClient.listOwnedServices() gives up on a made-up total after a few pages", async () => {
  const rows = Array.from({ length: 120 }, (_, i) => ({
    id: `id-${i}`,
    namespace: "shop",
    service: "cart",
    host: `10.0.0.${i}`,
    port: 8080,
    metadata: { clusterName: "a", source: "polaris-controller" },
  }));
  const server = startRawServer((request) => {
    const offset = Number(new URL(request.url).searchParams.get("offset"));
    return json({ ...emptyPage, amount: 2 ** 31, instances: rows.slice(offset, offset + 100) });
  });
  try {
    const client = new PolarisClient({ baseUrl: server.url, ...fast, pageConcurrency: 4 });
    await assert.rejects(
      client.listOwnedServices({ clusterName: "a", source: "polaris-controller" }),
      /changed while paging on each of 4 passes/,
    );
    assert.ok(server.requests.length <= 4 * (1 + 2 * 4), `${server.requests.length} requests`);
  } finally {
    await server.stop();
  }
});
