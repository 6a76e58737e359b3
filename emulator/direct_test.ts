import assert from "node:assert/strict";
import { instanceSnapshots, seedInstances } from "./direct.ts";
import { PolarisStore } from "./store.ts";

Deno.test("instanceSnapshots() filters by namespace alone, across its services", () => {
  const store = new PolarisStore({ now: () => 0 });
  seedInstances(store, [
    { namespace: "a", service: "x", host: "10.0.0.2", port: 80 },
    { namespace: "a", service: "y", host: "10.0.0.1", port: 80 },
    { namespace: "b", service: "x", host: "10.0.0.3", port: 80 },
  ]);
  const rows = instanceSnapshots(store, { namespace: "a" });
  assert.deepEqual(rows.map((r) => `${r.namespace}/${r.service}/${r.host}`), [
    "a/x/10.0.0.2",
    "a/y/10.0.0.1",
  ]);
  assert.deepEqual(
    instanceSnapshots(store, { namespace: "a", host: "10.0.0.1" }).map((r) => r.service),
    ["y"],
  );
  assert.deepEqual(instanceSnapshots(store, { namespace: "c" }), []);
});
