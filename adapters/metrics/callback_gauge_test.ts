import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { callbackGauge, type GaugeReading } from "./callback_gauge.ts";
import { findSample, parseExposition } from "../../tests/metrics/parse_exposition.ts";

Deno.test("callbackGauge() reads its values at each scrape and drops series it no longer gets", async () => {
  const registry = new Registry();
  let readings: GaugeReading<"state">[] = [
    { labels: { state: "synced" }, value: 7 },
    { labels: { state: "backoff" }, value: 1 },
  ];
  callbackGauge(registry, {
    name: "actors",
    help: "Actors by state.",
    labelNames: ["state"],
    read: () => readings,
  });
  let families = parseExposition(await registry.metrics());
  assert.equal(findSample(families, "actors", { state: "synced" })?.value, 7);
  assert.equal(findSample(families, "actors", { state: "backoff" })?.value, 1);

  readings = [{ labels: { state: "synced" }, value: 8 }];
  families = parseExposition(await registry.metrics());
  assert.deepEqual(families[0].samples, [{
    name: "actors",
    labels: { state: "synced" },
    value: 8,
  }]);
  assert.equal(families[0].type, "gauge");
  assert.equal(families[0].help, "Actors by state.");
});

Deno.test("callbackGauge() prints labels in labelNames order, whatever the reading's order", async () => {
  const registry = new Registry();
  callbackGauge(registry, {
    name: "restarts",
    help: "Restarts.",
    labelNames: ["cluster", "resource"],
    read: () => [{ labels: { resource: "pods", cluster: "a" }, value: 2 }],
  });
  assert.ok((await registry.metrics()).includes('restarts{cluster="a",resource="pods"} 2\n'));
});

Deno.test("callbackGauge() without labels renders its one value", async () => {
  const registry = new Registry();
  let leader = true;
  callbackGauge(registry, {
    name: "leader",
    help: "Leader.",
    read: () => [{ labels: {}, value: leader ? 1 : 0 }],
  });
  assert.equal(findSample(parseExposition(await registry.metrics()), "leader")?.value, 1);
  leader = false;
  assert.equal(findSample(parseExposition(await registry.metrics()), "leader")?.value, 0);
});

Deno.test("callbackGauge() fails the scrape on a failing callback or repeated labels", async () => {
  const failing = new Registry();
  callbackGauge(failing, {
    name: "g",
    help: "G.",
    read: () => {
      throw new Error("boom");
    },
  });
  await assert.rejects(failing.metrics(), (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.equal(error.message, 'Cannot read gauge "g": its callback failed');
    assert.equal((error.cause as Error).message, "boom");
    return true;
  });

  const repeated = new Registry();
  callbackGauge(repeated, {
    name: "g",
    help: "G.",
    labelNames: ["a"],
    read: () => [{ labels: { a: "x" }, value: 1 }, { labels: { a: "x" }, value: 2 }],
  });
  await assert.rejects(repeated.metrics(), /Cannot read gauge "g": its callback repeated labels/);
});
