/**
 * Pieces of the Prometheus text exposition format 0.0.4 shared by the metric kinds: name checks,
 * label sets and escaping, value formatting.
 *
 * @module
 */

/** Metric names of the text format. */
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Label names of the text format (names starting with `__` are reserved for Prometheus). */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label values keyed by label name. */
export type LabelValues<L extends string> = Readonly<Record<L, string>>;

/** One rendered line before formatting: a sample name, its labels and value. */
export interface RenderedSample {
  readonly name: string;
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
}

/** Throws unless the metric name and label names are valid and the label names distinct. */
export function checkNames(
  name: string,
  labelNames: readonly string[],
  reserved: readonly string[],
) {
  if (!METRIC_NAME.test(name)) {
    throw new TypeError(`Cannot register metric "${name}": the name must match ${METRIC_NAME}`);
  }
  const seen = new Set<string>();
  for (const label of labelNames) {
    if (!LABEL_NAME.test(label) || label.startsWith("__") || reserved.includes(label)) {
      throw new TypeError(`Cannot register metric "${name}": label name "${label}" is not allowed`);
    }
    if (seen.has(label)) {
      throw new TypeError(`Cannot register metric "${name}": label name "${label}" is repeated`);
    }
    seen.add(label);
  }
}

/**
 * Returns the label values in `labelNames` order, checking that exactly those labels are given,
 * so a typo fails loudly instead of creating a stray series.
 */
export function labelValuesOf(
  metric: string,
  labelNames: readonly string[],
  labels: Readonly<Record<string, string>>,
): string[] {
  const given = Object.keys(labels);
  for (const key of given) {
    if (!labelNames.includes(key)) {
      throw new TypeError(`Cannot update metric "${metric}": it has no label "${key}"`);
    }
  }
  return labelNames.map((key) => {
    const value = labels[key];
    if (typeof value !== "string") {
      throw new TypeError(`Cannot update metric "${metric}": label "${key}" needs a string value`);
    }
    return value;
  });
}

/** Escapes a label value: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Escapes a HELP docstring: backslash and line feed. */
export function escapeHelp(help: string): string {
  return help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** Formats a sample value or bucket bound as Prometheus reads it (`+Inf`, `-Inf`, `NaN`). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  if (Object.is(value, -0)) return "-0";
  return String(value);
}

/** Formats one sample line (without the line feed). */
export function formatSample(sample: RenderedSample): string {
  const labels = sample.labels.length === 0
    ? ""
    : `{${sample.labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`;
  return `${sample.name}${labels} ${formatValue(sample.value)}`;
}

/** Pairs label names with values, for `RenderedSample.labels`. */
export function zipLabels(
  names: readonly string[],
  values: readonly string[],
): (readonly [string, string])[] {
  return names.map((name, i) => [name, values[i]] as const);
}

/** A stable key for a series, from its label values in label-name order. */
export function seriesKey(values: readonly string[]): string {
  return JSON.stringify(values);
}
