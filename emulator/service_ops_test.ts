import assert from "node:assert/strict";
import { at, call, ins, itemCodes, listed, withEmulator } from "./_testing.ts";

const PATH = "/naming/v1/services";

Deno.test("createServices() answers id and token, and 400201 with the existing id", async () => {
  await withEmulator({}, async (emulator) => {
    const created = await call(emulator, "POST", PATH, [{ name: "web", namespace: "default" }]);
    assert.equal(at(created.body, "code"), 200000);
    const id = at(created.body, "responses", 0, "service", "id");
    assert.match(String(id), /^[0-9a-f]{32}$/);
    assert.ok(String(at(created.body, "responses", 0, "service", "token")).length > 0);
    const again = await call(emulator, "POST", PATH, [{ name: "web", namespace: "default" }]);
    assert.equal(again.status, 400);
    assert.equal(at(again.body, "code"), 400201);
    assert.equal(at(again.body, "responses", 0, "service", "id"), id);
    const mixed = await call(emulator, "POST", PATH, [
      { name: "web", namespace: "default" },
      { name: "api", namespace: "default" },
    ]);
    assert.equal(at(mixed.body, "code"), 400000);
    assert.deepEqual(itemCodes(mixed), [400201, 200000]);
  });
});

Deno.test("createServices() auto-creates the namespace unless told not to", async () => {
  await withEmulator({}, async (emulator) => {
    await call(emulator, "POST", PATH, [{ name: "web", namespace: "fresh" }]);
    assert.ok(emulator.state.namespaces().some((n) => n.name === "fresh"));
  });
  await withEmulator({ autoCreateNamespace: false }, async (emulator) => {
    const res = await call(emulator, "POST", PATH, [{ name: "web", namespace: "fresh" }]);
    assert.equal(at(res.body, "code"), 400305);
  });
});

Deno.test("createServices() whole-batch mode answers null entries for the items that passed", async () => {
  await withEmulator({}, async (emulator) => {
    const res = await call(emulator, "POST", PATH, [
      { name: "ok", namespace: "default" },
      { name: "bad name", namespace: "default" },
      { name: "ok2", namespace: "bad ns" },
    ]);
    assert.equal(at(res.body, "code"), 400120);
    assert.deepEqual(itemCodes(res), [null, 400120, 400110]);
    assert.equal(at(res.body, "responses", 0, "service"), null);
    assert.equal(emulator.state.services().length, 0);
  });
  await withEmulator({ validation: "per-item" }, async (emulator) => {
    const res = await call(emulator, "POST", PATH, [
      { name: "ok", namespace: "default" },
      { name: "bad name", namespace: "default" },
    ]);
    assert.deepEqual(itemCodes(res), [200000, 400120]);
    assert.equal(at(res.body, "code"), 400000);
  });
});

Deno.test("updateServices() replaces metadata wholesale and answers 200002, 400202, 400501", async () => {
  await withEmulator({}, async (emulator) => {
    await call(emulator, "POST", PATH, [{
      name: "web",
      namespace: "default",
      metadata: { a: "1" },
      ports: "80",
    }]);
    const changed = await call(emulator, "PUT", PATH, [{
      name: "web",
      namespace: "default",
      metadata: { b: "2" },
    }]);
    assert.equal(at(changed.body, "code"), 200000);
    const [svc] = emulator.state.services();
    assert.deepEqual(svc.metadata, { b: "2" });
    assert.equal(svc.ports, "80");
    const same = await call(emulator, "PUT", PATH, [{
      name: "web",
      namespace: "default",
      ports: "80",
    }]);
    assert.equal(at(same.body, "code"), 200002);
    const missing = await call(emulator, "PUT", PATH, [{ name: "nope", namespace: "default" }]);
    assert.equal(at(missing.body, "code"), 400202);
    emulator.seedAliases([{
      alias: "al",
      aliasNamespace: "default",
      service: "web",
      namespace: "default",
    }]);
    const alias = await call(emulator, "PUT", PATH, [{
      name: "al",
      namespace: "default",
      comment: "x",
    }]);
    assert.equal(at(alias.body, "code"), 400501);
  });
});

