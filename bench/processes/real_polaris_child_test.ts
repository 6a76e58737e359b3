import assert from "node:assert/strict";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { ServerReader } from "./real_polaris_child.ts";

Deno.test("ServerReader counts owned instances per cluster and reads one service's pages", async () => {
  // The emulator answers the same console API as the real server (it ignores the token).
  const emulator = await startPolarisEmulator({ port: 0 });
  try {
    const owned = (cluster: string) => ({ clusterName: cluster, source: "polaris-controller" });
    emulator.seedInstances([
      ...Array.from({ length: 150 }, (_, i) => ({
        namespace: "ns",
        service: "web",
        host: `10.0.${i >> 8}.${i & 255}`,
        port: 80,
        metadata: owned("a"),
      })),
      { namespace: "ns", service: "web", host: "10.1.0.1", port: 80, metadata: owned("b") },
      {
        namespace: "ns",
        service: "api",
        host: "10.1.0.2",
        port: 80,
        isolate: true,
        metadata: owned("b"),
      },
      {
        namespace: "ns",
        service: "api",
        host: "10.1.0.3",
        port: 80,
        metadata: { clusterName: "a" },
      },
    ]);
    const reader = new ServerReader(emulator.url, "token");
    assert.equal(await reader.storeCount(), 153);
    assert.deepEqual(await reader.ownedByCluster(["a", "b"]), { a: 150, b: 2 });
    const web = await reader.serviceInstances("ns", "web");
    assert.equal(web.length, 151, "both pages");
    assert.deepEqual(web.find((i) => i.host === "10.1.0.1"), {
      host: "10.1.0.1",
      port: 80,
      isolate: false,
      clusterName: "b",
    });
    const verified = await reader.verify(["a", "b"]);
    assert.deepEqual([verified.instances, verified.isolated, verified.byCluster], [152, 1, {
      a: 150,
      b: 2,
    }]);
  } finally {
    await emulator.stop();
  }
});
