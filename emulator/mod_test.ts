import assert from "node:assert/strict";
import { at, call, ins, itemCodes, withEmulator } from "./_testing.ts";
import { startPolarisEmulator } from "./mod.ts";

Deno.test("startPolarisEmulator() serves `Polaris Server` on GET / and stops cleanly", async () => {
  const emulator = await startPolarisEmulator();
  try {
    assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(emulator.url, `http://127.0.0.1:${emulator.port}`);
    const res = await fetch(`${emulator.url}/`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "Polaris Server");
  } finally {
    await emulator.stop();
  }
});

Deno.test("startPolarisEmulator() answers go-restful's plain-text 404, 405 and 415", async () => {
  await withEmulator({}, async (emulator) => {
    const notFound = await call(emulator, "GET", "/naming/v1/nothing");
    assert.equal(notFound.status, 404);
    assert.equal(notFound.body, null);
    const wrongMethod = await call(emulator, "DELETE", "/naming/v1/instances");
    assert.equal(wrongMethod.status, 405);
    const noType = await fetch(`${emulator.url}/naming/v1/instances`, {
      method: "POST",
      body: JSON.stringify([ins("10.0.0.1", 80)]),
      headers: { "content-type": "" },
    });
    assert.equal(noType.status, 415);
    assert.match(await noType.text(), /Unsupported Media Type/);
    const textType = await call(emulator, "PUT", "/naming/v1/services", "[]", {
      "content-type": "text/plain",
    });
    assert.equal(textType.status, 415);
    const charset = await call(emulator, "POST", "/naming/v1/namespaces", [{ name: "ns1" }], {
      "content-type": "application/json; charset=utf-8",
    });
    assert.equal(charset.status, 200);
    assert.equal(emulator.state.instances().length, 0);
  });
});

Deno.test("startPolarisEmulator() sets X-Polaris headers only on failures and echoes Request-Id", async () => {
  await withEmulator({}, async (emulator) => {
    const ok = await call(emulator, "POST", "/naming/v1/namespaces", [{ name: "a" }], {
      "Request-Id": "r-1",
    });
    assert.equal(ok.headers.get("X-Polaris-Code"), null);
    assert.equal(ok.headers.get("Request-Id"), "r-1");
    const again = await call(emulator, "POST", "/naming/v1/namespaces", [{ name: "a" }]);
    assert.equal(again.status, 400);
    assert.equal(again.headers.get("X-Polaris-Code"), "400201");
    assert.ok((again.headers.get("X-Polaris-Message") ?? "").length > 0);
  });
});

Deno.test("startPolarisEmulator({ token }) answers 401001 without the right X-Polaris-Token", async () => {
  await withEmulator({ token: "secret" }, async (emulator) => {
    const body = [ins("10.0.0.1", 80)];
    const none = await call(emulator, "POST", "/naming/v1/instances", body);
    assert.equal(none.status, 401);
    assert.equal(at(none.body, "code"), 401001);
    assert.deepEqual(at(none.body, "responses"), []);
    const wrong = await call(emulator, "GET", "/naming/v1/instances?service=x", undefined, {
      "X-Polaris-Token": "nope",
    });
    assert.equal(at(wrong.body, "code"), 401001);
    const alias = await call(emulator, "POST", "/naming/v1/service/alias", {});
    assert.equal(at(alias.body, "code"), 401001);
    // Parse errors are found before the token is checked, size limits after.
    const bad = await call(emulator, "POST", "/naming/v1/instances", "{");
    assert.equal(at(bad.body, "code"), 400001);
    const empty = await call(emulator, "POST", "/naming/v1/instances", []);
    assert.equal(at(empty.body, "code"), 401001);
    assert.equal(emulator.state.instances().length, 0);
    const root = await fetch(`${emulator.url}/`);
    assert.equal(await root.text(), "Polaris Server");
    const good = await call(emulator, "POST", "/naming/v1/instances", body, {
      "X-Polaris-Token": "secret",
    });
    assert.equal(at(good.body, "code"), 200000);
    assert.equal(emulator.state.instances().length, 1);
  });
});

Deno.test("startPolarisEmulator() counts requests by method and path", async () => {
  await withEmulator({}, async (emulator) => {
    await call(emulator, "GET", "/naming/v1/instances?service=a");
    await call(emulator, "GET", "/naming/v1/instances?service=b");
    await call(emulator, "POST", "/naming/v1/instances", [ins("h", 1)]);
    assert.deepEqual(emulator.requests(), {
      "GET /naming/v1/instances": 2,
      "POST /naming/v1/instances": 1,
    });
    emulator.resetRequests();
    assert.deepEqual(emulator.requests(), {});
  });
});

Deno.test("injectFault() latency waits through the injected sleep before answering", async () => {
  const waits: number[] = [];
  const sleep = (ms: number) => {
    waits.push(ms);
    return Promise.resolve();
  };
  await withEmulator({ sleep }, async (emulator) => {
    emulator.injectFault({ kind: "latency", ms: 250, match: { path: "/naming/v1/instances" } });
    await call(emulator, "GET", "/naming/v1/services");
    assert.deepEqual(waits, []);
    const res = await call(emulator, "GET", "/naming/v1/instances?service=a");
    assert.equal(res.status, 200);
    assert.deepEqual(waits, [250]);
  });
});

