import assert from "node:assert/strict";
import { pinnedPolarisVersion, polarisServerConfig, startPolarisServer } from "./polaris_server.ts";

const options = { sanitizeResources: false, sanitizeOps: false };
const here = new URL(".", import.meta.url).pathname;

Deno.test({
  name: "startPolarisServer() runs the pinned server on loopback, logs in, and stop() cleans up",
  ...options,
  async fn() {
    assert.deepStrictEqual(pinnedPolarisVersion(), "v1.18.1");
    const server = await startPolarisServer();
    try {
      assert.ok(server.url.startsWith("http://127.0.0.1:"), server.url);
      const root = await fetch(`${server.url}/`);
      assert.deepStrictEqual((await root.text()).trim(), "Polaris Server");
      const denied = await fetch(`${server.url}/naming/v1/namespaces`);
      assert.deepStrictEqual((await denied.json()).code, 401001, "console auth is on");
      const listed = await fetch(`${server.url}/naming/v1/namespaces`, {
        headers: { "X-Polaris-Token": server.token },
      });
      const names = ((await listed.json()).namespaces as { name: string }[]).map((n) => n.name);
      assert.deepStrictEqual(
        names.sort(),
        ["Polaris", "default"],
        "a fresh store's seeded namespaces",
      );
    } finally {
      await server.stop();
    }
    let gone = false;
    try {
      Deno.statSync(server.dir);
    } catch {
      gone = true;
    }
    assert.ok(gone, "the temp dir is removed");
  },
});

Deno.test({
  name: "startPolarisServer() reports a start-up failure, though the server exits 0",
  ...options,
  async fn() {
    // The server refuses a store whose folder does not exist, logs [ERROR] and exits 0.
    const config = Deno.readTextFileSync(`${here}polaris-server.yaml`).replace(
      "${POLARIS_TEST_STORE_PATH}",
      "/nonexistent/polaris-test/polaris.bolt",
    );
    let message = "";
    try {
      const server = await startPolarisServer({ config, readyTimeoutMs: 15_000 });
      await server.stop();
    } catch (error) {
      message = (error as Error).message;
    }
    assert.ok(message.includes("exited during start-up"), message);
    assert.ok(message.includes("initialize store `boltdbStore` fail"), "names the [ERROR] line");
  },
});

Deno.test("polarisServerConfig() switches namespace.autoCreate and naming.autoCreate, and nothing else", () => {
  const shipped = Deno.readTextFileSync(`${here}polaris-server.yaml`);
  assert.deepStrictEqual(polarisServerConfig({ autoCreate: true }), shipped);
  const off = polarisServerConfig({ autoCreate: false });
  const changed = off.split("\n").filter((line, i) => line !== shipped.split("\n")[i]);
  assert.deepStrictEqual(changed, ["  autoCreate: false", "  autoCreate: false"]);
  assert.match(off, /^namespace:\n {2}autoCreate: false$/m);
  assert.match(off, /^naming:\n {2}autoCreate: false$/m);
});
