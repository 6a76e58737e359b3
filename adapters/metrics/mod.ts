/**
 * Prometheus metrics without dependencies: counters, gauges (set or computed at scrape time) and
 * histograms rendered in the text exposition format 0.0.4, plus a strict parser of that format
 * for tests of `/metrics` (SPEC §6).
 *
 * @module
 */

export {
  type CallbackGaugeOptions,
  type HistogramOptions,
  type MetricOptions,
  MetricsRegistry,
  PROMETHEUS_CONTENT_TYPE,
} from "./metrics_registry.ts";
export { Counter } from "./counter.ts";
export { CallbackGauge, Gauge, type GaugeReading } from "./gauge.ts";
export { DEFAULT_BUCKETS, Histogram } from "./histogram.ts";
export type { LabelValues } from "./_exposition.ts";
