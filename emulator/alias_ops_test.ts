import assert from "node:assert/strict";
import { at, call, itemCodes, listed, withEmulator } from "./_testing.ts";

const ALIAS = "/naming/v1/service/alias";
const alias = (extra: Record<string, unknown> = {}) => ({
  service: "src",
  namespace: "default",
  alias: "al",
  alias_namespace: "other",
  ...extra,
});

Deno.test("createAlias() creates an alias and answers its fields with the service token", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.seedServices([{ namespace: "default", name: "src" }]);
    const res = await call(emulator, "POST", ALIAS, alias({ comment: "c" }));
    assert.equal(res.status, 200);
    assert.equal(at(res.body, "code"), 200000);
    assert.equal(at(res.body, "alias", "alias_namespace"), "other");
    assert.equal(at(res.body, "alias", "type"), "DEFAULT");
    assert.equal(at(res.body, "alias", "service_token"), emulator.state.services()[0].token);
    // Like the server, the alias namespace is neither checked nor created.
    assert.ok(!emulator.state.namespaces().some((n) => n.name === "other"));
  });
});

Deno.test("createAlias() answers the reference's error codes", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.seedServices([{ namespace: "default", name: "src" }, {
      namespace: "other",
      name: "taken",
    }]);
    emulator.seedAliases([{
      alias: "a2",
      aliasNamespace: "default",
      service: "src",
      namespace: "default",
    }]);
    const rows: Array<[string, Record<string, unknown>, number]> = [
      ["missing source", { service: "ghost" }, 400301],
      ["alias of an alias", { service: "a2" }, 400504],
      ["name taken by a service", { alias: "taken" }, 400201],
      ["name taken by an alias", { alias: "a2", alias_namespace: "default" }, 400201],
      ["bad service name", { service: "a b" }, 400120],
      ["bad alias", { alias: "a b" }, 400133],
      ["bad alias namespace", { alias_namespace: "a b" }, 400110],
      ["alias namespace too long", { alias_namespace: "n".repeat(65) }, 400134],
    ];
    for (const [name, extra, code] of rows) {
      const res = await call(emulator, "POST", ALIAS, alias(extra));
      assert.equal(at(res.body, "code"), code, name);
      assert.equal(res.status, 400, name);
    }
    const array = await call(emulator, "POST", ALIAS, [alias()]);
    assert.equal(at(array.body, "code"), 400001);
  });
});

Deno.test("updateAlias() repoints, answers 200002 unchanged and 400304 missing", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.seedServices([{ namespace: "default", name: "src" }, {
      namespace: "default",
      name: "dst",
    }]);
    await call(emulator, "POST", ALIAS, alias());
    const same = await call(emulator, "PUT", ALIAS, alias());
    assert.equal(at(same.body, "code"), 200002);
    const moved = await call(emulator, "PUT", ALIAS, alias({ service: "dst" }));
    assert.equal(at(moved.body, "code"), 200000);
    assert.equal(emulator.state.aliases()[0].service, "dst");
    const missing = await call(emulator, "PUT", ALIAS, alias({ alias: "nope" }));
    assert.equal(at(missing.body, "code"), 400304);
  });
});

Deno.test("deleteAliases() answers 400304 for a missing alias", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.seedAliases([{
      alias: "al",
      aliasNamespace: "other",
      service: "src",
      namespace: "default",
    }]);
    const res = await call(emulator, "POST", "/naming/v1/service/aliases/delete", [
      { alias: "al", alias_namespace: "other" },
      { alias: "ghost", alias_namespace: "other" },
    ]);
    assert.deepEqual(itemCodes(res), [200000, 400304]);
    assert.equal(at(res.body, "code"), 400000);
    assert.equal(emulator.state.aliases().length, 0);
  });
});

Deno.test("deleteAliases() with a real service's name deletes that service, as the server does", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.seedInstances([{ namespace: "default", service: "svc", host: "h", port: 1 }]);
    const res = await call(emulator, "POST", "/naming/v1/service/aliases/delete", [
      { alias: "svc", alias_namespace: "default" },
    ]);
    assert.equal(at(res.body, "code"), 200000);
    assert.equal(emulator.state.services().length, 0);
  });
});

Deno.test("listAliases() filters by its allowed keys and rejects others", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.seedAliases([
      { alias: "a1", aliasNamespace: "x", service: "s1", namespace: "default" },
      { alias: "a2", aliasNamespace: "y", service: "s2", namespace: "default" },
    ]);
    const list = async (q: string) =>
      listed(await call(emulator, "GET", `/naming/v1/service/aliases?${q}`), "aliases").map((a) =>
        a.alias
      );
    assert.deepEqual((await list("")).sort(), ["a1", "a2"]);
    assert.deepEqual(await list("alias_namespace=y"), ["a2"]);
    assert.deepEqual(await list("service=s1&namespace=default"), ["a1"]);
    const bad = await call(emulator, "GET", "/naming/v1/service/aliases?name=a1");
    assert.equal(at(bad.body, "code"), 400103);
  });
});
