/**
 * The Polaris client against the emulator's injected faults, over real HTTP: latency beyond the
 * timeout, 5xx answers, dropped connections, the 403003 rate limit, and data changing while a
 * list is paged. Backoff is real code with an injected `sleep` that records the delays.
 */
import assert from "node:assert/strict";
import {
  type PolarisEmulator,
  type PolarisEmulatorOptions,
  startPolarisEmulator,
} from "../../../emulator/mod.ts";
import {
  type InstanceWrite,
  PolarisClient,
  type PolarisClientOptions,
  PolarisRequestError,
  type PolarisRequestReport,
} from "../mod.ts";

const INSTANCES = "/naming/v1/instances";

interface Harness {
  emulator: PolarisEmulator;
  client: PolarisClient;
  reports: PolarisRequestReport[];
  sleeps: number[];
}

async function withEmulator(
  options: Partial<PolarisClientOptions>,
  fn: (h: Harness) => Promise<void>,
  emulatorOptions: PolarisEmulatorOptions = {},
): Promise<void> {
  const emulator = await startPolarisEmulator(emulatorOptions);
  const reports: PolarisRequestReport[] = [];
  const sleeps: number[] = [];
  const client = new PolarisClient({
    baseUrl: emulator.url,
    timeoutMs: 2000,
    maxRetries: 3,
    backoffBaseMs: 10,
    backoffMaxMs: 40,
    random: () => 0.5,
    sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
    onRequest: (r) => reports.push(r),
    ...options,
  });
  try {
    await fn({ emulator, client, reports, sleeps });
  } finally {
    await emulator.stop();
  }
}

function seed(emulator: PolarisEmulator, count: number, from = 0) {
  emulator.seedInstances(Array.from({ length: count }, (_, i) => ({
    namespace: "ns",
    service: "web",
    host: `10.0.${Math.floor((i + from) / 250)}.${(i + from) % 250}`,
    port: 80,
    metadata: { clusterName: "a", source: "polaris-controller" },
  })));
}

const write: InstanceWrite[] = [
  { namespace: "ns", service: "web", host: "10.9.0.1", port: 80, enableHealthCheck: false },
  { namespace: "ns", service: "web", host: "10.9.0.2", port: 80, enableHealthCheck: false },
];

Deno.test("PolarisClient retries a request that outlives its timeout and recovers", async () => {
  await withEmulator({ timeoutMs: 150 }, async ({ emulator, client, reports }) => {
    seed(emulator, 3);
    emulator.injectFault({ kind: "latency", ms: 1000, times: 1, match: { path: INSTANCES } });
    const listed = await client.listInstances({ namespace: "ns" });
    assert.equal(listed.length, 3);
    assert.deepEqual(reports.map((r) => [r.attempt, r.status]), [[1, undefined], [2, 200]]);
    assert.ok(reports[0].durationMs >= 140);
  });
});

Deno.test("PolarisClient reports no answer after every attempt times out", async () => {
  await withEmulator({ timeoutMs: 100, maxRetries: 1 }, async ({ emulator, client, reports }) => {
    emulator.injectFault({ kind: "latency", ms: 1000, match: { path: INSTANCES } });
    await assert.rejects(client.listInstances({ namespace: "ns" }), (error) => {
      assert.ok(error instanceof PolarisRequestError);
      assert.equal(error.code, undefined);
      assert.equal(error.status, undefined);
      assert.equal(error.retryable, true);
      return true;
    });
    const results = await client.createInstances(write);
    assert.ok(results.every((r) => !r.ok && r.code === undefined && r.retryable));
    assert.equal(reports.length, 4);
  });
});

Deno.test("PolarisClient retries 500000 and recovers", async () => {
  await withEmulator({}, async ({ emulator, client, reports }) => {
    emulator.injectFault({
      kind: "status",
      code: 500000,
      times: 2,
      match: { method: "POST", path: INSTANCES },
    });
    const results = await client.createInstances(write);
    assert.deepEqual(results, [{ ok: true, code: 200000 }, { ok: true, code: 200000 }]);
    assert.deepEqual(reports.map((r) => [r.attempt, r.code, r.status, r.items]), [
      [1, 500000, 500, 2],
      [2, 500000, 500, 2],
      [3, 200000, 200, 2],
    ]);
    assert.equal(emulator.state.instances().length, 2);
  });
});

