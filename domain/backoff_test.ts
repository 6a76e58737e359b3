import assert from "node:assert/strict";
import { backoffDelayMs } from "./backoff.ts";

const base = { baseMs: 200, maxMs: 5000 };

Deno.test("backoffDelayMs() doubles the window with every retry", () => {
  const top = (retry: number) => backoffDelayMs(retry, { ...base, random: () => 1 });
  assert.deepEqual([1, 2, 3, 4, 5].map(top), [200, 400, 800, 1600, 3200]);
});

Deno.test("backoffDelayMs() never exceeds maxMs", () => {
  for (const retry of [6, 7, 20, 1000]) {
    assert.equal(backoffDelayMs(retry, { ...base, random: () => 0.999999 }), 5000);
  }
});

Deno.test("backoffDelayMs() waits at least half of the window", () => {
  assert.equal(backoffDelayMs(1, { ...base, random: () => 0 }), 100);
  assert.equal(backoffDelayMs(10, { ...base, random: () => 0 }), 2500);
});

Deno.test("backoffDelayMs() spreads the delay with the injected random", () => {
  const draws = [0, 0.25, 0.5, 0.75].map((r) => backoffDelayMs(3, { ...base, random: () => r }));
  assert.deepEqual(draws, [400, 500, 600, 700]);
});

Deno.test("backoffDelayMs() clamps a random source that leaves [0, 1)", () => {
  assert.equal(backoffDelayMs(2, { ...base, random: () => -3 }), 200);
  assert.equal(backoffDelayMs(2, { ...base, random: () => 7 }), 400);
});

Deno.test("backoffDelayMs() with a seed gives the same delay for the same seed and attempt", () => {
  const a = backoffDelayMs(4, { baseMs: 100, maxMs: 10_000, seed: "shop/cart" });
  assert.equal(backoffDelayMs(4, { baseMs: 100, maxMs: 10_000, seed: "shop/cart" }), a);
  assert.ok(a >= 400 && a <= 800, String(a));
});

Deno.test("backoffDelayMs() without jitter waits the whole step", () => {
  assert.deepEqual([1, 2, 3, 9].map((n) => backoffDelayMs(n, { baseMs: 100, maxMs: 1000 })), [
    100,
    200,
    400,
    1000,
  ]);
});
