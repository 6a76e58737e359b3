import assert from "node:assert/strict";
import { Registry } from "prom-client";
import {
  DEFAULT_METRICS_DROPPED,
  PROCESS_METRICS,
  registerProcessMetrics,
} from "./process_metrics.ts";
import { findSample, parseExposition } from "../../tests/metrics/parse_exposition.ts";

Deno.test("registerProcessMetrics() adds exactly PROCESS_METRICS, with their types and labels", async () => {
  const registry = new Registry();
  registerProcessMetrics(registry);
  const families = parseExposition(await registry.metrics());
  assert.deepEqual(families.map((f) => f.name).sort(), Object.keys(PROCESS_METRICS).sort());
  for (const family of families) {
    const expected = PROCESS_METRICS[family.name];
    assert.equal(family.type, expected.type, `type of ${family.name}`);
    assert.ok((family.help ?? "").length > 10, `${family.name} has a HELP text`);
    const labels = new Set(family.samples.flatMap((s) => Object.keys(s.labels)));
    assert.deepEqual([...labels], [...expected.labels], `labels of ${family.name}`);
    assert.ok(family.samples.length > 0, `${family.name} has a sample`);
  }
  for (const name of Object.keys(DEFAULT_METRICS_DROPPED)) {
    assert.ok(!(name in PROCESS_METRICS), `${name} is dropped, not kept`);
  }
});

Deno.test("registerProcessMetrics() reports real memory and CPU figures", async () => {
  const registry = new Registry();
  registerProcessMetrics(registry);
  const families = parseExposition(await registry.metrics());
  const value = (name: string) => findSample(families, name)?.value ?? NaN;
  // Deno's own figure, not /proc (which Deno opens only under --allow-all).
  const rss = Deno.memoryUsage().rss;
  assert.ok(Math.abs(value("process_resident_memory_bytes") - rss) < rss / 2, "RSS near Deno's");
  assert.ok(value("nodejs_heap_size_used_bytes") > 0);
  assert.ok(value("nodejs_heap_size_used_bytes") <= value("nodejs_heap_size_total_bytes"));
  assert.ok(value("process_cpu_seconds_total") > 0);
  const nowSeconds = Date.now() / 1000;
  const start = value("process_start_time_seconds");
  assert.ok(start <= nowSeconds + 1 && start > nowSeconds - 24 * 3600, "start time is plausible");
  const oldSpace = findSample(families, "nodejs_heap_space_size_used_bytes", { space: "old" });
  assert.ok((oldSpace?.value ?? 0) > 0, "V8 heap spaces are read");
});

Deno.test("registerProcessMetrics() works once on each of several registries", async () => {
  const first = new Registry();
  const second = new Registry();
  registerProcessMetrics(first);
  registerProcessMetrics(second);
  assert.equal(
    parseExposition(await second.metrics()).length,
    Object.keys(PROCESS_METRICS).length,
  );
  assert.throws(() => registerProcessMetrics(first), /already been registered/);
});
