import assert from "node:assert/strict";
import { createPrng } from "./prng.ts";

Deno.test("createPrng() gives the same sequence for the same seed and another for another", () => {
  const draw = (seed: string) => Array.from({ length: 20 }, createPrng(seed).next);
  assert.deepStrictEqual(draw("42"), draw("42"));
  assert.notDeepStrictEqual(draw("42"), draw("43"));
});

Deno.test("createPrng() int() stays within its bounds and reaches both ends", () => {
  const prng = createPrng("bounds");
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const n = prng.int(3, 7);
    assert.ok(n >= 3 && n <= 7, `drew ${n}`);
    seen.add(n);
  }
  assert.deepStrictEqual([...seen].sort(), [3, 4, 5, 6, 7]);
});

Deno.test("createPrng() weighted() never draws a zero weight", () => {
  const prng = createPrng("w");
  for (let i = 0; i < 500; i++) {
    assert.notStrictEqual(prng.weighted({ a: 1, b: 0, c: 3 }), "b");
  }
});

Deno.test("createPrng() shuffle() keeps every element", () => {
  const items = [1, 2, 3, 4, 5, 6];
  assert.deepStrictEqual(createPrng("s").shuffle(items).sort(), items);
});
