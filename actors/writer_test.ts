import assert from "node:assert/strict";
import type { InstanceWriteItem, PolarisApi, WriteItemResult } from "./polaris_api.ts";
import { Writer } from "./writer.ts";

/** Records batch calls; answers each item by a rule. Only the write methods are used here. */
function recordingApi(answer: (item: InstanceWriteItem) => WriteItemResult = () => ({
  ok: true,
  code: 200000,
})) {
  const calls: Array<{ kind: string; items: readonly InstanceWriteItem[] }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const call = (kind: string) => async (items: readonly InstanceWriteItem[]) => {
    calls.push({ kind, items });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    return items.map(answer);
  };
  const api = {
    createInstances: call("create"),
    updateInstances: call("update"),
    deleteInstances: call("delete"),
    createNamespaces: call("createNamespace"),
    createServices: call("createService"),
  } as unknown as PolarisApi;
  return { api, calls, maxInFlight: () => maxInFlight };
}

function instance(service: string, i: number): InstanceWriteItem {
  return { namespace: "ns", service, host: `10.0.${Math.floor(i / 250)}.${i % 250}`, port: 80 };
}

Deno.test("Writer coalesces the creates of many services into batches of at most 100", async () => {
  const { api, calls } = recordingApi();
  const writer = new Writer({ api, batchSize: 100, concurrency: 2, lingerMs: 5, dryRun: false });
  const services = Array.from({ length: 30 }, (_, s) => `svc-${s}`);
  const results = await Promise.all(
    services.map((svc, s) =>
      writer.write("create", Array.from({ length: 10 }, (_, i) => instance(svc, s * 10 + i)))
    ),
  );
  assert.deepStrictEqual(results.flat().every((r) => r.ok), true);
  assert.deepStrictEqual(calls.map((c) => c.items.length), [100, 100, 100]);
  const servicesInFirst = new Set(calls[0].items.map((i) => i.service));
  assert.ok(servicesInFirst.size === 10, "one request carries instances of several services");
  await writer.stop();
});

Deno.test("Writer answers every caller item by item, in its own order", async () => {
  const { api } = recordingApi((item) =>
    item.host.endsWith(".3")
      ? { ok: false, code: 400150, retryable: false, message: "metadata" }
      : { ok: true, code: 200000 }
  );
  const writer = new Writer({ api, batchSize: 4, concurrency: 1, lingerMs: 1, dryRun: false });
  const a = writer.write("update", [instance("a", 1), instance("a", 3)]);
  const b = writer.write("update", [instance("b", 2), instance("b", 3), instance("b", 4)]);
  assert.deepStrictEqual((await a).map((r) => r.ok), [true, false]);
  assert.deepStrictEqual((await b).map((r) => r.ok), [true, false, true]);
  await writer.stop();
});

Deno.test("Writer never runs more requests at once than its concurrency", async () => {
  const { api, calls, maxInFlight } = recordingApi();
  const writer = new Writer({ api, batchSize: 10, concurrency: 3, lingerMs: 1, dryRun: false });
  await writer.write("delete", Array.from({ length: 200 }, (_, i) => instance("x", i)));
  assert.deepStrictEqual(calls.length, 20);
  assert.ok(maxInFlight() <= 3, `at most 3 in flight, saw ${maxInFlight()}`);
  await writer.stop();
});

Deno.test("Writer sends namespaces before services before instances", async () => {
  const { api, calls } = recordingApi();
  const writer = new Writer({ api, batchSize: 100, concurrency: 4, lingerMs: 2, dryRun: false });
  await Promise.all([
    writer.write("create", [instance("a", 1)]),
    writer.write("createService", [{ namespace: "ns", name: "a" }]),
    writer.write("createNamespace", [{ name: "ns" }]),
  ]);
  assert.deepStrictEqual(calls.map((c) => c.kind), ["createNamespace", "createService", "create"]);
  await writer.stop();
});

Deno.test("Writer sends nothing in dry-run mode and nothing through a closed gate", async () => {
  const { api, calls } = recordingApi();
  const dry = new Writer({ api, batchSize: 100, concurrency: 1, lingerMs: 1, dryRun: true });
  assert.deepStrictEqual((await dry.write("create", [instance("a", 1)]))[0].ok, true);
  await dry.stop();
  const follower = new Writer({
    api,
    batchSize: 100,
    concurrency: 1,
    lingerMs: 1,
    dryRun: false,
    gate: () => false,
  });
  const [result] = await follower.write("create", [instance("a", 1)]);
  assert.deepStrictEqual(result.ok, false);
  assert.deepStrictEqual(calls.length, 0);
  await follower.stop();
});

Deno.test("Writer.stop() answers queued items as retryable and waits for requests in flight", async () => {
  const { api, calls } = recordingApi();
  const writer = new Writer({ api, batchSize: 100, concurrency: 1, lingerMs: 50, dryRun: false });
  const pending = writer.write("create", [instance("a", 1)]);
  await writer.stop();
  const [result] = await pending;
  assert.deepStrictEqual(result.ok, false);
  assert.ok(!result.ok && result.retryable, "shutdown is retryable");
  assert.deepStrictEqual(calls.length, 0);
});

Deno.test("Writer sends alias writes at once, and applies --dry-run and the leader gate to them", async () => {
  const sent: string[] = [];
  const api = {
    createAlias: (a: { alias: string }) => {
      sent.push(`create ${a.alias}`);
      return Promise.resolve({ ok: true, code: 200000 });
    },
    updateAlias: (a: { alias: string }) => {
      sent.push(`update ${a.alias}`);
      return Promise.resolve({ ok: true, code: 200000 });
    },
    deleteAliases: (items: readonly { alias: string }[]) => {
      sent.push(`delete ${items.map((a) => a.alias).join(",")}`);
      return Promise.resolve(items.map(() => ({ ok: true, code: 200000 })));
    },
  } as unknown as PolarisApi;
  const item = { alias: "a1", aliasNamespace: "n", service: "s", namespace: "n" };
  let leading = true;
  const writer = new Writer({
    api,
    batchSize: 100,
    concurrency: 2,
    lingerMs: 50,
    dryRun: false,
    gate: () => leading,
  });
  assert.deepStrictEqual(
    (await writer.write("createAlias", [item, { ...item, alias: "a2" }])).length,
    2,
  );
  await writer.write("updateAlias", [item]);
  await writer.write("deleteAlias", [{ alias: "a1", aliasNamespace: "n" }, {
    alias: "a2",
    aliasNamespace: "n",
  }]);
  assert.deepStrictEqual(sent, ["create a1", "create a2", "update a1", "delete a1,a2"]);

  leading = false;
  const [refused] = await writer.write("createAlias", [item]);
  assert.deepStrictEqual([refused.ok, !refused.ok && refused.retryable], [false, true]);
  await writer.stop();

  const dry = new Writer({ api, batchSize: 100, concurrency: 2, lingerMs: 1, dryRun: true });
  const [planned] = await dry.write("deleteAlias", [{ alias: "a1", aliasNamespace: "n" }]);
  assert.deepStrictEqual(planned.ok, true);
  assert.deepStrictEqual(sent.length, 4, "a follower and a dry run send nothing");
  await dry.stop();
});
