import assert from "node:assert/strict";
import { CallbackGauge, Gauge } from "./gauge.ts";

Deno.test("Gauge.set(), inc() and dec() move one series; remove() forgets it", () => {
  const gauge = new Gauge("actors", "", ["state"]);
  gauge.set({ state: "idle" }, 5);
  gauge.inc({ state: "idle" }, 2);
  gauge.dec({ state: "synced" });
  assert.deepEqual(gauge.collect().map((s) => [s.labels, s.value]), [
    [[["state", "idle"]], 7],
    [[["state", "synced"]], -1],
  ]);
  gauge.remove({ state: "idle" });
  assert.deepEqual(gauge.collect().map((s) => s.value), [-1]);
});

Deno.test("CallbackGauge.collect() reads its values at each call", () => {
  let count = 1;
  const gauge = new CallbackGauge("actors", "", ["state"], () => [
    { labels: { state: "synced" }, value: count },
  ]);
  assert.equal(gauge.collect()[0].value, 1);
  count = 4;
  assert.equal(gauge.collect()[0].value, 4);
});

Deno.test("CallbackGauge.collect() reports a failing callback and repeated labels", () => {
  const failing = new CallbackGauge("g", "", [], () => {
    throw new Error("boom");
  });
  assert.throws(() => failing.collect(), (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.equal(error.message, 'Cannot read gauge "g": its callback failed');
    assert.equal((error.cause as Error).message, "boom");
    return true;
  });
  const repeated = new CallbackGauge("g", "", ["a"], () => [
    { labels: { a: "x" }, value: 1 },
    { labels: { a: "x" }, value: 2 },
  ]);
  assert.throws(() => repeated.collect(), /repeated labels/);
});
