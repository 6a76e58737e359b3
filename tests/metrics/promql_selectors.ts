/**
 * Reads the metric selectors out of a PromQL expression, enough to check that a dashboard's or an
 * alert rule's expressions query metrics and labels the controller exposes: each metric name with
 * the label names its matchers use, and the label names of `by`/`without`/`on`/`ignoring`. Not a
 * PromQL parser: strings, durations and function calls are recognised, nothing is evaluated.
 *
 * @module
 */

/** One metric selector, e.g. `polaris_sync_service_actors{state="backoff"}`. */
export interface MetricSelector {
  readonly metric: string;
  /** Label names its matchers test, in order. */
  readonly labels: readonly string[];
}

/** What an expression reads. */
export interface ExpressionSelectors {
  readonly selectors: readonly MetricSelector[];
  /** Label names of grouping and matching clauses (`by (state)`, `on (cluster)`). */
  readonly groupings: readonly string[];
}

const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "and",
  "or",
  "unless",
  "offset",
  "atan2",
  "inf",
  "nan",
]);

const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;

/**
 * Returns the metric selectors and grouping labels of `expr`. Grafana variables (`$job`,
 * `$__rate_interval`) may appear where PromQL takes a string or a duration.
 *
 * @example
 * ```ts
 * import { promqlSelectors } from "./promql_selectors.ts";
 * promqlSelectors('sum by (state) (up{job="a"})');
 * // { selectors: [{ metric: "up", labels: ["job"] }], groupings: ["state"] }
 * ```
 */
export function promqlSelectors(expr: string): ExpressionSelectors {
  // Strings first: they may hold anything, braces and parentheses included.
  const text = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\[[^\]]*\]/g, " ");
  const groupings: string[] = [];
  const ungrouped = text.replace(GROUPING, (_, _word: string, list: string) => {
    for (const name of list.split(",")) if (name.trim() !== "") groupings.push(name.trim());
    return " ";
  });
  const selectors: MetricSelector[] = [];
  const token = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{([^}]*)\}|\()?|\{([^}]*)\}/g;
  for (const match of ungrouped.matchAll(token)) {
    const [, name, suffix, matchers, bare] = match;
    if (name === undefined) {
      // `{__name__="x"}` or another selector without a name before its braces.
      selectors.push({ metric: "", labels: labelNames(bare ?? "") });
      continue;
    }
    if (suffix === "(" || KEYWORDS.has(name.toLowerCase())) continue;
    const start = match.index ?? 0;
    if (start > 0 && /[$\w.]/.test(ungrouped[start - 1])) continue; // a variable or a number
    selectors.push({ metric: name, labels: labelNames(matchers ?? "") });
  }
  return { selectors, groupings };
}

function labelNames(matchers: string): string[] {
  return [...matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((m) => m[1]);
}
