import assert from "node:assert/strict";
import { formatPolarisTime, PolarisStore } from "./store.ts";

Deno.test("formatPolarisTime() writes Go's 2006-01-02 15:04:05 layout", () => {
  assert.equal(formatPolarisTime(Date.UTC(2024, 0, 2, 3, 4, 5)), "2024-01-02 03:04:05");
});

Deno.test("PolarisStore starts with the namespaces default and Polaris", () => {
  const store = new PolarisStore({ now: () => 0 });
  assert.deepEqual([...store.namespaces.keys()].sort(), ["Polaris", "default"]);
});

Deno.test("PolarisStore.tick() increases the sequence on every call", () => {
  const store = new PolarisStore({ now: () => 0 });
  const a = store.tick();
  const b = store.tick();
  assert.ok(b.seq > a.seq);
  assert.equal(a.time, "1970-01-01 00:00:00");
});

Deno.test("PolarisStore.putInstance() keeps the per-service index in step", () => {
  const store = new PolarisStore();
  const stamp = store.tick();
  const base = {
    service: "s",
    namespace: "n",
    vpcId: "",
    host: "h",
    port: 1,
    protocol: "",
    version: "",
    priority: 0,
    weight: 100,
    enableHealthCheck: false,
    healthCheck: null,
    healthy: true,
    isolate: false,
    location: { region: "", zone: "", campus: "" },
    metadata: {},
    logicSet: "",
    revision: "",
    ctime: stamp.time,
    mtime: stamp.time,
    seq: stamp.seq,
  };
  store.putInstance({ ...base, id: "a" });
  store.putInstance({ ...base, id: "b" });
  store.putInstance({ ...base, id: "a", service: "t" });
  assert.deepEqual(store.instancesOf("n", "s").map((r) => r.id), ["b"]);
  assert.deepEqual(store.instancesOf("n", "t").map((r) => r.id), ["a"]);
  assert.equal(store.removeInstance("b"), true);
  assert.equal(store.removeInstance("b"), false);
  assert.deepEqual(store.instancesOf("n", "s"), []);
});
