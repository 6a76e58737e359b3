import assert from "node:assert/strict";
import type { OperatorView } from "./operator_view.ts";
import { startOperatorServers } from "./operator_servers.ts";

const VIEW: OperatorView = {
  readiness: () => ({ ready: true, reasons: [], details: {} }),
  metrics: () => Promise.resolve({ contentType: "text/plain", text: "up 1\n" }),
  services: (_filter, offset, limit) => ({ total: 0, offset, limit, items: [] }),
  service: () => Promise.resolve(undefined),
  clusters: () => [],
  overview: () => ({ states: {}, services: 0 }),
};

async function status(url: string): Promise<number> {
  const response = await fetch(url);
  await response.body?.cancel();
  return response.status;
}

Deno.test("startOperatorServers() serves everything on one server when both addresses agree", async () => {
  const address = { hostname: "127.0.0.1", port: 0 };
  const servers = await startOperatorServers(VIEW, { listen: address, debugListen: address });
  try {
    assert.equal(servers.debugUrl, servers.url);
    assert.deepEqual(
      [await status(`${servers.url}/metrics`), await status(`${servers.url}/debug/overview`)],
      [200, 200],
    );
  } finally {
    await servers.shutdown();
  }
});

Deno.test("startOperatorServers() serves /debug on debugListen only, the rest on both", async () => {
  // Two loopback addresses (Linux answers on all of 127.0.0.0/8), so both can take port 0.
  const servers = await startOperatorServers(VIEW, {
    listen: { hostname: "127.0.0.1", port: 0 },
    debugListen: { hostname: "127.0.0.2", port: 0 },
  });
  try {
    assert.match(servers.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(servers.debugUrl, /^http:\/\/127\.0\.0\.2:\d+$/);
    assert.deepEqual(
      [
        await status(`${servers.url}/healthz`),
        await status(`${servers.url}/debug`),
        await status(`${servers.debugUrl}/debug`),
        await status(`${servers.debugUrl}/readyz`),
      ],
      [200, 404, 200, 200],
    );
  } finally {
    await servers.shutdown();
  }
});

Deno.test("startOperatorServers() throws when debugListen is taken, and closes listen", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const free = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const listen = { hostname: "127.0.0.1", port: (free.addr as Deno.NetAddr).port };
  free.close();
  try {
    await assert.rejects(
      startOperatorServers(VIEW, {
        listen,
        debugListen: { hostname: "127.0.0.1", port: (taken.addr as Deno.NetAddr).port },
      }),
      Deno.errors.AddrInUse,
    );
    // listen was let go again: it can be bound.
    Deno.listen(listen).close();
  } finally {
    taken.close();
  }
});
