/**
 * The metric tables of README.md's "Metrics" section, read row by row: what
 * `tests/operate/metrics_test.ts` compares with a running controller, and what the monitoring test
 * checks the dashboard's and the alert rules' labels against.
 *
 * @module
 */

import assert from "node:assert/strict";

/** One documented metric: its type and label names (`le` of histograms not included). */
export interface ReadmeMetric {
  readonly type: string;
  readonly labels: string[];
}

/**
 * Returns the rows of the tables in README.md's "Metrics" section: the metric, its type and its
 * label names, read from the first three columns (`none` for no labels).
 */
export function readmeMetricRows(readme: string): Record<string, ReadmeMetric> {
  const start = readme.indexOf("\n## Metrics\n");
  assert.ok(start >= 0, "README.md has a Metrics section");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const rows: Record<string, ReadmeMetric> = {};
  for (const line of section.split("\n")) {
    const cells = /^\|\s*`([a-z_]+)`\s*\|\s*(\w+)\s*\|([^|]*)\|/.exec(line);
    if (!cells) continue;
    const [, name, type, labels] = cells;
    assert.ok(!(name in rows), `README.md lists ${name} once`);
    rows[name] = {
      type,
      labels: labels.trim() === "none" ? [] : [...labels.matchAll(/`(\w+)`/g)].map((m) => m[1]),
    };
  }
  return rows;
}
