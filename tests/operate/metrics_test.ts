/**
 * `/metrics` of a running controller process (SPEC §6): it parses as strict Prometheus text,
 * holds every family with its labels and plausible values after a sync of `examples/`, and the
 * tables of README.md's "Metrics" section list exactly these families, types and labels.
 */
import assert from "node:assert/strict";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { findSample, type ParsedFamily, parseExposition } from "../metrics/parse_exposition.ts";
import { waitFor } from "../cluster/objects.ts";
import { startController } from "../e2e/controller_process.ts";
import { PROCESS_METRICS } from "../../adapters/metrics/process_metrics.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Every family the controller exposes, with its type and label names. */
const FAMILIES: Readonly<Record<string, { type: string; labels: readonly string[] }>> = {
  polaris_sync_polaris_requests_total: { type: "counter", labels: ["method", "path", "code"] },
  polaris_sync_polaris_retries_total: { type: "counter", labels: ["method", "path"] },
  polaris_sync_polaris_request_duration_seconds: {
    type: "histogram",
    labels: ["method", "path"],
  },
  polaris_sync_batch_items: { type: "histogram", labels: ["kind"] },
  polaris_sync_sync_latency_seconds: { type: "histogram", labels: [] },
  polaris_sync_kubernetes_events_total: { type: "counter", labels: ["reason", "result"] },
  polaris_sync_service_actors: { type: "gauge", labels: ["state"] },
  polaris_sync_watch_restarts: { type: "gauge", labels: ["cluster", "resource"] },
  polaris_sync_cluster_synced: { type: "gauge", labels: ["cluster"] },
  polaris_sync_leader: { type: "gauge", labels: [] },
  // prom-client's default metrics that hold under Deno (docs/decisions.md §16).
  ...PROCESS_METRICS,
};

/**
 * The rows of the tables in README.md's "Metrics" section: the metric, its type and its label
 * names, read from the first three columns (`none` for no labels).
 */
function readmeRows(readme: string): Record<string, { type: string; labels: string[] }> {
  const start = readme.indexOf("\n## Metrics\n");
  assert.ok(start >= 0, "README.md has a Metrics section");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const rows: Record<string, { type: string; labels: string[] }> = {};
  for (const line of section.split("\n")) {
    const cells = /^\|\s*`([a-z_]+)`\s*\|\s*(\w+)\s*\|([^|]*)\|/.exec(line);
    if (!cells) continue;
    const [, name, type, labels] = cells;
    assert.ok(!(name in rows), `README.md lists ${name} once`);
    rows[name] = {
      type,
      labels: labels.trim() === "none" ? [] : [...labels.matchAll(/`(\w+)`/g)].map((m) => m[1]),
    };
  }
  return rows;
}

function labelNames(family: ParsedFamily): string[] {
  const names = new Set<string>();
  for (const sample of family.samples) {
    for (const name of Object.keys(sample.labels)) if (name !== "le") names.add(name);
  }
  return [...names].sort();
}

Deno.test({
  name: "/metrics parses, holds every documented family, and counts the sync of examples/",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const emulator = await startPolarisEmulator();
    const controller = await startController({
      config: [
        `serverAddress: ${emulator.url}`,
        "clusters:",
        `  - { clusterName: cluster-a, manifests: ${ROOT}examples/cluster-a }`,
        `  - { clusterName: cluster-b, manifests: ${ROOT}examples/cluster-b }`,
        "serviceSync:",
        "  debounce: 50ms",
        "",
      ].join("\n"),
    });
    try {
      await controller.waitReady(120_000);
      const families = await waitFor(async () => {
        const response = await fetch(`${controller.url}/metrics`);
        assert.equal(
          response.headers.get("content-type"),
          "text/plain; version=0.0.4; charset=utf-8",
        );
        const parsed = parseExposition(await response.text());
        const actors = (state: string) =>
          findSample(parsed, "polaris_sync_service_actors", { state })?.value;
        return actors("synced") === 9 && actors("conflict") === 1 && actors("invalid") === 1 &&
          parsed;
      }, { what: "the examples synced in /metrics", timeoutMs: 60_000 });

      for (const [name, expected] of Object.entries(FAMILIES)) {
        const family = families.find((f) => f.name === name);
        assert.ok(family !== undefined, `family ${name} is exposed`);
        assert.equal(family.type, expected.type, `type of ${name}`);
        assert.ok(family.help !== undefined && family.help.length > 10, `${name} has a HELP text`);
        if (family.samples.length > 0) {
          assert.deepEqual(labelNames(family), [...expected.labels].sort(), `labels of ${name}`);
        }
      }
      assert.deepEqual(
        families.map((f) => f.name).filter((n) => !(n in FAMILIES)),
        [],
        "no unexpected family",
      );

      const created = findSample(families, "polaris_sync_polaris_requests_total", {
        method: "POST",
        path: "/naming/v1/instances",
        code: "200000",
      });
      assert.ok((created?.value ?? 0) >= 1, "instance creates are counted with their Polaris code");
      const batches = findSample(families, "polaris_sync_batch_items_count", { kind: "create" });
      assert.ok((batches?.value ?? 0) >= 1, "create batches are observed");
      const latency = findSample(families, "polaris_sync_sync_latency_seconds_count");
      assert.ok((latency?.value ?? 0) >= 10, "every synced service observed a latency");
      assert.equal(
        findSample(families, "polaris_sync_cluster_synced", { cluster: "cluster-a" })
          ?.value,
        1,
      );
      assert.equal(
        findSample(families, "polaris_sync_cluster_synced", { cluster: "cluster-b" })
          ?.value,
        1,
      );
      assert.equal(findSample(families, "polaris_sync_leader")?.value, 1, "no election: writer");
      const restarts = families.find((f) => f.name === "polaris_sync_watch_restarts")!;
      assert.ok(
        restarts.samples.some((s) => s.labels.cluster === "cluster-b"),
        "watch restarts per cluster and resource",
      );
      // The process runs without --allow-all, so these cannot come from /proc/self.
      const read = (name: string) => findSample(families, name)?.value ?? 0;
      assert.ok(read("process_resident_memory_bytes") > 10 * 2 ** 20, "RSS is read");
      assert.ok(read("process_cpu_seconds_total") > 0, "CPU time is read");
      assert.ok(read("nodejs_heap_size_used_bytes") > 0, "the V8 heap is read");

      // The README's tables list exactly these families, with their types and labels.
      const rows = readmeRows(await Deno.readTextFile(`${ROOT}README.md`));
      assert.deepEqual(Object.keys(rows).sort(), Object.keys(FAMILIES).sort(), "README rows");
      for (const [name, expected] of Object.entries(FAMILIES)) {
        assert.equal(rows[name].type, expected.type, `README.md type of ${name}`);
        assert.deepEqual(rows[name].labels, [...expected.labels], `README.md labels of ${name}`);
      }
      assert.equal(await controller.stop(), 0);
    } finally {
      await controller.stop();
      await emulator.stop();
    }
  },
});
