/**
 * What the real PolarisMesh server v1.18.1 (boltdb store) does that the emulator does not model,
 * pinned so a new server version that changes it is noticed. The product reads the console API
 * (`/naming/v1/*`) only; the discovery API (`/v1/Discover`) is what SDK clients read.
 *
 * - A console read right after a write shows it.
 * - The discovery API answers from a cache refreshed every second (a constant in v1.18.1; the
 *   config's `cache.diffTime` is the look-back window of each refresh, not its period), so a
 *   newly registered service is unknown there (400202) for up to about a second.
 * - The boltdb delete caveat (polaris#1350) depends on the instance's age: deleted within 5 s
 *   (`cache.diffTime`) of its last write, it is gone from both APIs at once; deleted later, the
 *   store drops it but both APIs keep listing it (the delete leaves the time its cache pulls by;
 *   measured: still listed 80 s after the delete, past the cache's once-a-minute count check).
 *   Deleting again changes nothing, an update answers 400303, and a create followed by a delete
 *   clears it: what the controller's phantom purge does (`domain/phantoms.ts`).
 * - The console list strips the metadata keys `version`, `protocol`, `region`, `zone` and `campus`;
 *   its `keys`/`values` filter and the discovery API see them, except that a set `version` or
 *   `protocol` field takes the place of the key of its name (decisions §6).
 * - An instance's id is its namespace, service, host and port: the same port with another
 *   protocol is the same instance (decisions §21).
 */
import assert from "node:assert/strict";
import { startPolarisServer } from "./polaris_server.ts";

const server = await startPolarisServer();
const headers = { "Content-Type": "application/json", "X-Polaris-Token": server.token };
const post = async (path: string, body: unknown) => {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  return await response.json() as Record<string, unknown>;
};
const consoleHosts = async (namespace: string, service: string) => {
  const query = new URLSearchParams({ namespace, service, offset: "0", limit: "100" });
  const response = await fetch(`${server.url}/naming/v1/instances?${query}`, { headers });
  const body = await response.json() as { instances?: { host: string }[] | null };
  return (body.instances ?? []).map((i) => i.host).sort();
};
const discovered = async (namespace: string, service: string) => {
  const body = await post("/v1/Discover", { type: 1, service: { name: service, namespace } });
  const instances = (body.instances as { host: string }[] | null) ?? [];
  return { code: body.code as number, hosts: instances.map((i) => i.host).sort() };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const instance = (namespace: string, host: string) => ({
  namespace,
  service: "web",
  host,
  port: 8080,
  weight: 100,
});

Deno.test({
  name: "real Polaris: a console read right after a write shows it; discovery lags up to ~1 s",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const written = await post("/naming/v1/instances", [instance("lag", "10.0.0.1")]);
    assert.deepStrictEqual(written.code, 200000);
    assert.deepStrictEqual(await consoleHosts("lag", "web"), ["10.0.0.1"], "console: at once");
    const first = await discovered("lag", "web");
    const started = Date.now();
    let seen = first;
    while (seen.hosts.length === 0 && Date.now() - started < 5_000) {
      await sleep(50);
      seen = await discovered("lag", "web");
    }
    assert.deepStrictEqual(seen.hosts, ["10.0.0.1"], "discovery shows it after its cache refresh");
    const waited = Date.now() - started;
    if (first.hosts.length === 0) {
      assert.deepStrictEqual(first.code, 400202, "before the refresh the new service is unknown");
    }
    // One refresh period plus scheduling slack on a loaded 2-core machine.
    assert.deepStrictEqual(waited < 3_000, true, `discovery caught up in ${waited} ms`);
  },
});

Deno.test({
  name:
    "real Polaris: an instance deleted within 5 s of its last write is gone from console and discovery reads",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await post("/naming/v1/instances", [instance("del", "10.0.0.1"), instance("del", "10.0.0.2")]);
    // Let the discovery cache hold both, so a stale cache entry would show after the delete.
    for (let i = 0; i < 100 && (await discovered("del", "web")).hosts.length < 2; i++) {
      await sleep(50);
    }
    assert.deepStrictEqual((await discovered("del", "web")).hosts, ["10.0.0.1", "10.0.0.2"]);

    const deleted = await post("/naming/v1/instances/delete", [
      { namespace: "del", service: "web", host: "10.0.0.1", port: 8080 },
    ]);
    assert.deepStrictEqual(deleted.code, 200000);
    const lingering: string[] = [];
    for (const at of [0, 500, 1_000, 2_000, 5_000]) {
      await sleep(at === 0 ? 0 : 500);
      if ((await consoleHosts("del", "web")).includes("10.0.0.1")) lingering.push(`console@${at}`);
      if ((await discovered("del", "web")).hosts.includes("10.0.0.1")) {
        lingering.push(`discovery@${at}`);
      }
    }
    assert.deepStrictEqual(lingering, [], "the deleted instance is never listed again");
    assert.deepStrictEqual(await consoleHosts("del", "web"), ["10.0.0.2"]);

    await post("/naming/v1/instances", [instance("del", "10.0.0.1")]);
    assert.deepStrictEqual(
      await consoleHosts("del", "web"),
      ["10.0.0.1", "10.0.0.2"],
      "re-created at once",
    );
  },
});