Deno.test("deleteServices() is idempotent and guarded by instances (400204) and aliases (400210)", async () => {
  await withEmulator({}, async (emulator) => {
    const missing = await call(emulator, "POST", `${PATH}/delete`, [{
      name: "ghost",
      namespace: "default",
    }]);
    assert.equal(at(missing.body, "code"), 200000);
    await call(emulator, "POST", "/naming/v1/instances", [ins("h", 1)]);
    const withInstances = await call(emulator, "POST", `${PATH}/delete`, [{
      name: "my-svc",
      namespace: "default",
    }]);
    assert.equal(at(withInstances.body, "code"), 400204);
    await call(emulator, "POST", "/naming/v1/instances/delete", [ins("h", 1)]);
    emulator.seedAliases([{
      alias: "al",
      aliasNamespace: "default",
      service: "my-svc",
      namespace: "default",
    }]);
    const withAlias = await call(emulator, "POST", `${PATH}/delete`, [{
      name: "my-svc",
      namespace: "default",
    }]);
    assert.equal(at(withAlias.body, "code"), 400210);
    await call(emulator, "POST", "/naming/v1/service/aliases/delete", [{
      alias: "al",
      alias_namespace: "default",
    }]);
    const done = await call(emulator, "POST", `${PATH}/delete`, [{
      name: "my-svc",
      namespace: "default",
    }]);
    assert.equal(at(done.body, "code"), 200000);
    assert.equal(emulator.state.services().length, 0);
  });
});

Deno.test("listServices() filters, counts instances, pages and hides aliases", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.seedServices([
      { namespace: "default", name: "web-a", metadata: { team: "x" } },
      { namespace: "default", name: "web-b" },
      { namespace: "other", name: "api" },
    ]);
    emulator.seedInstances([
      {
        namespace: "default",
        service: "web-a",
        host: "h1",
        port: 1,
        metadata: { clusterName: "c1" },
      },
      { namespace: "default", service: "web-a", host: "h2", port: 1, healthy: false },
    ]);
    emulator.seedAliases([{
      alias: "al",
      aliasNamespace: "default",
      service: "api",
      namespace: "other",
    }]);
    const names = async (query: string) =>
      listed(await call(emulator, "GET", `${PATH}?${query}`), "services").map((s) => s.name).sort();
    assert.deepEqual(await names(""), ["api", "web-a", "web-b"]);
    assert.deepEqual(await names("name=web*"), ["web-a", "web-b"]);
    assert.deepEqual(await names("namespace=other"), ["api"]);
    assert.deepEqual(await names("keys=team&values=x"), ["web-a"]);
    assert.deepEqual(await names("instance_keys=clusterName&instance_values=c1"), ["web-a"]);
    assert.deepEqual(await names("host=h2"), ["web-a"]);
    assert.deepEqual(await names("limit=0"), []);
    const one = await call(emulator, "GET", `${PATH}?name=web-a`);
    assert.equal(at(one.body, "services", 0, "total_instance_count"), 2);
    assert.equal(at(one.body, "services", 0, "healthy_instance_count"), 1);
    assert.equal(at(one.body, "services", 0, "cmdb_mod1"), "");
    const paged = await call(emulator, "GET", `${PATH}?limit=2`);
    assert.equal(at(paged.body, "amount"), 3);
    assert.equal(at(paged.body, "size"), 2);
    for (const bad of ["lang=en", "port=1", "name="]) {
      assert.equal(at((await call(emulator, "GET", `${PATH}?${bad}`)).body, "code"), 400103, bad);
    }
  });
});

Deno.test("listAllServices() lists every service unpaged with light fields", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.seedServices(
      Array.from({ length: 120 }, (_, i) => ({ namespace: "default", name: `s${i}` })),
    );
    emulator.seedServices([{ namespace: "other", name: "x", metadata: { a: "b" } }]);
    const all = await call(emulator, "GET", `${PATH}/all`);
    assert.equal(listed(all, "services").length, 121);
    const other = await call(emulator, "GET", `${PATH}/all?namespace=other`);
    const [svc] = listed(other, "services");
    assert.deepEqual(svc.metadata, { a: "b" });
    assert.equal(svc.id, null);
    assert.equal(svc.total_instance_count, 0);
  });
});
