/**
 * A registry of Prometheus metrics rendered in the text exposition format 0.0.4, for `/metrics`
 * (SPEC §6). Written here rather than taken from npm to keep the image small and the format under
 * our tests.
 *
 * @module
 */

import { checkNames, escapeHelp, formatSample, type RenderedSample } from "./_exposition.ts";
import { Counter } from "./counter.ts";
import { CallbackGauge, Gauge, type GaugeReading } from "./gauge.ts";
import { DEFAULT_BUCKETS, Histogram } from "./histogram.ts";

/** The `Content-Type` of a `/metrics` answer in the text format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** What every metric is declared with. */
export interface MetricOptions<L extends string> {
  /** Metric name, e.g. `polaris_requests_total`. */
  readonly name: string;
  /** One line saying what is measured, for the HELP line. */
  readonly help: string;
  /** Label names; every update must give exactly these. */
  readonly labelNames?: readonly L[];
}

/** Options of a histogram: its finite upper bounds (default `DEFAULT_BUCKETS`). */
export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  readonly buckets?: readonly number[];
}

/** Options of a callback gauge: the function that reads its values at scrape time. */
export interface CallbackGaugeOptions<L extends string> extends MetricOptions<L> {
  readonly read: () => Iterable<GaugeReading<L>>;
}

/** What the registry needs from any metric to render it. */
interface Collectable {
  readonly name: string;
  readonly help: string;
  collect(): readonly RenderedSample[];
}

type MetricType = "counter" | "gauge" | "histogram";

/**
 * Holds the metrics of one process and renders them. Instances, not a module-level singleton, so
 * tests and several controllers in one process do not share counters.
 *
 * @example
 * ```ts
 * import { MetricsRegistry } from "./metrics_registry.ts";
 * const registry = new MetricsRegistry();
 * const requests = registry.counter({ name: "requests_total", help: "Requests.", labelNames: ["code"] });
 * requests.inc({ code: "200" });
 * if (!registry.render().includes('requests_total{code="200"} 1\n')) throw new Error("unexpected");
 * ```
 */
export class MetricsRegistry {
  #metrics = new Map<string, { metric: Collectable; type: MetricType }>();
  #sampleNames = new Map<string, string>();

  /** Creates and registers a counter. */
  counter<L extends string = never>(options: MetricOptions<L>): Counter<L> {
    const labelNames = options.labelNames ?? [];
    checkNames(options.name, labelNames, []);
    return this.#add(new Counter(options.name, options.help, labelNames), "counter", [
      options.name,
    ]);
  }

  /** Creates and registers a gauge that the code sets. */
  gauge<L extends string = never>(options: MetricOptions<L>): Gauge<L> {
    const labelNames = options.labelNames ?? [];
    checkNames(options.name, labelNames, []);
    return this.#add(new Gauge(options.name, options.help, labelNames), "gauge", [options.name]);
  }

  /** Creates and registers a gauge whose values `read` computes at each render. */
  callbackGauge<L extends string = never>(options: CallbackGaugeOptions<L>): CallbackGauge<L> {
    const labelNames = options.labelNames ?? [];
    checkNames(options.name, labelNames, []);
    const gauge = new CallbackGauge(options.name, options.help, labelNames, options.read);
    return this.#add(gauge, "gauge", [options.name]);
  }

  /** Creates and registers a histogram (label `le` is reserved for its buckets). */
  histogram<L extends string = never>(options: HistogramOptions<L>): Histogram<L> {
    const labelNames = options.labelNames ?? [];
    checkNames(options.name, labelNames, ["le"]);
    const histogram = new Histogram(
      options.name,
      options.help,
      labelNames,
      options.buckets ?? DEFAULT_BUCKETS,
    );
    const { name } = options;
    return this.#add(histogram, "histogram", [
      name,
      `${name}_bucket`,
      `${name}_sum`,
      `${name}_count`,
    ]);
  }

  /** Removes a metric by name; returns whether it was registered. */
  unregister(name: string): boolean {
    if (!this.#metrics.delete(name)) return false;
    for (const [sample, owner] of this.#sampleNames) {
      if (owner === name) this.#sampleNames.delete(sample);
    }
    return true;
  }

  /**
   * Renders every metric in registration order: a HELP and a TYPE line per metric, then its
   * samples. Ends with a line feed when anything is registered, as the format requires.
   */
  render(): string {
    const lines: string[] = [];
    for (const { metric, type } of this.#metrics.values()) {
      lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`);
      lines.push(`# TYPE ${metric.name} ${type}`);
      for (const sample of metric.collect()) lines.push(formatSample(sample));
    }
    return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  }

  #add<M extends Collectable>(metric: M, type: MetricType, sampleNames: readonly string[]): M {
    for (const sample of sampleNames) {
      const owner = this.#sampleNames.get(sample);
      if (owner !== undefined) {
        throw new Error(
          `Cannot register metric "${metric.name}": "${sample}" is already used by "${owner}"`,
        );
      }
    }
    for (const sample of sampleNames) this.#sampleNames.set(sample, metric.name);
    this.#metrics.set(metric.name, { metric, type });
    return metric;
  }
}
