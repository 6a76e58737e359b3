/**
 * Gauges whose values are computed when `/metrics` is scraped (actors by state, read from the
 * supervisor; watch restarts, read from the cluster sources), built on prom-client's `collect()`
 * hook, so nothing has to keep them current between scrapes.
 *
 * @module
 */

import { Gauge, type Registry } from "prom-client";

/** One value a callback gauge reports at scrape time. */
export interface GaugeReading<L extends string> {
  readonly labels: Readonly<Record<L, string>>;
  readonly value: number;
}

/** What a callback gauge is declared with. */
export interface CallbackGaugeOptions<L extends string> {
  /** Metric name, e.g. `polaris_sync_service_actors`. */
  readonly name: string;
  /** One line saying what is measured, for the HELP line. */
  readonly help: string;
  /** Label names, in the order the page shows them; every reading gives exactly these. */
  readonly labelNames?: readonly L[];
  /** Returns every series of this scrape; a series it leaves out is not on the page. */
  readonly read: () => Iterable<GaugeReading<L>>;
}

/**
 * Registers on `registry` a gauge whose series are exactly what `options.read` returns at each
 * scrape. prom-client calls `collect()` before it renders the gauge; it clears the last scrape's
 * series first, so a state that no actor is in any more leaves the page instead of keeping its
 * last count. Labels are printed in `labelNames` order. Throws (and so fails the scrape) when
 * `read` throws or repeats a label set, as a repeated series is something Prometheus rejects.
 *
 * @example
 * ```ts
 * import { Registry } from "prom-client";
 * import { callbackGauge } from "./callback_gauge.ts";
 * const registry = new Registry();
 * callbackGauge(registry, {
 *   name: "actors",
 *   help: "Actors by state.",
 *   labelNames: ["state"],
 *   read: () => [{ labels: { state: "synced" }, value: 3 }],
 * });
 * if (!(await registry.metrics()).includes('actors{state="synced"} 3\n')) throw new Error("no");
 * ```
 */
export function callbackGauge<L extends string = never>(
  registry: Registry,
  options: CallbackGaugeOptions<L>,
): Gauge<L> {
  const { name, read } = options;
  const labelNames = [...(options.labelNames ?? [])];
  return new Gauge<L>({
    name,
    help: options.help,
    labelNames,
    registers: [registry],
    collect() {
      let readings: GaugeReading<L>[];
      try {
        readings = [...read()];
      } catch (cause) {
        throw new Error(`Cannot read gauge "${name}": its callback failed`, { cause });
      }
      const seen = new Set<string>();
      const series = readings.map(({ labels, value }) => {
        const values = labelNames.map((label) => labels[label]);
        const key = JSON.stringify(values);
        if (seen.has(key)) {
          throw new Error(`Cannot read gauge "${name}": its callback repeated labels ${key}`);
        }
        seen.add(key);
        // Rebuilt in `labelNames` order: prom-client prints labels in the object's order.
        const ordered = Object.fromEntries(labelNames.map((label, i) => [label, values[i]]));
        return { labels: ordered as Record<L, string>, value };
      });
      this.reset();
      for (const { labels, value } of series) this.set(labels, value);
    },
  });
}
