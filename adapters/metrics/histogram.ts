/**
 * A Prometheus histogram with fixed buckets.
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

/** The Prometheus client libraries' default buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
]);

interface Series {
  values: string[];
  /** Observations per bucket, not cumulative; the last slot is `+Inf`. */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A histogram with fixed upper bounds; create it with `MetricsRegistry.histogram()`. It renders
 * cumulative `_bucket{le=...}` samples ending with `le="+Inf"`, then `_sum` and `_count`, as the
 * text format requires. A histogram without labels renders empty buckets before the first
 * observation.
 */
export class Histogram<L extends string = never> {
  /** The metric name (the samples add `_bucket`, `_sum`, `_count`). */
  readonly name: string;
  /** The HELP text. */
  readonly help: string;
  /** The label names, in rendering order (`le` is added by the histogram). */
  readonly labelNames: readonly L[];
  /** The finite upper bounds, ascending; `+Inf` is implicit. */
  readonly buckets: readonly number[];
  #series = new Map<string, Series>();

  /** Use `MetricsRegistry.histogram()`, which checks the names and registers the histogram. */
  constructor(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]) {
    buckets.forEach((bound, i) => {
      if (!Number.isFinite(bound) || (i > 0 && bound <= buckets[i - 1])) {
        throw new RangeError(
          `Cannot register histogram "${name}": buckets must be finite and strictly increasing, got ${
            JSON.stringify(buckets)
          }`,
        );
      }
    });
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    this.buckets = Object.freeze([...buckets]);
  }

  /** Records one observation in the series of `labels`. */
  observe(labels: LabelValues<L>, value: number): void {
    if (Number.isNaN(value)) {
      throw new RangeError(`Cannot observe NaN in histogram "${this.name}"`);
    }
    const values = labelValuesOf(this.name, this.labelNames, labels);
    const key = seriesKey(values);
    const series = this.#series.get(key) ?? this.#empty(values);
    this.#series.set(key, series);
    const index = this.buckets.findIndex((bound) => value <= bound);
    series.counts[index < 0 ? this.buckets.length : index] += 1;
    series.sum += value;
    series.count += 1;
  }

  /** Returns the observation count and sum of one series. */
  get(labels: LabelValues<L>): { count: number; sum: number } {
    const series = this.#series.get(seriesKey(labelValuesOf(this.name, this.labelNames, labels)));
    return { count: series?.count ?? 0, sum: series?.sum ?? 0 };
  }

  /** Forgets one series. */
  remove(labels: LabelValues<L>): void {
    this.#series.delete(seriesKey(labelValuesOf(this.name, this.labelNames, labels)));
  }

  /** Returns the samples to render: per series, cumulative buckets, `_sum`, `_count`. */
  collect(): RenderedSample[] {
    const entries = [...this.#series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const all = entries.length === 0 && this.labelNames.length === 0
      ? [this.#empty([])]
      : entries.map(([, series]) => series);
    return all.flatMap((series) => {
      const labels = zipLabels(this.labelNames, series.values);
      let cumulative = 0;
      const bounds = [...this.buckets, Infinity];
      const buckets = bounds.map((bound, i): RenderedSample => {
        cumulative += series.counts[i];
        const le = bound === Infinity ? "+Inf" : String(bound);
        return { name: `${this.name}_bucket`, labels: [...labels, ["le", le]], value: cumulative };
      });
      return [
        ...buckets,
        { name: `${this.name}_sum`, labels, value: series.sum },
        { name: `${this.name}_count`, labels, value: series.count },
      ];
    });
  }

  #empty(values: string[]): Series {
    return { values, counts: new Array(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }
}
