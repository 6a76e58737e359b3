/**
 * Prometheus gauges: values that go up and down, either set by the code that knows them or
 * computed by a callback when `/metrics` is scraped.
 *
 * @module
 */

import {
  type LabelValues,
  labelValuesOf,
  type RenderedSample,
  seriesKey,
  zipLabels,
} from "./_exposition.ts";

/**
 * A gauge set by the code (`set`, `inc`, `dec`); create it with `MetricsRegistry.gauge()`. A
 * gauge without labels renders `0` until it is first set.
 */
export class Gauge<L extends string = never> {
  /** The metric name. */
  readonly name: string;
  /** The HELP text. */
  readonly help: string;
  /** The label names, in rendering order. */
  readonly labelNames: readonly L[];
  #series = new Map<string, { values: string[]; value: number }>();

  /** Use `MetricsRegistry.gauge()`, which checks the names and registers the gauge. */
  constructor(name: string, help: string, labelNames: readonly L[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  /** Sets the series of `labels` to `value`. */
  set(labels: LabelValues<L>, value: number): void {
    const values = labelValuesOf(this.name, this.labelNames, labels);
    this.#series.set(seriesKey(values), { values, value });
  }

  /** Adds `amount` (default 1) to the series of `labels`. */
  inc(labels: LabelValues<L>, amount = 1): void {
    this.set(labels, this.get(labels) + amount);
  }

  /** Subtracts `amount` (default 1) from the series of `labels`. */
  dec(labels: LabelValues<L>, amount = 1): void {
    this.set(labels, this.get(labels) - amount);
  }

  /** Returns the current value of a series (0 when it was never set). */
  get(labels: LabelValues<L>): number {
    return this.#series.get(seriesKey(labelValuesOf(this.name, this.labelNames, labels)))?.value ??
      0;
  }

  /** Forgets one series, e.g. when the actor it described stopped. */
  remove(labels: LabelValues<L>): void {
    this.#series.delete(seriesKey(labelValuesOf(this.name, this.labelNames, labels)));
  }

  /** Returns the samples to render, sorted by label values. */
  collect(): RenderedSample[] {
    if (this.labelNames.length === 0 && this.#series.size === 0) {
      return [{ name: this.name, labels: [], value: 0 }];
    }
    return [...this.#series.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, s]) => ({
        name: this.name,
        labels: zipLabels(this.labelNames, s.values),
        value: s.value,
      }));
  }
}

/** One value a callback gauge reports at scrape time. */
export interface GaugeReading<L extends string> {
  readonly labels: LabelValues<L>;
  readonly value: number;
}

/**
 * A gauge whose values are computed at scrape time (e.g. actors by state, read from the
 * supervisor), so nothing has to keep it up to date; create it with
 * `MetricsRegistry.callbackGauge()`. It renders exactly what the callback returns.
 */
export class CallbackGauge<L extends string = never> {
  /** The metric name. */
  readonly name: string;
  /** The HELP text. */
  readonly help: string;
  /** The label names, in rendering order. */
  readonly labelNames: readonly L[];
  #read: () => Iterable<GaugeReading<L>>;

  /** Use `MetricsRegistry.callbackGauge()`, which checks the names and registers the gauge. */
  constructor(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Iterable<GaugeReading<L>>,
  ) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    this.#read = read;
  }

  /** Calls the callback and returns its readings as samples, sorted by label values. */
  collect(): RenderedSample[] {
    let readings: GaugeReading<L>[];
    try {
      readings = [...this.#read()];
    } catch (cause) {
      throw new Error(`Cannot read gauge "${this.name}": its callback failed`, { cause });
    }
    const byKey = new Map<string, RenderedSample>();
    for (const { labels, value } of readings) {
      const values = labelValuesOf(this.name, this.labelNames, labels);
      const key = seriesKey(values);
      if (byKey.has(key)) {
        throw new Error(`Cannot read gauge "${this.name}": its callback repeated labels ${key}`);
      }
      byKey.set(key, { name: this.name, labels: zipLabels(this.labelNames, values), value });
    }
    return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  }
}
