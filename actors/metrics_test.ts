import assert from "node:assert/strict";
import type { ClusterSourceStatus } from "../domain/cluster.ts";
import { SERVICE_STATES, type ServiceState } from "../machines/service_machine.ts";
import { createMetrics } from "./metrics.ts";
import { findSample, parseExposition } from "../tests/metrics/parse_exposition.ts";

/** A supervisor with these actor counts (0 for the other states) and one listed cluster. */
function fakeSystem(counts: Partial<Record<ServiceState, number>>) {
  const byState = Object.fromEntries(SERVICE_STATES.map((state) => [state, counts[state] ?? 0]));
  const status: ClusterSourceStatus = {
    clusterName: "cluster-a",
    synced: true,
    resources: [
      { resource: "services", phase: "watching", resourceVersion: "1", objects: 3, restarts: 2 },
    ],
  };
  return {
    supervisor: { countByState: () => byState as Record<ServiceState, number> },
    sources: [{ clusterName: "cluster-a", synced: true, status: () => status }],
  };
}

Deno.test("createMetrics() renders every polaris_sync_ family with its type and labels", async () => {
  const metrics = createMetrics({ isLeader: () => false });
  metrics.observeRequest({
    method: "POST",
    path: "/naming/v1/instances",
    code: 200000,
    status: 200,
    durationMs: 30,
    attempt: 2,
  });
  metrics.observeRequest({
    method: "GET",
    path: "/naming/v1/instances",
    code: undefined,
    status: undefined,
    durationMs: 10_000,
    attempt: 1,
  });
  metrics.observeBatch("create", 12);
  metrics.observeLatency(1500);
  metrics.observeEvent("SyncConflict", "deduplicated");
  metrics.bind(fakeSystem({ synced: 9, conflict: 1 }));

  const page = await metrics.render();
  assert.equal(page.contentType, "text/plain; version=0.0.4; charset=utf-8");
  const families = parseExposition(page.text);
  assert.deepEqual(
    Object.fromEntries(families.map((f) => [f.name, f.type])),
    {
      polaris_sync_polaris_requests_total: "counter",
      polaris_sync_polaris_retries_total: "counter",
      polaris_sync_polaris_request_duration_seconds: "histogram",
      polaris_sync_batch_items: "histogram",
      polaris_sync_sync_latency_seconds: "histogram",
      polaris_sync_kubernetes_events_total: "counter",
      polaris_sync_service_actors: "gauge",
      polaris_sync_watch_restarts: "gauge",
      polaris_sync_cluster_synced: "gauge",
      polaris_sync_leader: "gauge",
    },
  );
  const sample = (name: string, labels: Record<string, string> = {}) =>
    findSample(families, name, labels)?.value;
  const post = { method: "POST", path: "/naming/v1/instances" };
  assert.equal(sample("polaris_sync_polaris_requests_total", { ...post, code: "200000" }), 1);
  assert.equal(
    sample("polaris_sync_polaris_requests_total", { ...post, method: "GET", code: "none" }),
    1,
  );
  assert.equal(sample("polaris_sync_polaris_retries_total", post), 1);
  assert.equal(sample("polaris_sync_polaris_request_duration_seconds_sum", post), 0.03);
  assert.equal(
    sample("polaris_sync_polaris_request_duration_seconds_bucket", { ...post, le: "0.05" }),
    1,
  );
  assert.equal(sample("polaris_sync_batch_items_bucket", { kind: "create", le: "10" }), 0);
  assert.equal(sample("polaris_sync_batch_items_bucket", { kind: "create", le: "20" }), 1);
  assert.equal(sample("polaris_sync_sync_latency_seconds_sum"), 1.5);
  assert.equal(sample("polaris_sync_service_actors", { state: "synced" }), 9);
  assert.equal(sample("polaris_sync_service_actors", { state: "conflict" }), 1);
  assert.equal(
    sample("polaris_sync_watch_restarts", { cluster: "cluster-a", resource: "services" }),
    2,
  );
  assert.equal(sample("polaris_sync_cluster_synced", { cluster: "cluster-a" }), 1);
  assert.equal(sample("polaris_sync_leader"), 0);
  // tests/operate/events_test.ts reads this line as text.
  assert.match(
    page.text,
    /\npolaris_sync_kubernetes_events_total\{reason="SyncConflict",result="deduplicated"\} 1\n/,
  );
  assert.ok(families.every((f) => (f.help ?? "").length > 10), "every family has a HELP text");
});

Deno.test("createMetrics() renders empty label-less histograms and counters before any event", async () => {
  const families = parseExposition((await createMetrics().render()).text);
  assert.equal(
    findSample(families, "polaris_sync_sync_latency_seconds_bucket", { le: "+Inf" })?.value,
    0,
  );
  assert.equal(findSample(families, "polaris_sync_sync_latency_seconds_count")?.value, 0);
  const requests = families.find((f) => f.name === "polaris_sync_polaris_requests_total");
  assert.deepEqual(requests?.samples, []);
});

Deno.test("createMetrics() adds the process metrics only when asked", async () => {
  const without = parseExposition((await createMetrics().render()).text);
  assert.ok(without.every((f) => f.name.startsWith("polaris_sync_")));
  const withThem = parseExposition((await createMetrics({ processMetrics: true }).render()).text);
  assert.ok((findSample(withThem, "process_resident_memory_bytes")?.value ?? 0) > 0);
  assert.ok(!withThem.some((f) => f.name === "polaris_sync_leader"), "bind() adds the gauges");
});