Deno.test("injectFault() status answers a Polaris code as JSON or an HTTP status as text", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.injectFault({ kind: "status", code: 500000, times: 1 });
    const polaris = await call(emulator, "POST", "/naming/v1/instances", [ins("h", 1)]);
    assert.equal(polaris.status, 500);
    assert.equal(at(polaris.body, "code"), 500000);
    assert.equal(polaris.headers.get("X-Polaris-Code"), "500000");
    assert.equal(emulator.state.instances().length, 0);
    emulator.injectFault({ kind: "status", code: 503, times: 1, match: { method: "GET" } });
    const plain = await call(emulator, "GET", "/naming/v1/services");
    assert.equal(plain.status, 503);
    assert.equal(plain.body, null);
    const after = await call(emulator, "GET", "/naming/v1/services");
    assert.equal(after.status, 200);
  });
});

Deno.test("injectFault() drop closes the connection without an answer", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.injectFault({ kind: "drop", times: 1 });
    await assert.rejects(fetch(`${emulator.url}/naming/v1/services`), TypeError);
    const after = await call(emulator, "GET", "/naming/v1/services");
    assert.equal(after.status, 200);
    assert.equal(emulator.requests()["GET /naming/v1/services"], 2);
  });
});

Deno.test("injectFault() rateLimit answers 403003 with HTTP 403 for a time window", async () => {
  let now = Date.UTC(2024, 0, 1);
  await withEmulator({ now: () => now }, async (emulator) => {
    const remove = emulator.injectFault({ kind: "rateLimit", forMs: 1000 });
    const limited = await call(emulator, "POST", "/naming/v1/instances", [ins("h", 1)]);
    assert.equal(limited.status, 403);
    assert.equal(at(limited.body, "code"), 403003);
    now += 1000;
    const open = await call(emulator, "POST", "/naming/v1/instances", [ins("h", 1)]);
    assert.equal(open.status, 200);
    remove();
    emulator.injectFault({ kind: "rateLimit" });
    emulator.clearFaults();
    assert.equal((await call(emulator, "GET", "/naming/v1/services")).status, 200);
  });
});

Deno.test("seedInstances() writes without HTTP and state keeps full metadata", async () => {
  await withEmulator({}, async (emulator) => {
    const [id] = emulator.seedInstances([{
      namespace: "ns1",
      service: "svc",
      host: "10.0.0.1",
      port: 80,
      metadata: { version: "v1", clusterName: "c1" },
      isolate: true,
    }]);
    assert.deepEqual(emulator.requests(), {});
    assert.deepEqual(emulator.state.namespaces().map((n) => n.name), ["Polaris", "default", "ns1"]);
    assert.deepEqual(emulator.state.services().map((s) => `${s.namespace}/${s.name}`), ["ns1/svc"]);
    const [stored] = emulator.state.instances({ metadata: { clusterName: "c1" } });
    assert.equal(stored.id, id);
    assert.deepEqual(stored.metadata, { version: "v1", clusterName: "c1" });
    assert.equal(stored.isolate, true);
    const listed = await call(emulator, "GET", "/naming/v1/instances?namespace=ns1&service=svc");
    assert.deepEqual(at(listed.body, "instances", 0, "metadata"), { clusterName: "c1" });
    // Snapshots are copies: editing one does not reach the store.
    (stored.metadata as Record<string, string>).clusterName = "changed";
    assert.equal(emulator.state.instances()[0].metadata.clusterName, "c1");
  });
});

Deno.test("updateInstanceDirect() and deleteInstanceDirect() act like console edits", async () => {
  await withEmulator({}, (emulator) => {
    emulator.seedInstances([{ namespace: "default", service: "my-svc", host: "h", port: 1 }]);
    const target = { namespace: "default", service: "my-svc", host: "h", port: 1 };
    const edited = emulator.updateInstanceDirect(target, { weight: 5, metadata: { a: "b" } });
    assert.equal(edited?.weight, 5);
    assert.deepEqual(emulator.state.instances()[0].metadata, { a: "b" });
    assert.equal(emulator.updateInstanceDirect({ id: "missing" }, { weight: 1 }), undefined);
    assert.equal(emulator.deleteInstanceDirect(target), true);
    assert.equal(emulator.deleteInstanceDirect(target), false);
    assert.equal(emulator.state.instances().length, 0);
  });
});

Deno.test("seedAliases() and seedServices() are visible through the list endpoints", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.seedNamespaces(["other", { name: "third", comment: "c" }]);
    emulator.seedServices([{ namespace: "default", name: "src", metadata: { k: "v" } }]);
    emulator.seedAliases([{
      alias: "al",
      aliasNamespace: "other",
      service: "src",
      namespace: "default",
    }]);
    const aliases = await call(emulator, "GET", "/naming/v1/service/aliases?alias=al");
    assert.equal(at(aliases.body, "aliases", 0, "alias_namespace"), "other");
    const services = await call(emulator, "GET", "/naming/v1/services?name=src");
    assert.deepEqual(at(services.body, "services", 0, "metadata"), { k: "v" });
    assert.deepEqual(emulator.state.aliases().map((a) => a.alias), ["al"]);
    assert.deepEqual(itemCodes(aliases), []);
  });
});
