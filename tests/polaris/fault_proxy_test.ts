import assert from "node:assert/strict";
import { startFaultProxy } from "./fault_proxy.ts";
import { startPolarisServer } from "./polaris_server.ts";

const server = await startPolarisServer();
const proxy = await startFaultProxy(server.url);
const headers = { "Content-Type": "application/json", "X-Polaris-Token": server.token };
const list = async (base: string) => {
  const response = await fetch(`${base}/naming/v1/instances?namespace=fp&service=web`, { headers });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
};
const create = (base: string, host: string) =>
  fetch(`${base}/naming/v1/instances`, {
    method: "POST",
    headers,
    body: JSON.stringify([{ namespace: "fp", service: "web", host, port: 80, weight: 100 }]),
  }).then(async (r) => ({ status: r.status, body: await r.json() as Record<string, unknown> }));
const options = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  name: "fault proxy: forwards reads and writes unchanged, counts them and keeps write bodies",
  ...options,
  async fn() {
    proxy.resetRequests();
    assert.deepStrictEqual((await create(proxy.url, "10.0.0.1")).body.code, 200000);
    const direct = await list(server.url);
    const proxied = await list(proxy.url);
    assert.deepStrictEqual(proxied.status, direct.status);
    assert.deepStrictEqual(proxied.body, direct.body);
    assert.deepStrictEqual(proxy.requests(), {
      "POST /naming/v1/instances": 1,
      "GET /naming/v1/instances": 1,
    });
    assert.deepStrictEqual(proxy.writes().map((w) => [w.method, w.path, w.forwarded]), [
      ["POST", "/naming/v1/instances", true],
    ]);
    assert.deepStrictEqual((proxy.writes()[0].body as { host: string }[])[0].host, "10.0.0.1");
  },
});

Deno.test({
  name: "fault proxy: Polaris codes, the rate limit, plain statuses and drops, without forwarding",
  ...options,
  async fn() {
    proxy.resetRequests();
    proxy.injectFault({ kind: "status", code: 500000, match: { method: "POST" }, times: 1 });
    const failed = await create(proxy.url, "10.0.0.2");
    assert.deepStrictEqual([failed.status, failed.body.code], [500, 500000]);
    assert.deepStrictEqual(proxy.writes()[0].forwarded, false);
    assert.deepStrictEqual(
      (await list(server.url)).body.amount,
      1,
      "the faulted write never reached it",
    );

    proxy.injectFault({ kind: "rateLimit", times: 1 });
    const limited = await list(proxy.url);
    assert.deepStrictEqual([limited.status, limited.body.code], [403, 403003]);

    proxy.injectFault({ kind: "status", code: 502, times: 1 });
    const plain = await fetch(`${proxy.url}/naming/v1/instances`, { headers });
    assert.deepStrictEqual(plain.status, 502);
    await plain.body?.cancel();

    // On a connection of its own: Deno's fetch silently retries a request whose pooled
    // connection closed, and the retry would find the fault used up.
    proxy.injectFault({ kind: "drop", times: 1 });
    const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
    let dropped = false;
    try {
      await fetch(`${proxy.url}/naming/v1/instances`, { headers, client });
    } catch {
      dropped = true;
    } finally {
      client.close();
    }
    assert.ok(dropped, "a dropped connection is a network error");

    proxy.injectFault({ kind: "latency", ms: 300, times: 1 });
    const started = Date.now();
    assert.deepStrictEqual((await list(proxy.url)).status, 200);
    assert.ok(Date.now() - started >= 300, "latency added");
    assert.deepStrictEqual((await list(proxy.url)).status, 200, "faults with times run out");
  },
});

Deno.test({
  name: "fault proxy: stale reads replay the last answer until it is older than the window",
  ...options,
  async fn() {
    const stop = proxy.staleReads(800);
    const before = (await list(proxy.url)).body.amount;
    await create(proxy.url, "10.0.0.3");
    assert.deepStrictEqual(
      (await list(proxy.url)).body.amount,
      before,
      "the write is not seen yet",
    );
    assert.deepStrictEqual(
      (await list(server.url)).body.amount,
      Number(before) + 1,
      "the server has it",
    );
    await new Promise((resolve) => setTimeout(resolve, 900));
    assert.deepStrictEqual(
      (await list(proxy.url)).body.amount,
      Number(before) + 1,
      "seen after the window",
    );
    stop();
  },
});

Deno.test({
  name: "fault proxy: teardown",
  ...options,
  async fn() {
    await proxy.stop();
    await server.stop();
  },
});
