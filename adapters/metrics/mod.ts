/**
 * Prometheus metrics on prom-client (SPEC §6): its `Registry`, counters, gauges and histograms,
 * plus the two things the project adds, gauges computed at scrape time and the process metrics
 * that hold under Deno. Each controller makes its own `Registry`, never prom-client's global one,
 * so tests and several controllers in one process do not share counters.
 *
 * @module
 */

export { Counter, Gauge, Histogram, Registry } from "prom-client";
export { callbackGauge, type CallbackGaugeOptions, type GaugeReading } from "./callback_gauge.ts";
export {
  DEFAULT_METRICS_DROPPED,
  PROCESS_METRICS,
  registerProcessMetrics,
} from "./process_metrics.ts";
