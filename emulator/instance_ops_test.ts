import assert from "node:assert/strict";
import { at, call, ins, itemCodes, withEmulator } from "./_testing.ts";
import { instanceId } from "./validate.ts";

const PATH = "/naming/v1/instances";

Deno.test("createInstances() answers the sha1 id and auto-creates namespace and service", async () => {
  await withEmulator({}, async (emulator) => {
    const res = await call(emulator, "POST", PATH, [ins("10.0.0.1", 8080)]);
    assert.equal(res.status, 200);
    assert.equal(at(res.body, "code"), 200000);
    assert.equal(at(res.body, "size"), 1);
    const instance = at(res.body, "responses", 0, "instance");
    assert.equal(at(instance, "id"), "e6db698ae67b11fddfdd8d0dace2975543f1deb0");
    assert.equal(at(instance, "host"), "10.0.0.1");
    assert.equal(at(instance, "port"), 8080);
    assert.equal(at(instance, "weight"), null);
    const other = await call(emulator, "POST", PATH, [{ ...ins("h", 1), namespace: "fresh" }]);
    assert.equal(at(other.body, "code"), 200000);
    assert.ok(emulator.state.namespaces().some((n) => n.name === "fresh"));
    assert.deepEqual(
      emulator.state.services().map((s) => `${s.namespace}/${s.name}`),
      ["default/my-svc", "fresh/my-svc"],
    );
    assert.equal(emulator.state.services()[0].owners, "Polaris");
  });
});

Deno.test("createInstances() computes the id with vpc_id between service and host", async () => {
  await withEmulator({}, async (emulator) => {
    const res = await call(emulator, "POST", PATH, [ins("10.0.0.1", 8080, { vpc_id: "vpc-1" })]);
    const expected = instanceId("default", "my-svc", "10.0.0.1", 8080, "vpc-1");
    assert.equal(at(res.body, "responses", 0, "instance", "id"), expected);
    assert.equal(at(res.body, "responses", 0, "instance", "vpc_id"), "vpc-1");
    assert.equal(emulator.state.instances()[0].vpcId, "vpc-1");
  });
});

Deno.test("createInstances() upserts, keeping the stored isolate only when omitted", async () => {
  await withEmulator({}, async (emulator) => {
    await call(emulator, "POST", PATH, [
      ins("h", 1, { isolate: true, weight: 7, metadata: { a: "1" }, healthy: false }),
    ]);
    const again = await call(emulator, "POST", PATH, [ins("h", 1, { protocol: "http/TCP" })]);
    assert.equal(at(again.body, "code"), 200000);
    let [stored] = emulator.state.instances();
    assert.equal(stored.isolate, true);
    assert.equal(stored.weight, 100);
    assert.equal(stored.healthy, true);
    assert.deepEqual(stored.metadata, {});
    assert.equal(stored.protocol, "http/TCP");
    await call(emulator, "POST", PATH, [ins("h", 1, { isolate: false })]);
    [stored] = emulator.state.instances();
    assert.equal(stored.isolate, false);
    assert.equal(emulator.state.instances().length, 1);
  });
});

Deno.test("createInstances() accepts proto and JSON field names and clamps the ttl", async () => {
  await withEmulator({}, async (emulator) => {
    await call(emulator, "POST", PATH, [
      ins("a", 1, {
        enable_health_check: true,
        health_check: { type: "HEARTBEAT", heartbeat: { ttl: 0 } },
      }),
      ins("b", 1, { enableHealthCheck: true, healthCheck: { type: 1, heartbeat: { ttl: 10 } } }),
      ins("c", 1, { enableHealthCheck: false, healthCheck: { type: 1, heartbeat: { ttl: 10 } } }),
    ]);
    const list = await call(emulator, "GET", `${PATH}?service=my-svc&host=a,b,c`);
    const byHost = Object.fromEntries(
      (at(list.body, "instances") as Array<Record<string, unknown>>).map((i) => [i.host, i]),
    );
    assert.deepEqual(byHost.a.healthCheck, { type: "HEARTBEAT", heartbeat: { ttl: 5 } });
    assert.equal(byHost.a.enableHealthCheck, true);
    assert.deepEqual(byHost.b.healthCheck, { type: "HEARTBEAT", heartbeat: { ttl: 10 } });
    assert.equal(byHost.c.healthCheck, null);
    assert.equal(byHost.c.enableHealthCheck, false);
  });
});