Deno.test("PolarisClient reports 500000 after its retries: reads reject, writes fail each item", async () => {
  await withEmulator({ maxRetries: 2 }, async ({ emulator, client }) => {
    emulator.injectFault({ kind: "status", code: 500000 });
    await assert.rejects(client.listNamespaces(), (error) => {
      assert.ok(error instanceof PolarisRequestError);
      assert.equal(error.code, 500000);
      assert.equal(error.status, 500);
      assert.equal(error.retryable, true);
      assert.equal(error.attempts, 3);
      return true;
    });
    const results = await client.createInstances(write);
    assert.deepEqual(results.map((r) => [r.ok, r.code, !r.ok && r.retryable]), [
      [false, 500000, true],
      [false, 500000, true],
    ]);
    const alias = await client.createAlias({
      alias: "a",
      aliasNamespace: "ns",
      service: "s",
      namespace: "ns",
    });
    assert.equal(alias.code, 500000);
    assert.equal(await client.health(), false, "a 500 on GET / is not healthy");
  });
});

Deno.test("PolarisClient retries a plain HTTP 503 without a Polaris code", async () => {
  await withEmulator({}, async ({ emulator, client, reports }) => {
    emulator.injectFault({ kind: "status", code: 503, times: 1 });
    assert.ok((await client.listNamespaces()).some((n) => n.name === "default"));
    assert.deepEqual(reports.map((r) => r.status), [503, 200]);
  });
});

Deno.test("PolarisClient does not retry a 4xx verdict (400000)", async () => {
  await withEmulator({}, async ({ emulator, client, reports }) => {
    emulator.injectFault({ kind: "status", code: 400000, times: 1 });
    await assert.rejects(
      client.listServices(),
      (e) => e instanceof PolarisRequestError && e.code === 400000,
    );
    assert.equal(reports.length, 1);
  });
});

Deno.test("PolarisClient retries a dropped connection and recovers", async () => {
  await withEmulator({}, async ({ emulator, client, reports }) => {
    seed(emulator, 2);
    emulator.injectFault({ kind: "drop", times: 2 });
    assert.equal(
      (await client.listOwnedInstances({ clusterName: "a", source: "polaris-controller" })).length,
      2,
    );
    assert.deepEqual(reports.map((r) => r.status), [undefined, undefined, 200]);
    emulator.injectFault({ kind: "drop", times: 1, match: { method: "POST" } });
    assert.ok((await client.deleteInstances(write)).every((r) => r.ok));
  });
});

Deno.test("PolarisClient reports a connection that always drops as no answer", async () => {
  await withEmulator({ maxRetries: 1 }, async ({ emulator, client }) => {
    emulator.injectFault({ kind: "drop" });
    await assert.rejects(
      client.listInstances({ namespace: "ns" }),
      (e) =>
        e instanceof PolarisRequestError && e.code === undefined && e.retryable && e.attempts === 2,
    );
    assert.equal(await client.health(), false);
  });
});

Deno.test("PolarisClient backs off exponentially on 403003 rate limiting, then succeeds", async () => {
  await withEmulator({}, async ({ emulator, client, reports, sleeps }) => {
    emulator.injectFault({ kind: "rateLimit", times: 3 });
    assert.ok((await client.createInstances(write)).every((r) => r.ok));
    assert.deepEqual(reports.map((r) => [r.code, r.status]), [
      [403003, 403],
      [403003, 403],
      [403003, 403],
      [200000, 200],
    ]);
    // random 0.5 → 3/4 of the window: 10, 20, 40 ms windows.
    assert.deepEqual(sleeps, [8, 15, 30]);
  });
});

Deno.test("PolarisClient reports 403003 as retryable once retries run out", async () => {
  await withEmulator({ maxRetries: 1 }, async ({ emulator, client }) => {
    emulator.injectFault({ kind: "rateLimit" });
    const results = await client.createInstances(write);
    assert.ok(results.every((r) => !r.ok && r.code === 403003 && r.retryable));
  });
});

