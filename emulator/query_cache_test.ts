import assert from "node:assert/strict";
import { QueryCache } from "./query_cache.ts";

Deno.test("QueryCache.get() returns what was kept at the same revision", () => {
  const cache = new QueryCache<string>(2);
  assert.equal(cache.get("q", 1), undefined);
  cache.set("q", 1, "answer");
  assert.equal(cache.get("q", 1), "answer");
  assert.equal(cache.get("other", 1), undefined);
});

Deno.test("QueryCache forgets every entry once the revision changes", () => {
  const cache = new QueryCache<string>(4);
  cache.set("a", 1, "A");
  cache.set("b", 1, "B");
  assert.equal(cache.get("a", 2), undefined);
  assert.equal(cache.size, 0);
  assert.equal(cache.get("b", 1), undefined);
  cache.set("b", 3, "B3");
  cache.set("c", 4, "C4");
  assert.equal(cache.get("b", 4), undefined);
  assert.equal(cache.get("c", 4), "C4");
});

Deno.test("QueryCache.set() drops the least recently used entry beyond its capacity", () => {
  const cache = new QueryCache<string>(2);
  cache.set("a", 1, "A");
  cache.set("b", 1, "B");
  assert.equal(cache.get("a", 1), "A"); // a is now the most recently used
  cache.set("c", 1, "C");
  assert.equal(cache.size, 2);
  assert.equal(cache.get("b", 1), undefined);
  assert.equal(cache.get("a", 1), "A");
  assert.equal(cache.get("c", 1), "C");
  cache.set("c", 1, "C2");
  assert.equal(cache.size, 2);
  assert.equal(cache.get("c", 1), "C2");
});

Deno.test("QueryCache() refuses a capacity below 1", () => {
  assert.throws(() => new QueryCache<string>(0), RangeError);
  assert.throws(() => new QueryCache<string>(1.5), RangeError);
});