Deno.test("createInstances() rejects unknown keys and non-string metadata with 400001", async () => {
  await withEmulator({}, async (emulator) => {
    const unknown = await call(emulator, "POST", PATH, [
      ins("h", 1),
      ins("g", 1, { hostname: "x" }),
    ]);
    assert.equal(unknown.status, 400);
    assert.equal(at(unknown.body, "code"), 400001);
    assert.match(String(at(unknown.body, "info")), /unknown field "hostname" in v1.Instance/);
    const numeric = await call(emulator, "POST", PATH, [ins("h", 1, { metadata: { a: 1 } })]);
    assert.equal(at(numeric.body, "code"), 400001);
    assert.equal(emulator.state.instances().length, 0);
  });
});

Deno.test("createInstances() batch sizes: 400002 for empty, 400003 over 100, 400001 for an object", async () => {
  await withEmulator({}, async (emulator) => {
    const items = Array.from({ length: 101 }, (_, i) => ins("h", i));
    assert.equal(at((await call(emulator, "POST", PATH, items)).body, "code"), 400003);
    assert.equal(
      at((await call(emulator, "POST", PATH, items.slice(0, 100))).body, "code"),
      200000,
    );
    for (const empty of ["[]", "{}", "null", "5"]) {
      assert.equal(at((await call(emulator, "POST", PATH, empty)).body, "code"), 400002, empty);
    }
    const object = await call(emulator, "POST", PATH, ins("h", 1));
    assert.equal(at(object.body, "code"), 400001);
  });
});

Deno.test("createInstances() whole-batch mode rejects the batch, listing only failing items", async () => {
  await withEmulator({}, async (emulator) => {
    const res = await call(emulator, "POST", PATH, [
      ins("good", 1),
      ins("bad", 1, { service: "bad name" }),
      { namespace: "default", service: "my-svc", host: "noport" },
    ]);
    assert.equal(res.status, 400);
    assert.equal(at(res.body, "code"), 400132);
    assert.deepEqual(itemCodes(res), [400120, 400132]);
    assert.equal(at(res.body, "responses", 0, "instance", "host"), "bad");
    assert.equal(emulator.state.instances().length, 0);
  });
});

Deno.test("createInstances() per-item mode writes the good items and answers 400000", async () => {
  await withEmulator({ validation: "per-item" }, async (emulator) => {
    const res = await call(emulator, "POST", PATH, [
      ins("good", 1),
      ins("bad", 1, { service: "bad name" }),
      { namespace: "default", service: "my-svc", host: "noport" },
    ]);
    assert.equal(res.status, 400);
    assert.equal(at(res.body, "code"), 400000);
    assert.deepEqual(itemCodes(res), [200000, 400120, 400132]);
    assert.deepEqual(emulator.state.instances().map((i) => i.host), ["good"]);
  });
});

Deno.test("createInstances() checks weight, port and metadata limits", async () => {
  await withEmulator({ validation: "per-item" }, async (emulator) => {
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));
    const res = await call(emulator, "POST", PATH, [
      ins("a", 1, { weight: 65536 }),
      ins("b", 65536),
      ins("c", 1, { metadata: many }),
      ins("d", 1, { metadata: { k: "v".repeat(4097) } }),
      ins("e", 1, { metadata: { ["k".repeat(129)]: "v" } }),
      ins("f", 0, { weight: 0 }),
    ]);
    assert.deepEqual(itemCodes(res), [400103, 400132, 400150, 400150, 400150, 200000]);
  });
});

Deno.test("createInstances() gives the later copy of a duplicate id 400208", async () => {
  await withEmulator({}, async (emulator) => {
    const res = await call(emulator, "POST", PATH, [
      ins("h", 1, { weight: 1 }),
      ins("h", 1, { weight: 2 }),
    ]);
    assert.equal(at(res.body, "code"), 400000);
    assert.deepEqual(itemCodes(res), [200000, 400208]);
    assert.equal(emulator.state.instances()[0].weight, 1);
  });
});

Deno.test("createInstances() honours the autoCreate flags and refuses aliases", async () => {
  await withEmulator({ autoCreateService: false }, async (emulator) => {
    const res = await call(emulator, "POST", PATH, [ins("h", 1)]);
    assert.deepEqual(itemCodes(res), [400301]);
    assert.equal(at(res.body, "code"), 400301);
  });
  await withEmulator({ autoCreateNamespace: false }, async (emulator) => {
    const res = await call(emulator, "POST", PATH, [ins("h", 1), {
      ...ins("h", 1),
      namespace: "nope",
    }]);
    assert.deepEqual(itemCodes(res), [200000, 400305]);
  });
  await withEmulator({}, async (emulator) => {
    emulator.seedAliases([{
      alias: "al",
      aliasNamespace: "default",
      service: "src",
      namespace: "default",
    }]);
    const res = await call(emulator, "POST", PATH, [{ ...ins("h", 1), service: "al" }]);
    assert.deepEqual(itemCodes(res), [400000]);
  });
});

