import assert from "node:assert/strict";
import { at, call, itemCodes, listed, withEmulator } from "./_testing.ts";

const PATH = "/naming/v1/namespaces";

Deno.test("createNamespaces() answers 400201 (HTTP 400) for an existing namespace", async () => {
  await withEmulator({}, async (emulator) => {
    const created = await call(emulator, "POST", PATH, [{ name: "team-a", comment: "c" }]);
    assert.equal(at(created.body, "code"), 200000);
    assert.equal(at(created.body, "responses", 0, "namespace", "name"), "team-a");
    const existing = await call(emulator, "POST", PATH, [{ name: "default" }]);
    assert.equal(existing.status, 400);
    assert.equal(at(existing.body, "code"), 400201);
    // Namespace batches keep the highest failing code, not 400000.
    const mixed = await call(emulator, "POST", PATH, [{ name: "team-b" }, { name: "team-a" }]);
    assert.deepEqual(itemCodes(mixed), [200000, 400201]);
    assert.equal(at(mixed.body, "code"), 400201);
    const invalid = await call(emulator, "POST", PATH, [{ name: "a b" }, { name: "team-a" }]);
    assert.equal(at(invalid.body, "code"), 400201);
    assert.deepEqual(itemCodes(invalid), [400110, 400201]);
  });
});

Deno.test("createNamespaces() rejects v1.5-only fields as unknown (400001)", async () => {
  await withEmulator({}, async (emulator) => {
    const res = await call(emulator, "POST", PATH, [{ name: "x", metadata: { a: "b" } }]);
    assert.equal(at(res.body, "code"), 400001);
    const snake = await call(emulator, "POST", PATH, [{ name: "y", service_export_to: ["a"] }]);
    assert.equal(at(snake.body, "code"), 200000);
  });
});

Deno.test("updateNamespaces() answers 400202 for a missing namespace and clears export_to", async () => {
  await withEmulator({}, async (emulator) => {
    await call(emulator, "POST", PATH, [{ name: "x", service_export_to: ["a"] }]);
    const res = await call(emulator, "PUT", PATH, [{ name: "x", comment: "new" }, {
      name: "nope",
    }]);
    assert.deepEqual(itemCodes(res), [200000, 400202]);
    const x = emulator.state.namespaces().find((n) => n.name === "x");
    assert.equal(x?.comment, "new");
    assert.deepEqual(x?.serviceExportTo, []);
  });
});

Deno.test("deleteNamespaces() is idempotent and refuses a namespace with services (400203)", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.seedServices([{ namespace: "busy", name: "svc" }]);
    const res = await call(emulator, "POST", `${PATH}/delete`, [{ name: "busy" }, {
      name: "ghost",
    }]);
    assert.deepEqual(itemCodes(res), [400203, 200000]);
    assert.equal(at(res.body, "code"), 400203);
  });
});

Deno.test("listNamespaces() lists default and Polaris with counts and pages", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.seedInstances([{ namespace: "default", service: "s", host: "h", port: 1 }]);
    const res = await call(emulator, "GET", PATH);
    const byName = Object.fromEntries(listed(res, "namespaces").map((n) => [n.name, n]));
    assert.deepEqual(Object.keys(byName).sort(), ["Polaris", "default"]);
    assert.equal(byName.default.total_service_count, 1);
    assert.equal(byName.default.total_instance_count, 1);
    assert.equal(byName.default.id, "default");
    assert.equal("deleteable" in byName.default, false);
    const page = await call(emulator, "GET", `${PATH}?limit=1&offset=1`);
    assert.equal(at(page.body, "amount"), 2);
    assert.equal(at(page.body, "size"), 1);
    assert.equal(at((await call(emulator, "GET", `${PATH}?foo=1`)).body, "code"), 400103);
  });
});
