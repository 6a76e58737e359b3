/**
 * A Prometheus counter: a value per label set that only goes up.
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
 * A counter with a fixed set of label names; create it with `MetricsRegistry.counter()`. A
 * counter without labels renders `0` before its first increment, so a rate over it starts from a
 * known point; a labelled one renders only the label sets it has seen.
 */
export class Counter<L extends string = never> {
  /** The metric name. */
  readonly name: string;
  /** The HELP text. */
  readonly help: string;
  /** The label names, in rendering order. */
  readonly labelNames: readonly L[];
  #series = new Map<string, { values: string[]; value: number }>();

  /** Use `MetricsRegistry.counter()`, which checks the names and registers the counter. */
  constructor(name: string, help: string, labelNames: readonly L[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  /** Adds `amount` (default 1, never negative) to the series of `labels`. */
  inc(labels: LabelValues<L>, amount = 1): void {
    if (!(amount >= 0) || amount === Infinity) {
      throw new RangeError(
        `Cannot increase counter "${this.name}" by ${amount}: counters only go up by finite amounts`,
      );
    }
    const values = labelValuesOf(this.name, this.labelNames, labels);
    const key = seriesKey(values);
    const series = this.#series.get(key) ?? { values, value: 0 };
    series.value += amount;
    this.#series.set(key, series);
  }

  /** Returns the current value of a series (0 when it was never increased). */
  get(labels: LabelValues<L>): number {
    return this.#series.get(seriesKey(labelValuesOf(this.name, this.labelNames, labels)))?.value ??
      0;
  }

  /** Forgets one series, e.g. when the object it counted for is gone. */
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