Deno.test("updateInstances() changes present fields only and answers 200002 when unchanged", async () => {
  await withEmulator({}, async (emulator) => {
    await call(emulator, "POST", PATH, [ins("h", 1, { weight: 5, metadata: { a: "1", b: "2" } })]);
    const id = instanceId("default", "my-svc", "h", 1);
    const byId = await call(emulator, "PUT", PATH, [{ id, metadata: { c: "3" } }]);
    assert.equal(at(byId.body, "code"), 200000);
    let [stored] = emulator.state.instances();
    assert.deepEqual(stored.metadata, { c: "3" });
    assert.equal(stored.weight, 5);
    const byTetrad = await call(emulator, "PUT", PATH, [ins("h", 1, { isolate: true })]);
    assert.equal(at(byTetrad.body, "code"), 200000);
    [stored] = emulator.state.instances();
    assert.equal(stored.isolate, true);
    assert.deepEqual(stored.metadata, { c: "3" });
    const same = await call(emulator, "PUT", PATH, [{ id, weight: 5, metadata: { c: "3" } }]);
    assert.equal(same.status, 200);
    assert.equal(at(same.body, "code"), 200002);
    const mixed = await call(emulator, "PUT", PATH, [{ id, weight: 6 }, { id, weight: 6 }]);
    assert.deepEqual(itemCodes(mixed), [200000, 200002]);
    assert.equal(at(mixed.body, "code"), 200000);
    const missing = await call(emulator, "PUT", PATH, [ins("nope", 1, { weight: 1 })]);
    assert.equal(at(missing.body, "code"), 400303);
  });
});

Deno.test("updateInstances() switches health checks as the server does", async () => {
  await withEmulator({}, async (emulator) => {
    await call(emulator, "POST", PATH, [ins("h", 1)]);
    await call(emulator, "PUT", PATH, [ins("h", 1, { health_check: { heartbeat: { ttl: 3 } } })]);
    let [stored] = emulator.state.instances();
    assert.equal(stored.enableHealthCheck, true);
    assert.equal(stored.healthy, false);
    assert.deepEqual(stored.healthCheck, { type: 1, ttl: 3 });
    await call(emulator, "PUT", PATH, [ins("h", 1, { enable_health_check: false })]);
    [stored] = emulator.state.instances();
    assert.equal(stored.enableHealthCheck, false);
    assert.equal(stored.healthCheck, null);
  });
});

Deno.test("deleteInstances() is idempotent and answers 400208 for a repeated id", async () => {
  await withEmulator({}, async (emulator) => {
    await call(emulator, "POST", PATH, [ins("a", 1), ins("b", 1)]);
    const id = instanceId("default", "my-svc", "a", 1);
    const res = await call(emulator, "POST", `${PATH}/delete`, [{ id }, ins("b", 1), ins("zz", 9)]);
    assert.equal(at(res.body, "code"), 200000);
    assert.deepEqual(itemCodes(res), [200000, 200000, 200000]);
    assert.equal(emulator.state.instances().length, 0);
    const dup = await call(emulator, "POST", `${PATH}/delete`, [{ id }, { id }]);
    assert.deepEqual(itemCodes(dup), [200000, 400208]);
    const bad = await call(emulator, "POST", `${PATH}/delete`, [{ service: "s", namespace: "n" }]);
    assert.equal(at(bad.body, "code"), 400131);
  });
});

Deno.test("deleteInstancesByHost() removes every port of the host", async () => {
  await withEmulator({}, async (emulator) => {
    await call(emulator, "POST", PATH, [ins("a", 1), ins("a", 2), ins("b", 1)]);
    const res = await call(emulator, "POST", `${PATH}/delete/host`, [
      { namespace: "default", service: "my-svc", host: "a" },
    ]);
    assert.equal(at(res.body, "code"), 200000);
    assert.deepEqual(emulator.state.instances().map((i) => `${i.host}:${i.port}`), ["b:1"]);
    const missing = await call(emulator, "POST", `${PATH}/delete/host`, [
      { namespace: "default", service: "ghost", host: "a" },
    ]);
    assert.equal(at(missing.body, "code"), 400301);
  });
});

Deno.test("countInstances() answers the number of stored instances in `amount`", async () => {
  await withEmulator({}, async (emulator) => {
    await call(emulator, "POST", PATH, [ins("a", 1), ins("b", 1)]);
    const res = await call(emulator, "GET", `${PATH}/count`);
    assert.equal(at(res.body, "code"), 200000);
    assert.equal(at(res.body, "amount"), 2);
  });
});
