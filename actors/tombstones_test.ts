import assert from "node:assert/strict";
import { listedInstance } from "../domain/_fixtures.ts";
import { Tombstones } from "./tombstones.ts";

const instance = listedInstance;

Deno.test("Tombstones remembers deletes with their revision, keeps `purged`, and forgets writes", () => {
  const stones = new Tombstones();
  stones.deleted(instance("10.0.0.1"));
  assert.deepStrictEqual(stones.get("shop/cart/10.0.0.1:8080"), { revision: "r1", purged: false });
  stones.deleted(instance("10.0.0.1"), true);
  stones.deleted(instance("10.0.0.1", "r2"));
  assert.deepStrictEqual(stones.get("shop/cart/10.0.0.1:8080"), { revision: "r2", purged: true });
  stones.written("shop/cart/10.0.0.1:8080");
  assert.deepStrictEqual(stones.get("shop/cart/10.0.0.1:8080"), undefined);
  stones.deleted(instance("10.0.0.2", ""));
  assert.deepStrictEqual(
    stones.size,
    0,
    "an instance without a revision cannot be recognised: not kept",
  );
});

Deno.test("Tombstones forgets the oldest past its limit", () => {
  const stones = new Tombstones(2);
  for (const host of ["10.0.0.1", "10.0.0.2", "10.0.0.3"]) stones.deleted(instance(host));
  assert.deepStrictEqual(stones.size, 2);
  assert.deepStrictEqual(stones.get("shop/cart/10.0.0.1:8080"), undefined);
  assert.deepStrictEqual(stones.get("shop/cart/10.0.0.3:8080")?.revision, "r1");
});
