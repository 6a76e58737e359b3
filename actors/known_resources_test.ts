import assert from "node:assert/strict";
import { KnownResources } from "./known_resources.ts";

Deno.test("KnownResources.ensure() creates once, shared by callers that ask at the same time", async () => {
  const known = new KnownResources();
  let creates = 0;
  const create = async () => {
    creates++;
    await Promise.resolve();
  };
  await Promise.all([known.ensure("svc:shop/cart", create), known.ensure("svc:shop/cart", create)]);
  await known.ensure("svc:shop/cart", create);
  assert.deepStrictEqual(creates, 1);
  assert.ok(known.has("svc:shop/cart"));
});

Deno.test("KnownResources.forget() makes the next ensure() create the resource again", async () => {
  const known = new KnownResources();
  let creates = 0;
  const create = () => {
    creates++;
    return Promise.resolve();
  };
  known.add("svc:shop/cart");
  await known.ensure("svc:shop/cart", create);
  assert.deepStrictEqual(creates, 0, "seen to exist: not created");
  known.forget("svc:shop/cart");
  assert.ok(!known.has("svc:shop/cart"));
  await known.ensure("svc:shop/cart", create);
  assert.deepStrictEqual(creates, 1, "forgotten: created again");
  assert.deepStrictEqual(known.size, 1);
});

Deno.test("KnownResources.ensure() forgets a failed creation, so the next one tries again", async () => {
  const known = new KnownResources();
  await assert.rejects(known.ensure("ns:shop", () => Promise.reject(new Error("500"))), /500/);
  assert.ok(!known.has("ns:shop"));
  await known.ensure("ns:shop", () => Promise.resolve());
  assert.ok(known.has("ns:shop"));
});
