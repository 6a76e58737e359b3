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

function record(store: PolarisStore, id: string, namespace: string, service: string) {
  const stamp = store.tick();
  return {
    id,
    service,
    namespace,
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
}

function idsIn(store: PolarisStore, namespace: string): string[] {
  return store.instancesIn(namespace).map((r) => r.id).sort();
}

Deno.test("PolarisStore.instancesIn() keeps the per-namespace index in step", () => {
  const store = new PolarisStore();
  store.putInstance(record(store, "a", "n", "s"));
  store.putInstance(record(store, "b", "n", "t"));
  store.putInstance(record(store, "c", "m", "s"));
  assert.deepEqual(idsIn(store, "n"), ["a", "b"]);
  assert.deepEqual(idsIn(store, "m"), ["c"]);
  // Stored again under another namespace (same id): it leaves the old one.
  store.putInstance(record(store, "a", "m", "s"));
  assert.deepEqual(idsIn(store, "n"), ["b"]);
  assert.deepEqual(idsIn(store, "m"), ["a", "c"]);
  // An update in place keeps it where it is.
  const c = store.instances.get("c");
  assert.ok(c !== undefined);
  c.weight = 5;
  store.touch(c, "c", store.tick());
  assert.deepEqual(idsIn(store, "m"), ["a", "c"]);
  assert.equal(store.instancesIn("m").find((r) => r.id === "c")?.weight, 5);
  assert.equal(store.removeInstance("b"), true);
  assert.deepEqual(idsIn(store, "n"), []);
  // The namespace goes and comes back: only its new instances are listed.
  store.namespaces.delete("n");
  store.putNamespace("n", store.tick());
  store.putInstance(record(store, "d", "n", "s"));
  assert.deepEqual(idsIn(store, "n"), ["d"]);
  assert.deepEqual(idsIn(store, "missing"), []);
});

Deno.test("PolarisStore.revision grows with every tick, instance write and touch()", () => {
  const store = new PolarisStore();
  const seen = [store.revision];
  const step = (write: () => unknown) => {
    write();
    assert.ok(store.revision > seen[seen.length - 1], `after step ${seen.length}`);
    seen.push(store.revision);
  };
  const a = record(store, "a", "n", "s");
  step(() => store.putInstance(a));
  step(() => store.tick());
  step(() => store.touch(a, "a", { seq: 99, time: "" }));
  step(() => store.removeInstance("a"));
  const before = store.revision;
  assert.equal(store.removeInstance("a"), false);
  assert.equal(store.revision, before);
});
