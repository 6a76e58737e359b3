import { assertEquals } from "../domain/_assert.ts";
import type { RegisteredInstance } from "../domain/polaris.ts";
import { Tombstones } from "./tombstones.ts";

const instance = (host: string, revision = "r1"): RegisteredInstance => ({
  id: host,
  namespace: "ns",
  service: "web",
  host,
  port: 80,
  protocol: "",
  version: "",
  weight: 100,
  healthy: true,
  isolate: false,
  enableHealthCheck: false,
  vpcId: "",
  metadata: {},
  revision,
});

Deno.test("Tombstones remembers deletes with their revision, keeps `purged`, and forgets writes", () => {
  const stones = new Tombstones();
  stones.deleted(instance("10.0.0.1"));
  assertEquals(stones.get("ns/web/10.0.0.1:80"), { revision: "r1", purged: false });
  stones.deleted(instance("10.0.0.1"), true);
  stones.deleted(instance("10.0.0.1", "r2"));
  assertEquals(stones.get("ns/web/10.0.0.1:80"), { revision: "r2", purged: true });
  stones.written("ns/web/10.0.0.1:80");
  assertEquals(stones.get("ns/web/10.0.0.1:80"), undefined);
  stones.deleted(instance("10.0.0.2", ""));
  assertEquals(stones.size, 0, "an instance without a revision cannot be recognised: not kept");
});

Deno.test("Tombstones forgets the oldest past its limit", () => {
  const stones = new Tombstones(2);
  for (const host of ["10.0.0.1", "10.0.0.2", "10.0.0.3"]) stones.deleted(instance(host));
  assertEquals(stones.size, 2);
  assertEquals(stones.get("ns/web/10.0.0.1:80"), undefined);
  assertEquals(stones.get("ns/web/10.0.0.3:80")?.revision, "r1");
});
