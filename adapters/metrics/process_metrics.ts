/**
 * The process's own metrics (CPU, memory, V8 heap, event-loop lag) on a controller's Registry:
 * prom-client's default metrics, less those that report nothing true under Deno, with the
 * resident memory read the way Deno allows. What was measured is in `docs/decisions.md` §16.
 *
 * @module
 */

import { collectDefaultMetrics, Gauge, type Registry } from "prom-client";

const LAG_HISTOGRAM =
  "Deno's monitorEventLoopDelay() misses blocked time (1.2 ms after a 1 s block)";
const ONLY_NODE_RESOURCES = "sees node:net sockets and timers, not Deno.serve or fetch";

/**
 * The prom-client default metrics this module removes, each with what it shows under Deno 2.
 * Deno opens `/proc/self/*` only under `--allow-all`, which the controller never has, and
 * prom-client swallows the error, so those gauges would read 0 for ever.
 */
export const DEFAULT_METRICS_DROPPED: Readonly<Record<string, string>> = Object.freeze({
  process_virtual_memory_bytes: "read from /proc/self/status: 0 without --allow-all",
  process_heap_bytes: "read from /proc/self/status: 0 without --allow-all",
  process_open_fds: "read from /proc/self/fd: 0 without --allow-all",
  process_max_fds: "read from /proc/self/limits: absent without --allow-all",
  nodejs_eventloop_lag_min_seconds: LAG_HISTOGRAM,
  nodejs_eventloop_lag_max_seconds: LAG_HISTOGRAM,
  nodejs_eventloop_lag_mean_seconds: LAG_HISTOGRAM,
  nodejs_eventloop_lag_stddev_seconds: LAG_HISTOGRAM,
  nodejs_eventloop_lag_p50_seconds: LAG_HISTOGRAM,
  nodejs_eventloop_lag_p90_seconds: LAG_HISTOGRAM,
  nodejs_eventloop_lag_p99_seconds: LAG_HISTOGRAM,
  nodejs_gc_duration_seconds: "Deno's PerformanceObserver never delivers gc entries: no samples",
  nodejs_active_handles: ONLY_NODE_RESOURCES,
  nodejs_active_handles_total: ONLY_NODE_RESOURCES,
  nodejs_active_requests: "no libuv requests under Deno: always empty",
  nodejs_active_requests_total: "no libuv requests under Deno: always 0",
  nodejs_active_resources: ONLY_NODE_RESOURCES,
  nodejs_active_resources_total: ONLY_NODE_RESOURCES,
  nodejs_version_info: "the Node.js version Deno emulates, not the runtime's",
});

/** Names, types and label names of the process metrics `registerProcessMetrics()` adds. */
export const PROCESS_METRICS: Readonly<
  Record<string, { readonly type: "counter" | "gauge"; readonly labels: readonly string[] }>
> = Object.freeze({
  process_cpu_user_seconds_total: { type: "counter", labels: [] },
  process_cpu_system_seconds_total: { type: "counter", labels: [] },
  process_cpu_seconds_total: { type: "counter", labels: [] },
  process_start_time_seconds: { type: "gauge", labels: [] },
  process_resident_memory_bytes: { type: "gauge", labels: [] },
  nodejs_eventloop_lag_seconds: { type: "gauge", labels: [] },
  nodejs_heap_size_total_bytes: { type: "gauge", labels: [] },
  nodejs_heap_size_used_bytes: { type: "gauge", labels: [] },
  nodejs_external_memory_bytes: { type: "gauge", labels: [] },
  nodejs_heap_space_size_total_bytes: { type: "gauge", labels: ["space"] },
  nodejs_heap_space_size_used_bytes: { type: "gauge", labels: ["space"] },
  nodejs_heap_space_size_available_bytes: { type: "gauge", labels: ["space"] },
});

/**
 * How often prom-client's `monitorEventLoopDelay()` samples, in ms. Its percentiles are dropped
 * (they are wrong under Deno) but prom-client starts the monitor anyway. Measured on an idle
 * process: at prom-client's default of 10 ms it adds about 3 ms of CPU a second, at 1000 ms 0.2.
 */
const UNUSED_LOOP_MONITOR_MS = 1000;

/**
 * Registers the process metrics on `registry` (call it once per Registry: prom-client refuses a
 * name twice). They are prom-client's `collectDefaultMetrics()`, then every name of
 * `DEFAULT_METRICS_DROPPED` is removed again, and `process_resident_memory_bytes` is replaced:
 * on Linux prom-client reads it from `/proc/self/status` (0 under Deno); here it comes from
 * `Deno.memoryUsage().rss`, which needs no permission. The collectors behind the removed names
 * keep running, as prom-client has no way to skip them; none of them logs or throws.
 */
export function registerProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({
    register: registry,
    eventLoopMonitoringPrecision: UNUSED_LOOP_MONITOR_MS,
  });
  registry.removeSingleMetric("process_resident_memory_bytes");
  for (const name of Object.keys(DEFAULT_METRICS_DROPPED)) registry.removeSingleMetric(name);
  new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes.",
    registers: [registry],
    collect() {
      this.set(Deno.memoryUsage().rss);
    },
  });
}
