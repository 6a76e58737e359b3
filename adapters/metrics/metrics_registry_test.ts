import assert from "node:assert/strict";
import fc from "fast-check";
import { MetricsRegistry } from "./metrics_registry.ts";
import { findSample, parseExposition } from "../../tests/metrics/parse_exposition.ts";

Deno.test("MetricsRegistry.render() writes HELP, TYPE and samples in the text format", () => {
  const registry = new MetricsRegistry();
  const requests = registry.counter({
    name: "polaris_requests_total",
    help: "Requests sent to Polaris.",
    labelNames: ["endpoint", "code"],
  });
  const restarts = registry.counter({ name: "watch_restarts_total", help: "Watch restarts." });
  const inFlight = registry.gauge({ name: "batches_in_flight", help: "Batches in flight." });
  requests.inc({ endpoint: "/naming/v1/instances", code: "200" }, 3);
  requests.inc({ code: "500", endpoint: "/naming/v1/instances" });
  requests.inc({ endpoint: "/naming/v1/instances", code: "200" });
  inFlight.set({}, 2);
  inFlight.dec({});
  assert.equal(restarts.get({}), 0);
  assert.equal(
    registry.render(),
    [
      "# HELP polaris_requests_total Requests sent to Polaris.",
      "# TYPE polaris_requests_total counter",
      'polaris_requests_total{endpoint="/naming/v1/instances",code="200"} 4',
      'polaris_requests_total{endpoint="/naming/v1/instances",code="500"} 1',
      "# HELP watch_restarts_total Watch restarts.",
      "# TYPE watch_restarts_total counter",
      "watch_restarts_total 0",
      "# HELP batches_in_flight Batches in flight.",
      "# TYPE batches_in_flight gauge",
      "batches_in_flight 1",
      "",
    ].join("\n"),
  );
  assert.equal(new MetricsRegistry().render(), "");
});

Deno.test("MetricsRegistry.render() escapes label values and HELP text", () => {
  const registry = new MetricsRegistry();
  const errors = registry.counter({
    name: "errors_total",
    help: 'Errors, by message.\nA backslash: \\ and "quotes" stay.',
    labelNames: ["message"],
  });
  errors.inc({ message: 'line 1\nsaid "no" in C:\\temp' });
  const text = registry.render();
  assert.ok(
    text.includes(
      '# HELP errors_total Errors, by message.\\nA backslash: \\\\ and "quotes" stay.\n',
    ),
    text,
  );
  assert.ok(
    text.includes('errors_total{message="line 1\\nsaid \\"no\\" in C:\\\\temp"} 1\n'),
    text,
  );
  const [family] = parseExposition(text);
  assert.equal(family.help, 'Errors, by message.\nA backslash: \\ and "quotes" stay.');
  assert.deepEqual(family.samples[0].labels, { message: 'line 1\nsaid "no" in C:\\temp' });
});

Deno.test("MetricsRegistry.render() round-trips through parseExposition()", () => {
  const registry = new MetricsRegistry();
  const latency = registry.histogram({
    name: "sync_latency_seconds",
    help: "Kubernetes event to Polaris applied.",
    labelNames: ["cluster"],
    buckets: [0.1, 1, 10],
  });
  const states = registry.callbackGauge({
    name: "service_actors",
    help: "Service actors by state.",
    labelNames: ["state"],
    read:
      () => [{ labels: { state: "synced" }, value: 7 }, { labels: { state: "backoff" }, value: 1 }],
  });
  const ratio = registry.gauge({ name: "odd_values", help: "Odd values.", labelNames: ["kind"] });
  latency.observe({ cluster: "a" }, 0.05);
  latency.observe({ cluster: "a" }, 5);
  latency.observe({ cluster: "b" }, 50);
  ratio.set({ kind: "nan" }, NaN);
  ratio.set({ kind: "inf" }, Infinity);
  ratio.set({ kind: "neg" }, -Infinity);
  ratio.set({ kind: "tiny" }, 1.5e-9);
  assert.equal(states.name, "service_actors");

  const families = parseExposition(registry.render());
  assert.deepEqual(families.map((f) => [f.name, f.type]), [
    ["sync_latency_seconds", "histogram"],
    ["service_actors", "gauge"],
    ["odd_values", "gauge"],
  ]);
  assert.equal(
    findSample(families, "sync_latency_seconds_bucket", { cluster: "a", le: "1" })?.value,
    1,
  );
  assert.equal(
    findSample(families, "sync_latency_seconds_bucket", { cluster: "a", le: "+Inf" })?.value,
    2,
  );
  assert.equal(findSample(families, "sync_latency_seconds_count", { cluster: "b" })?.value, 1);
  assert.equal(findSample(families, "sync_latency_seconds_sum", { cluster: "a" })?.value, 5.05);
  assert.equal(findSample(families, "service_actors", { state: "synced" })?.value, 7);
  assert.ok(Number.isNaN(findSample(families, "odd_values", { kind: "nan" })?.value));
  assert.equal(findSample(families, "odd_values", { kind: "inf" })?.value, Infinity);
  assert.equal(findSample(families, "odd_values", { kind: "neg" })?.value, -Infinity);
  assert.equal(findSample(families, "odd_values", { kind: "tiny" })?.value, 1.5e-9);
});

Deno.test("MetricsRegistry.render() round-trips any label value and any value but NaN", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), fc.double({ noNaN: true }), (label, value) => {
      const registry = new MetricsRegistry();
      registry.gauge({ name: "g", help: "h", labelNames: ["l"] }).set({ l: label }, value);
      const [family] = parseExposition(registry.render());
      assert.deepEqual(family.samples[0].labels, { l: label });
      const parsed = family.samples[0].value;
      assert.ok(Object.is(parsed, value), `${value} came back as ${parsed}`);
    }),
    { numRuns: 300 },
  );
});

Deno.test("MetricsRegistry refuses bad names, reused names and wrong labels", () => {
  const registry = new MetricsRegistry();
  assert.throws(() => registry.counter({ name: "1bad", help: "" }), /the name must match/);
  assert.throws(
    () => registry.counter({ name: "c", help: "", labelNames: ["__reserved"] }),
    /label name "__reserved" is not allowed/,
  );
  assert.throws(
    () => registry.histogram({ name: "h", help: "", labelNames: ["le"] }),
    /label name "le" is not allowed/,
  );
  assert.throws(
    () => registry.counter({ name: "c", help: "", labelNames: ["a", "a"] }),
    /label name "a" is repeated/,
  );
  registry.histogram({ name: "latency", help: "" });
  assert.throws(
    () => registry.counter({ name: "latency_count", help: "" }),
    /Cannot register metric "latency_count": "latency_count" is already used by "latency"/,
  );
  assert.equal(registry.unregister("latency"), true);
  assert.equal(registry.unregister("latency"), false);
  registry.counter({ name: "latency_count", help: "" });

  const counter = registry.counter({ name: "c", help: "", labelNames: ["code"] });
  assert.throws(() => counter.inc({} as { code: string }), /label "code" needs a string value/);
  assert.throws(
    () => counter.inc({ code: "1", extra: "x" } as { code: string }),
    /Cannot update metric "c": it has no label "extra"/,
  );
  assert.throws(() => counter.inc({ code: "1" }, -1), RangeError);
});