Deno.test("PolarisClient sends 250 instances as 3 requests with aligned results", async () => {
  await withEmulator({}, async ({ emulator, client }) => {
    const items = Array.from({ length: 250 }, (_, i) => ({
      namespace: "ns",
      service: `svc-${i % 7}`,
      host: `10.1.${Math.floor(i / 200)}.${i % 200}`,
      port: 80,
    }));
    items[120] = { ...items[120], port: 70000 };
    const results = await client.createInstances(items);
    assert.equal(emulator.requests()["POST /naming/v1/instances"], 3);
    assert.equal(results[120].code, 400132);
    // whole-batch emulator: the other 99 of that request were not applied and may be retried.
    const notApplied = results.filter((r) => !r.ok && r.code === undefined && r.retryable).length;
    assert.equal(notApplied, 99);
    assert.equal(results.filter((r) => r.ok).length, 150);
  });
});

Deno.test("PolarisClient restarts a list whose total changes while paging", async () => {
  let emulator: PolarisEmulator | undefined;
  let gets = 0;
  await withEmulator({
    onRequest: (r) => {
      if (r.method === "GET" && ++gets === 1) seed(emulator!, 1, 900);
    },
  }, async (h) => {
    emulator = h.emulator;
    seed(h.emulator, 250);
    const listed = await h.client.listInstances({ namespace: "ns", service: "web" });
    assert.equal(listed.length, 251);
    assert.equal(new Set(listed.map((i) => i.id)).size, 251);
    // Pass 1 stops at page 2 (total 250 → 251); pass 2 reads 3 pages.
    assert.equal(h.emulator.requests()["GET /naming/v1/instances"], 2 + 3);
  });
});

Deno.test("PolarisClient with pageConcurrency reads the same list with the same requests", async () => {
  let emulator: PolarisEmulator | undefined;
  let gets = 0;
  await withEmulator({
    pageConcurrency: 4,
    onRequest: (r) => {
      if (r.method === "GET" && ++gets === 12) seed(emulator!, 1, 2000);
    },
  }, async (h) => {
    emulator = h.emulator;
    seed(h.emulator, 1050);
    const first = await h.client.listInstances({ namespace: "ns", service: "web" });
    assert.equal(new Set(first.map((i) => i.id)).size, 1050);
    assert.equal(h.emulator.requests()["GET /naming/v1/instances"], 11);
    // The second list's first page (request 12) lets a row in: its other pages see 1,051 rows,
    // so the pass stops with the 4 pages in flight, and it starts over and reads 11 pages again.
    const second = await h.client.listInstances({ namespace: "ns", service: "web" });
    assert.equal(new Set(second.map((i) => i.id)).size, 1051);
    assert.equal(h.emulator.requests()["GET /naming/v1/instances"], 11 + (1 + 4) + 11);
  });
});

Deno.test("PolarisClient restarts a list when an edit reorders rows while paging", async () => {
  // Lists sort by mtime, newest first (reference §5). A console edit between two pages moves a
  // page-2 row to page 1: page 2 then repeats a row and the edited one would be missed, while
  // the total stays 150.
  let clock = Date.parse("2025-01-01T00:00:00Z");
  let emulator: PolarisEmulator | undefined;
  let gets = 0;
  await withEmulator({
    onRequest: (r) => {
      if (r.method !== "GET" || ++gets !== 1) return;
      clock += 2000;
      const ids = emulator!.state.instances().map((i) => i.id).sort();
      assert.ok(emulator!.updateInstanceDirect({ id: ids[0] }, { weight: 1 }));
    },
  }, async (h) => {
    emulator = h.emulator;
    seed(h.emulator, 150);
    const listed = await h.client.listInstances({ namespace: "ns", service: "web" });
    assert.equal(listed.length, 150);
    assert.equal(new Set(listed.map((i) => i.id)).size, 150);
    assert.equal(listed.filter((i) => i.weight === 1).length, 1);
    assert.equal(h.emulator.requests()["GET /naming/v1/instances"], 4, "one restart");
  }, { now: () => clock });
});

Deno.test("PolarisClient rejects instead of returning a partial list when data never stops changing", async () => {
  let emulator: PolarisEmulator | undefined;
  let added = 0;
  await withEmulator({ pagingRestarts: 2 }, async (h) => {
    emulator = h.emulator;
    seed(h.emulator, 150);
    const client = new PolarisClient({
      baseUrl: h.emulator.url,
      pagingRestarts: 2,
      onRequest: (r) => {
        if (r.method === "GET") seed(emulator!, 1, 1000 + added++);
      },
    });
    await assert.rejects(client.listInstances({ namespace: "ns" }), (error) => {
      assert.ok(error instanceof PolarisRequestError);
      assert.equal(error.retryable, true);
      assert.match(error.message, /Cannot list instances/);
      return true;
    });
  });
});

