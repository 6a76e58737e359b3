import assert from "node:assert/strict";
import { at, call, listed, withEmulator } from "./_testing.ts";
import type { PolarisEmulator } from "./mod.ts";

const PATH = "/naming/v1/instances";

async function list(emulator: PolarisEmulator, query: string) {
  return await call(emulator, "GET", `${PATH}?${query}`);
}

function hosts(answer: Awaited<ReturnType<typeof list>>): string[] {
  return listed(answer, "instances").map((i) => `${i.namespace}/${i.service}/${i.host}:${i.port}`);
}

function seed(emulator: PolarisEmulator): void {
  emulator.seedInstances([
    {
      namespace: "prod",
      service: "web-a",
      host: "10.0.0.1",
      port: 80,
      metadata: { clusterName: "c1", version: "v1" },
    },
    {
      namespace: "prod",
      service: "web-b",
      host: "10.0.0.2",
      port: 80,
      metadata: { clusterName: "c2" },
    },
    {
      namespace: "dev",
      service: "api",
      host: "10.0.0.3",
      port: 81,
      metadata: { clusterName: "c1", zone: "z" },
      isolate: true,
    },
  ]);
}

Deno.test("listInstances() rejects empty queries, unknown keys, empty values and bad paging", async () => {
  await withEmulator({}, async (emulator) => {
    const rows: Array<[string, number]> = [
      ["", 400104],
      ["service=a&lang=en", 400103],
      ["show_last_heartbeat=true", 400103],
      ["service=", 400103],
      ["keys=a", 400105],
      ["keys=a,b&values=1", 400105],
      ["values=1", 400105],
      ["service=a&offset=-1", 400103],
      ["service=a&limit=x", 400103],
    ];
    for (const [query, code] of rows) {
      const res = await list(emulator, query);
      assert.equal(at(res.body, "code"), code, query);
      assert.equal(res.status, 400, query);
    }
  });
});

Deno.test("listInstances() filters by metadata keys/values pairs, seeing hidden keys", async () => {
  await withEmulator({}, async (emulator) => {
    seed(emulator);
    assert.deepEqual(hosts(await list(emulator, "keys=clusterName&values=c1")).sort(), [
      "dev/api/10.0.0.3:81",
      "prod/web-a/10.0.0.1:80",
    ]);
    assert.deepEqual(hosts(await list(emulator, "keys=clusterName,version&values=c1,v1")), [
      "prod/web-a/10.0.0.1:80",
    ]);
    assert.deepEqual(hosts(await list(emulator, "keys=clusterName&keys=zone&values=c1,z")), [
      "dev/api/10.0.0.3:81",
    ]);
    const res = await list(emulator, "keys=version&values=v1");
    assert.deepEqual(at(res.body, "instances", 0, "metadata"), { clusterName: "c1" });
  });
});

Deno.test("listInstances() applies * wildcards to namespace, service and id", async () => {
  await withEmulator({}, async (emulator) => {
    seed(emulator);
    assert.equal(hosts(await list(emulator, "namespace=*&service=*")).length, 3);
    assert.deepEqual(hosts(await list(emulator, "service=web*")).sort(), [
      "prod/web-a/10.0.0.1:80",
      "prod/web-b/10.0.0.2:80",
    ]);
    assert.deepEqual(hosts(await list(emulator, "service=*-b")), ["prod/web-b/10.0.0.2:80"]);
    assert.deepEqual(hosts(await list(emulator, "namespace=*e*&service=api")), [
      "dev/api/10.0.0.3:81",
    ]);
    assert.deepEqual(hosts(await list(emulator, "service=w*b")), []);
    const [id] = emulator.state.instances({ host: "10.0.0.3" }).map((i) => i.id);
    assert.deepEqual(hosts(await list(emulator, `id=${id.slice(0, 6)}*`)), ["dev/api/10.0.0.3:81"]);
  });
});

Deno.test("listInstances() filters by host list, port, isolate and drops unparsable values", async () => {
  await withEmulator({}, async (emulator) => {
    seed(emulator);
    assert.equal(hosts(await list(emulator, "host=10.0.0.1,10.0.0.3")).length, 2);
    assert.deepEqual(hosts(await list(emulator, "namespace=*&port=81")), ["dev/api/10.0.0.3:81"]);
    assert.deepEqual(hosts(await list(emulator, "namespace=*&isolate=true")), [
      "dev/api/10.0.0.3:81",
    ]);
    assert.equal(hosts(await list(emulator, "namespace=*&port=abc")).length, 3);
    assert.equal(hosts(await list(emulator, "namespace=*&healthy=maybe")).length, 3);
    assert.equal(hosts(await list(emulator, "namespace=*&logic_set=x&priority=1")).length, 3);
  });
});

Deno.test("listInstances() pages with amount and size, newest first then id descending", async () => {
  await withEmulator({}, async (emulator) => {
    const batch = Array.from({ length: 150 }, (_, i) => ({
      namespace: "default",
      service: "big",
      host: `10.1.${Math.floor(i / 256)}.${i % 256}`,
      port: 80,
    }));
    emulator.seedInstances(batch.slice(0, 120));
    emulator.seedInstances(batch.slice(120));
    const first = await list(emulator, "service=big&namespace=default&limit=500");
    assert.equal(at(first.body, "amount"), 150);
    assert.equal(at(first.body, "size"), 100);
    const newest = new Set(batch.slice(120).map((b) => b.host));
    const firstHosts = listed(first, "instances").map((i) => String(i.host));
    assert.ok(firstHosts.slice(0, 30).every((h) => newest.has(h)));
    const ids = listed(first, "instances").map((i) => String(i.id));
    assert.deepEqual(ids.slice(0, 30), [...ids.slice(0, 30)].sort().reverse());
    assert.deepEqual(ids.slice(30), [...ids.slice(30)].sort().reverse());
    const second = await list(emulator, "service=big&namespace=default&offset=100");
    assert.equal(at(second.body, "size"), 50);
    const all = new Set([...ids, ...listed(second, "instances").map((i) => String(i.id))]);
    assert.equal(all.size, 150);
    const none = await list(emulator, "service=big&offset=150");
    assert.equal(at(none.body, "size"), 0);
    assert.equal(at(none.body, "amount"), 150);
  });
});

Deno.test("listInstances() renders the jsonpb shape with service_token and time strings", async () => {
  await withEmulator({ now: () => Date.UTC(2024, 5, 1, 12, 30, 5) }, async (emulator) => {
    seed(emulator);
    const res = await list(emulator, "service=api");
    const [instance] = listed(res, "instances");
    assert.deepEqual(Object.keys(instance).sort(), [
      "ctime",
      "enableHealthCheck",
      "healthCheck",
      "healthy",
      "host",
      "id",
      "isolate",
      "location",
      "logic_set",
      "metadata",
      "mtime",
      "namespace",
      "port",
      "priority",
      "protocol",
      "revision",
      "service",
      "service_token",
      "version",
      "vpc_id",
      "weight",
    ]);
    assert.equal(instance.mtime, "2024-06-01 12:30:05");
    assert.equal(
      instance.service_token,
      emulator.state.services().find((s) => s.name === "api")?.token,
    );
    assert.equal(at(res.body, "summary"), null);
    assert.deepEqual(at(res.body, "services"), []);
  });
});
