import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { handleControl } from "./emulator_child.ts";

Deno.test("handleControl() reports instances and counters without adding to the counters", async () => {
  const emulator = await startPolarisEmulator({ port: 0 });
  try {
    emulator.seedInstances([
      {
        namespace: "ns",
        service: "a",
        host: "10.0.0.1",
        port: 80,
        metadata: { clusterName: "c1" },
      },
      { namespace: "ns", service: "a", host: "10.0.0.2", port: 80, isolate: true },
    ]);
    const listed = await fetch(`${emulator.url}/naming/v1/instances?namespace=ns&service=a`);
    await listed.body?.cancel();
    const ask = (path: string) => handleControl(emulator, new Request(`http://x${path}`)).json();
    assertEquals(await ask("/service?namespace=ns&service=a"), [
      { host: "10.0.0.1", port: 80, isolate: false, clusterName: "c1" },
      { host: "10.0.0.2", port: 80, isolate: true, clusterName: "" },
    ]);
    const verified = await ask("/verify");
    assertEquals([verified.instances, verified.isolated, verified.byCluster], [2, 1, {
      c1: 1,
      "": 1,
    }]);
    assertEquals(await ask("/requests"), { "GET /naming/v1/instances": 1 });
    await ask("/reset");
    assertEquals(await ask("/requests"), {});
  } finally {
    await emulator.stop();
  }
});