Deno.test("PolarisClient.listOwnedServices() names each owned service once, across pages read together", async () => {
  await withEmulator({ pageConcurrency: 4 }, async ({ emulator, client }) => {
    emulator.seedInstances(Array.from({ length: 1050 }, (_, i) => ({
      namespace: `ns-${i % 3}`,
      service: `svc-${i % 21}`,
      host: `10.3.${Math.floor(i / 250)}.${i % 250}`,
      port: 80,
      metadata: { clusterName: "a", source: "polaris-controller" },
    })));
    emulator.seedInstances([
      { namespace: "ns-0", service: "theirs", host: "10.4.0.1", port: 80, metadata: { app: "vm" } },
      {
        namespace: "ns-0",
        service: "other-cluster",
        host: "10.4.0.2",
        port: 80,
        metadata: { clusterName: "b", source: "polaris-controller" },
      },
    ]);
    const services = await client.listOwnedServices({
      clusterName: "a",
      source: "polaris-controller",
    });
    const expected = Array.from({ length: 21 }, (_, s) => `ns-${s % 3}/svc-${s}`).sort();
    assert.deepEqual(services.map((s) => `${s.namespace}/${s.service}`).sort(), expected);
    assert.equal(emulator.requests()["GET /naming/v1/instances"], 11);
  });
});

Deno.test("PolarisClient.listOwnedServices() rejects when a page fails after its retries", async () => {
  let emulator: PolarisEmulator | undefined;
  let gets = 0;
  await withEmulator({
    pageConcurrency: 2,
    maxRetries: 1,
    // Page 1 answers; every later GET gets 500000.
    onRequest: (r) => {
      if (r.method !== "GET" || ++gets !== 1) return;
      emulator!.injectFault({
        kind: "status",
        code: 500000,
        match: { method: "GET", path: INSTANCES },
      });
    },
  }, async (h) => {
    emulator = h.emulator;
    seed(h.emulator, 450);
    await assert.rejects(
      h.client.listOwnedServices({ clusterName: "a", source: "polaris-controller" }),
      PolarisRequestError,
    );
    // Page 1, then two pages tried twice each; the other pages are not asked for.
    assert.equal(h.emulator.requests()["GET /naming/v1/instances"], 5);
  });
});

Deno.test("PolarisClient.listOwnedServices() reads again when a delete moves the list under it", async () => {
  let emulator: PolarisEmulator | undefined;
  let gets = 0;
  await withEmulator({
    pageConcurrency: 1,
    onRequest: (r) => {
      // After page 1 of the first pass, one owned instance on page 1 is deleted: every later
      // row moves up one place, so the row at offset 100 would never be seen by this pass.
      if (r.method === "GET" && ++gets === 1) {
        const [gone] = emulator!.state.instances({ namespace: "ns", service: "web" });
        emulator!.deleteInstanceDirect({ id: gone.id });
      }
    },
  }, async (h) => {
    emulator = h.emulator;
    seed(h.emulator, 150);
    h.emulator.seedInstances([{
      namespace: "ns",
      service: "last",
      host: "10.0.9.9",
      port: 80,
      metadata: { clusterName: "a", source: "polaris-controller" },
    }]);
    const services = await h.client.listOwnedServices({
      clusterName: "a",
      source: "polaris-controller",
    });
    assert.deepEqual(services.map((s) => s.service).sort(), ["last", "web"]);
    assert.equal(h.emulator.requests()["GET /naming/v1/instances"], 2 + 2, "a second pass");
  });
});

Deno.test("PolarisClient.listOwnedServices() rejects as retryable when the list never holds still", async () => {
  let emulator: PolarisEmulator | undefined;
  let gets = 0;
  await withEmulator({
    pageConcurrency: 2,
    onRequest: (r) => {
      if (r.method === "GET") seed(emulator!, 1, 1000 + gets++);
    },
  }, async (h) => {
    emulator = h.emulator;
    seed(h.emulator, 250);
    await assert.rejects(
      h.client.listOwnedServices({ clusterName: "a", source: "polaris-controller" }),
      (error) => error instanceof PolarisRequestError && error.retryable,
    );
  });
});
