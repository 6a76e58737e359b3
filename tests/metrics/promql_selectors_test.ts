import assert from "node:assert/strict";
import { promqlSelectors } from "./promql_selectors.ts";

const ROWS: ReadonlyArray<
  { name: string; expr: string; expect: ReturnType<typeof promqlSelectors> }
> = [
  {
    name: "a bare metric",
    expr: "polaris_sync_leader",
    expect: { selectors: [{ metric: "polaris_sync_leader", labels: [] }], groupings: [] },
  },
  {
    name: "functions, a grouping, a range and a Grafana variable",
    expr:
      'histogram_quantile(0.99, sum by (le, path) (rate(x_bucket{job=~"$job"}[$__rate_interval])))',
    expect: { selectors: [{ metric: "x_bucket", labels: ["job"] }], groupings: ["le", "path"] },
  },
  {
    name: "a binary operation, a string holding braces, and absent()",
    expr: 'max(a) < 1 or absent(b{code!~"2.{5}|4(0)"}) / sum without (pod) (c)',
    expect: {
      selectors: [
        { metric: "a", labels: [] },
        { metric: "b", labels: ["code"] },
        { metric: "c", labels: [] },
      ],
      groupings: ["pod"],
    },
  },
  {
    name: "a number with an exponent and a grouping after the aggregation",
    expr: "sum(rate(d[5m])) by (cluster) > 1e3",
    expect: { selectors: [{ metric: "d", labels: [] }], groupings: ["cluster"] },
  },
];

for (const row of ROWS) {
  Deno.test(`promqlSelectors() reads ${row.name}`, () => {
    assert.deepEqual(promqlSelectors(row.expr), row.expect);
  });
}
