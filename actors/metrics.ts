/**
 * The controller's Prometheus metrics (SPEC §6). Counters and histograms are fed by hooks; gauges
 * that describe the running system (actors by state, watch restarts) are read at scrape time, so
 * no work is done per event to keep them current. Each call makes its own prom-client `Registry`.
 *
 * @module
 */

import type { ClusterSource } from "../domain/cluster.ts";
import {
  callbackGauge,
  Counter,
  Histogram,
  registerProcessMetrics,
  Registry,
} from "../adapters/metrics/mod.ts";
import type { PolarisRequestReport } from "../adapters/polaris/mod.ts";
import type { Supervisor } from "./supervisor.ts";

/** The engine's metrics and the hooks that feed them. */
export interface EngineMetrics {
  readonly registry: Registry;
  observeRequest(report: PolarisRequestReport): void;
  observeBatch(kind: string, size: number): void;
  observeLatency(ms: number): void;
  /** Counts what became of one Kubernetes Event the engine asked for. */
  observeEvent(reason: string, result: string): void;
  /** Registers the gauges read from the running system; only the first call counts. */
  bind(system: {
    supervisor: Pick<Supervisor, "countByState">;
    sources: readonly Pick<ClusterSource, "clusterName" | "synced" | "status">[];
  }): void;
  /** The `/metrics` page: the text exposition and its `Content-Type`. */
  render(): Promise<{ contentType: string; text: string }>;
}

/** What `createMetrics()` is told. */
export interface MetricsOptions {
  /** Whether this replica may write to Polaris now (default: always). */
  readonly isLeader?: () => boolean;
  /**
   * Adds the process metrics (CPU, memory, heap, event-loop lag). Only the process that owns
   * the controller asks for them: they describe the process, not one controller in it.
   */
  readonly processMetrics?: boolean;
}

/** Creates the metric set; see `README.md` for the names and labels. */
export function createMetrics(options: MetricsOptions = {}): EngineMetrics {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({
    name: "polaris_sync_polaris_requests_total",
    help: 'Polaris HTTP requests by method, path and Polaris code (code "none" when no answer).',
    labelNames: ["method", "path", "code"],
    registers,
  });
  const retries = new Counter({
    name: "polaris_sync_polaris_retries_total",
    help: "Polaris HTTP requests that were retries of an earlier attempt.",
    labelNames: ["method", "path"],
    registers,
  });
  const requestSeconds = new Histogram({
    name: "polaris_sync_polaris_request_duration_seconds",
    help: "Duration of Polaris HTTP requests.",
    labelNames: ["method", "path"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const batchItems = new Histogram({
    name: "polaris_sync_batch_items",
    help: "Items per batch write sent by the writer, by kind.",
    labelNames: ["kind"],
    buckets: [1, 2, 5, 10, 20, 50, 100],
    registers,
  });
  const latency = new Histogram({
    name: "polaris_sync_sync_latency_seconds",
    help: "Time from a Kubernetes change to its service being reconciled in Polaris.",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers,
  });
  const kubeEvents = new Counter({
    name: "polaris_sync_kubernetes_events_total",
    help:
      "Kubernetes Events asked for, by reason and result (created, patched, deduplicated, rate_limited, failed).",
    labelNames: ["reason", "result"],
    registers,
  });
  if (options.processMetrics) registerProcessMetrics(registry);
  let bound = false;
  return {
    registry,
    observeRequest(report) {
      const code = report.code === undefined ? "none" : String(report.code);
      requests.inc({ method: report.method, path: report.path, code });
      const labels = { method: report.method, path: report.path };
      if (report.attempt > 1) retries.inc(labels);
      requestSeconds.observe(labels, report.durationMs / 1000);
    },
    observeBatch(kind, size) {
      batchItems.observe({ kind }, size);
    },
    observeLatency(ms) {
      latency.observe(ms / 1000);
    },
    observeEvent(reason, result) {
      kubeEvents.inc({ reason, result });
    },
    bind({ supervisor, sources }) {
      if (bound) return;
      bound = true;
      callbackGauge(registry, {
        name: "polaris_sync_service_actors",
        help: "Service actors by state.",
        labelNames: ["state"],
        read: () =>
          Object.entries(supervisor.countByState()).map(([state, value]) => ({
            labels: { state },
            value,
          })),
      });
      callbackGauge(registry, {
        name: "polaris_sync_watch_restarts",
        help:
          "Watch restarts per cluster and resource since start (a counter read at scrape time).",
        labelNames: ["cluster", "resource"],
        read: () =>
          sources.flatMap((source) => {
            const status = source.status();
            return status.resources.map((r) => ({
              labels: { cluster: status.clusterName, resource: r.resource },
              value: r.restarts,
            }));
          }),
      });
      callbackGauge(registry, {
        name: "polaris_sync_cluster_synced",
        help: "1 once a cluster source has finished its first full list.",
        labelNames: ["cluster"],
        read: () =>
          sources.map((s) => ({ labels: { cluster: s.clusterName }, value: s.synced ? 1 : 0 })),
      });
      callbackGauge(registry, {
        name: "polaris_sync_leader",
        help: "1 when this replica may write to Polaris (leader, or leader election off).",
        read: () => [{ labels: {}, value: (options.isLeader?.() ?? true) ? 1 : 0 }],
      });
    },
    render: async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
  };
}