Deno.test({
  name:
    "real Polaris: an instance deleted over 5 s after its last write stays listed; create-then-delete clears it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const key = (host: string) => ({ namespace: "old", service: "web", host, port: 8080 });
    await post("/naming/v1/instances", [instance("old", "10.0.0.1"), instance("old", "10.0.0.2")]);
    // The cache pulls, every second, the rows written since 5 s before its last pull: 9 s after
    // the write, the row is out of that window unless pulls stall for over 4 s.
    await sleep(9_000);
    assert.deepStrictEqual(
      (await post("/naming/v1/instances/delete", [key("10.0.0.1")])).code,
      200000,
    );
    await sleep(2_500);
    assert.deepStrictEqual(
      await consoleHosts("old", "web"),
      ["10.0.0.1", "10.0.0.2"],
      "still listed",
    );
    assert.deepStrictEqual((await discovered("old", "web")).hosts, ["10.0.0.1", "10.0.0.2"]);

    await post("/naming/v1/instances/delete", [key("10.0.0.1")]);
    await sleep(1_500);
    assert.deepStrictEqual(
      await consoleHosts("old", "web"),
      ["10.0.0.1", "10.0.0.2"],
      "deleting again: same",
    );
    const update = await fetch(`${server.url}/naming/v1/instances`, {
      method: "PUT",
      headers,
      body: JSON.stringify([instance("old", "10.0.0.1")]),
    }).then((r) => r.json()) as { responses: { code: number }[] };
    assert.deepStrictEqual(
      update.responses.map((r) => r.code),
      [400303],
      "the store has no row to update",
    );

    await post("/naming/v1/instances", [instance("old", "10.0.0.1")]);
    await post("/naming/v1/instances/delete", [key("10.0.0.1")]);
    let hosts = await consoleHosts("old", "web");
    for (let i = 0; i < 50 && hosts.length !== 1; i++) {
      await sleep(100);
      hosts = await consoleHosts("old", "web");
    }
    assert.deepStrictEqual(hosts, ["10.0.0.2"], "a create then a delete is seen");
  },
});

Deno.test({
  name:
    "real Polaris: the console list hides version, protocol, region, zone and campus metadata; filter and discovery see them, version and protocol as the fields when set",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const hidden = { version: "v9", protocol: "p9", region: "r9", zone: "z9", campus: "c9" };
    const metadata = { app: "web", ...hidden };
    const written = await post("/naming/v1/instances", [
      { ...instance("hide", "10.0.0.1"), version: "v1", protocol: "http/TCP", metadata },
      { ...instance("hide", "10.0.0.2"), metadata },
    ]);
    assert.deepStrictEqual(written.code, 200000);
    const listedHosts = async (query: Record<string, string>) => {
      const search = new URLSearchParams({ namespace: "hide", service: "web", ...query });
      const response = await fetch(`${server.url}/naming/v1/instances?${search}`, { headers });
      const body = await response.json() as {
        instances?: { host: string; metadata?: Record<string, string>; version?: string }[];
      };
      return body.instances ?? [];
    };
    for (const listed of await listedHosts({})) {
      assert.deepStrictEqual(listed.metadata, { app: "web" }, `${listed.host}: the five are gone`);
    }
    const matching = async (key: string, value: string) =>
      (await listedHosts({ keys: key, values: value })).map((i) => i.host).sort();
    // The instance cache, which every read comes from, puts a set version or protocol field in
    // place of the metadata key of its name (`fillInternalLabels`).
    assert.deepStrictEqual(await matching("version", "v9"), ["10.0.0.2"]);
    assert.deepStrictEqual(await matching("version", "v1"), ["10.0.0.1"]);
    assert.deepStrictEqual(await matching("protocol", "p9"), ["10.0.0.2"]);
    assert.deepStrictEqual(await matching("protocol", "http/TCP"), ["10.0.0.1"]);
    for (const key of ["region", "zone", "campus"] as const) {
      assert.deepStrictEqual(await matching(key, hidden[key]), ["10.0.0.1", "10.0.0.2"], key);
    }

    let seen: { host: string; metadata: Record<string, string> }[] = [];
    for (let i = 0; i < 100 && seen.length < 2; i++) {
      const body = await post("/v1/Discover", {
        type: 1,
        service: { name: "web", namespace: "hide" },
      });
      seen = (body.instances as typeof seen | null) ?? [];
      if (seen.length < 2) await sleep(50);
    }
    const discovered = Object.fromEntries(seen.map((i) => [i.host, i.metadata]));
    assert.deepStrictEqual(discovered["10.0.0.1"], {
      ...metadata,
      version: "v1",
      protocol: "http/TCP",
    });
    assert.deepStrictEqual(discovered["10.0.0.2"], metadata, "no fields: the keys as written");
  },
});

Deno.test({
  name:
    "real Polaris: an instance is named by namespace, service, host and port: another protocol on the same port replaces it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const tcp = { ...instance("proto", "10.0.0.1"), port: 53, protocol: "dns/TCP" };
    const udp = { ...tcp, protocol: "dns/UDP" };
    const first = await post("/naming/v1/instances", [tcp]);
    const second = await post("/naming/v1/instances", [udp]);
    const id = (body: Record<string, unknown>) =>
      (body.responses as { instance: { id: string } }[])[0].instance.id;
    assert.deepStrictEqual(id(second), id(first), "the same id: the protocol is not part of it");
    const query = new URLSearchParams({ namespace: "proto", service: "web" });
    const response = await fetch(`${server.url}/naming/v1/instances?${query}`, { headers });
    const body = await response.json() as { instances: { port: number; protocol: string }[] };
    assert.deepStrictEqual(
      body.instances.map((i) => `${i.port} ${i.protocol}`),
      ["53 dns/UDP"],
      "one instance, the last protocol written",
    );
  },
});

Deno.test({
  name: "real Polaris: teardown",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await server.stop();
  },
});
