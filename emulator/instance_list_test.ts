import assert from "node:assert/strict";
import { at, call, listed, withEmulator } from "./_testing.ts";
import { deleteInstanceDirect, seedInstances, updateInstanceDirect } from "./direct.ts";
import { listInstances } from "./instance_list.ts";
import type { PolarisEmulator } from "./mod.ts";
import type { JsonObject } from "./render.ts";
import { type InstanceRecord, PolarisStore } from "./store.ts";

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

/** Answers of `listInstances()` called directly on a store, ids only. */
function idsOf(store: PolarisStore, query: string): { amount: number; ids: string[] } {
  const body = listInstances(store, new Map(new URLSearchParams(query)));
  const instances = body.instances as Array<{ id: string }>;
  return { amount: body.amount as number, ids: instances.map((i) => i.id) };
}

/** Every page of a query, 100 rows at a time, as a client reads it. */
function allPages(store: PolarisStore, filter: string): { amount: number; ids: string[] } {
  const ids: string[] = [];
  let amount = 0;
  for (let offset = 0; offset === 0 || offset < amount; offset += 100) {
    const page = idsOf(store, `${filter}&offset=${offset}&limit=100`);
    amount = page.amount;
    ids.push(...page.ids);
  }
  return { amount, ids };
}

/** What a full scan gives: every stored instance that passes `keep`, newest first, id descending. */
function scanned(store: PolarisStore, keep: (r: InstanceRecord) => boolean): string[] {
  return [...store.instances.values()].filter(keep)
    .sort((a, b) => b.seq - a.seq || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((r) => r.id);
}

const OWNED_META: Record<string, string> = { clusterName: "c1", source: "ctl" };
const OTHER_META: Record<string, string> = { clusterName: "c2" };

/** 3 namespaces × 4 services × 30 instances in 12 writes; odd services owned by cluster c1. */
function seedMixed(store: PolarisStore): void {
  for (const namespace of ["prod", "prod-2", "dev"]) {
    for (let s = 0; s < 4; s++) {
      seedInstances(
        store,
        Array.from({ length: 30 }, (_, i) => ({
          namespace,
          service: `svc-${s}`,
          host: `10.0.${s}.${i}`,
          port: 80,
          metadata: s % 2 === 1 ? OWNED_META : OTHER_META,
        })),
      );
    }
  }
}

const owned = (r: InstanceRecord) => r.metadata.clusterName === "c1" && r.metadata.source === "ctl";

Deno.test("listInstances() answers exact, wildcard and owned queries as a full scan would", () => {
  const store = new PolarisStore({ now: () => 0 });
  seedMixed(store);
  // Writes that leave the stored order unlike the list order: an edit, and a record stored with
  // an older seq than the instances written before it.
  updateInstanceDirect(store, { namespace: "prod", service: "svc-0", host: "10.0.0.7", port: 80 }, {
    weight: 7,
  });
  const [old] = store.instancesOf("dev", "svc-2");
  store.removeInstance(old.id);
  store.putInstance({ ...old, seq: 1 });
  const rows: Array<[string, (r: InstanceRecord) => boolean]> = [
    ["namespace=prod", (r) => r.namespace === "prod"],
    ["namespace=prod&service=svc-1", (r) => r.namespace === "prod" && r.service === "svc-1"],
    ["namespace=prod&service=svc*", (r) => r.namespace === "prod"],
    ["namespace=*", () => true],
    ["namespace=prod*", (r) => r.namespace.startsWith("prod")],
    ["namespace=*-2&service=svc-3", (r) => r.namespace === "prod-2" && r.service === "svc-3"],
    ["namespace=missing", () => false],
    ["keys=clusterName,source&values=c1,ctl", owned],
    ["namespace=dev&keys=clusterName&values=c2", (r) => r.namespace === "dev" && !owned(r)],
  ];
  for (const [filter, keep] of rows) {
    const expected = scanned(store, keep);
    const got = allPages(store, filter);
    assert.equal(got.amount, expected.length, filter);
    assert.deepEqual(got.ids, expected, filter);
    // Asked again (now from the kept matches) the answer is the same.
    assert.deepEqual(allPages(store, filter).ids, expected, filter);
  }
});

Deno.test("listInstances() pages of one query see a write made between two pages", () => {
  const store = new PolarisStore({ now: () => 0 });
  seedMixed(store);
  for (
    const [filter, keep] of [
      ["namespace=prod", (r: InstanceRecord) => r.namespace === "prod"],
      ["keys=clusterName,source&values=c1,ctl", owned],
    ] as const
  ) {
    const before = scanned(store, keep);
    const first = idsOf(store, `${filter}&offset=0&limit=100`);
    assert.deepEqual(first.ids, before.slice(0, 100), filter);
    // A new instance: amount grows and the second page shifts by one.
    const [added] = seedInstances(store, [{
      namespace: "prod",
      service: "svc-1",
      host: `10.9.9.${before.length}`,
      port: 80,
      metadata: { clusterName: "c1", source: "ctl" },
    }]);
    const second = idsOf(store, `${filter}&offset=100&limit=100`);
    assert.equal(second.amount, before.length + 1, filter);
    assert.deepEqual(second.ids, [before[99], ...before.slice(100, 199)], filter);
    // An edit of the oldest match moves it to the front.
    const oldest = before[before.length - 1];
    updateInstanceDirect(store, { id: oldest }, { weight: 3 });
    const edited = idsOf(store, `${filter}&offset=0&limit=2`);
    assert.deepEqual(edited.ids, [oldest, added], filter);
    const weights = listInstances(store, new Map([["id", oldest]])).instances as JsonObject[];
    assert.equal(weights[0].weight, 3, filter);
    // A delete: amount shrinks and the first page closes up.
    assert.equal(deleteInstanceDirect(store, { id: added }), true);
    const after = idsOf(store, `${filter}&offset=0&limit=3`);
    assert.equal(after.amount, before.length, filter);
    assert.deepEqual(after.ids, [oldest, before[0], before[1]], filter);
    assert.deepEqual(allPages(store, filter).ids, scanned(store, keep), filter);
  }
});

Deno.test("listInstances() finds a namespace's new instances after the namespace was deleted", async () => {
  await withEmulator({}, async (emulator) => {
    const instance = (host: string) => ({ namespace: "gone", service: "web", host, port: 80 });
    const created = await call(emulator, "POST", PATH, [
      instance("10.0.0.1"),
      instance("10.0.0.2"),
    ]);
    assert.equal(at(created.body, "code"), 200000);
    assert.equal(at((await list(emulator, "namespace=gone")).body, "amount"), 2);
    const deleted = await call(emulator, "POST", `${PATH}/delete`, [
      instance("10.0.0.1"),
      instance("10.0.0.2"),
    ]);
    assert.equal(at(deleted.body, "code"), 200000);
    assert.equal(at((await list(emulator, "namespace=gone")).body, "amount"), 0);
    const services = await call(emulator, "POST", "/naming/v1/services/delete", [
      { namespace: "gone", name: "web" },
    ]);
    assert.equal(at(services.body, "code"), 200000);
    const namespaces = await call(emulator, "POST", "/naming/v1/namespaces/delete", [
      { name: "gone" },
    ]);
    assert.equal(at(namespaces.body, "code"), 200000);
    assert.deepEqual(emulator.state.namespaces().filter((n) => n.name === "gone"), []);
    await call(emulator, "POST", PATH, [instance("10.0.0.3")]);
    assert.deepEqual(hosts(await list(emulator, "namespace=gone")), ["gone/web/10.0.0.3:80"]);
  });
});

Deno.test("listInstances() filters a namespace or owned query once for all its pages", () => {
  const store = new PolarisStore({ now: () => 0 });
  seedMixed(store);
  // White-box: an edit that skips touch() (which no writer does) is seen only by a fresh scan, so
  // it tells a kept answer from a recomputed one.
  const hide = (namespace: string, service: string) => {
    const [r] = store.instancesOf(namespace, service);
    r.metadata = {};
  };
  const amount = (query: string) => idsOf(store, query).amount;
  assert.equal(amount("namespace=prod&keys=clusterName&values=c2&offset=0"), 60);
  assert.equal(amount("keys=clusterName,source&values=c1,ctl&offset=0"), 180);
  hide("prod", "svc-0");
  hide("dev", "svc-1");
  assert.equal(amount("namespace=prod&keys=clusterName&values=c2&offset=100"), 60);
  assert.equal(amount("keys=clusterName,source&values=c1,ctl&offset=100"), 180);
  // One service's instances are listed afresh every time (cheap, and not worth a cache slot).
  assert.equal(amount("namespace=prod&service=svc-2&keys=clusterName&values=c2"), 30);
  hide("prod", "svc-2");
  assert.equal(amount("namespace=prod&service=svc-2&keys=clusterName&values=c2&offset=0"), 29);
  // Any write forgets the kept answers.
  store.tick();
  assert.equal(amount("namespace=prod&keys=clusterName&values=c2&offset=100"), 58);
  assert.equal(amount("keys=clusterName,source&values=c1,ctl&offset=100"), 179);
});
