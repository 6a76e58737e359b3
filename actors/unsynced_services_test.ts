import assert from "node:assert/strict";
import { MemorySource } from "../adapters/memory/memory_source.ts";
import { UNSYNCED_MAX_AGE_MS, UnsyncedServices } from "./unsynced_services.ts";

const svc = (namespace: string, name: string, annotations: Record<string, string> = {}) => ({
  namespace,
  name,
  type: "ClusterIP",
  annotations,
});

/** A memory source that counts the walks over its Services. */
class CountingSource extends MemorySource {
  walks = 0;
  override services() {
    this.walks++;
    return super.services();
  }
}

async function setup() {
  const a = new CountingSource("a");
  const b = new CountingSource("b");
  // A memory source tells its changes once started.
  await a.start();
  await b.start();
  const actors = new Set<string>();
  let now = 0;
  const unsynced = new UnsyncedServices({
    sources: [a, b],
    policy: { mode: "all", ignoredNamespaces: ["kube-system"] },
    hasActor: (key) => actors.has(key),
    actors: () => actors.size,
    now: () => now,
  });
  return { a, b, actors, unsynced, tick: (ms: number) => now += ms };
}

Deno.test("UnsyncedServices.keys() lists each unsynced Service once, in key order", async () => {
  const { a, b, unsynced } = await setup();
  a.setService(svc("shop", "off", { "polarismesh.cn/sync": "false" }));
  a.setService(svc("kube-system", "kube-dns"));
  a.setService(svc("shop", "cart"));
  b.setService(svc("shop", "off", { "polarismesh.cn/sync": "false" }));
  // Synced in b, opted out in a: wanted, so it has an actor (or will), not listed.
  a.setService(svc("shop", "half", { "polarismesh.cn/sync": "false" }));
  b.setService(svc("shop", "half"));
  // A bad sync value is held by an actor: not listed either.
  b.setService(svc("shop", "bad", { "polarismesh.cn/sync": "yes" }));
  assert.deepStrictEqual(unsynced.keys(), ["kube-system/kube-dns", "shop/off"]);
});

Deno.test("UnsyncedServices.keys() walks again only after a change, an actor or its max age", async () => {
  const { a, b, actors, unsynced, tick } = await setup();
  a.setService(svc("shop", "off", { "polarismesh.cn/sync": "false" }));
  assert.deepStrictEqual(unsynced.keys(), ["shop/off"]);
  assert.deepStrictEqual(unsynced.keys(), ["shop/off"]);
  assert.deepStrictEqual([a.walks, b.walks], [1, 1], "the second call walked nothing");

  b.setService(svc("shop", "other", { "polarismesh.cn/sync": "false" }));
  assert.deepStrictEqual(unsynced.keys(), ["shop/off", "shop/other"]);
  assert.deepStrictEqual(a.walks, 2, "a source's change walks again");

  // An actor appears (the sweep adopted shop/off): walked again, shop/off has an actor now.
  actors.add("shop/off");
  assert.deepStrictEqual(unsynced.keys(), ["shop/other"]);
  assert.deepStrictEqual(a.walks, 3);

  tick(UNSYNCED_MAX_AGE_MS - 1);
  unsynced.keys();
  assert.deepStrictEqual(a.walks, 3, "kept within its max age");
  tick(1);
  unsynced.keys();
  assert.deepStrictEqual(a.walks, 4, "walked again once its max age passed");
});
