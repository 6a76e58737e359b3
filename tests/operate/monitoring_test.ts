/**
 * The Grafana dashboard and the Prometheus alert rules of `deploy/monitoring/` (docs/operating.md)
 * query only what a running controller exposes: every metric of every expression is a series of its
 * `/metrics`, and every label they match or group on is one README.md documents for that metric
 * (`tests/operate/metrics_test.ts` checks the README against the controller). The rules' own syntax
 * is checked by Prometheus' rule parser in `tests/operate/prometheus_rules_test.ts`.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { waitFor } from "../cluster/objects.ts";
import { startController } from "../e2e/controller_process.ts";
import { type ParsedFamily, parseExposition } from "../metrics/parse_exposition.ts";
import { promqlSelectors } from "../metrics/promql_selectors.ts";
import { readmeMetricRows } from "../metrics/readme_metrics.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MONITORING = `${ROOT}deploy/monitoring/`;

/** Labels Prometheus adds to every scraped series, and `le` of histogram buckets. */
const TARGET_LABELS = ["job", "instance", "namespace", "pod", "service", "container", "endpoint"];

/** One expression and where it is, for messages. */
interface Query {
  readonly where: string;
  readonly expr: string;
}

/** Every PromQL expression of the dashboard: panel targets and the variables' queries. */
function dashboardQueries(dashboard: Record<string, unknown>): Query[] {
  const queries: Query[] = [];
  type Panel = { title: string; targets?: { expr: string }[]; panels?: Panel[] };
  const visit = (panels: readonly Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        queries.push({ where: `panel "${panel.title}"`, expr: target.expr });
      }
      visit(panel.panels ?? []);
    }
  };
  visit(dashboard.panels as Panel[]);
  const variables = (dashboard.templating as { list: { name: string; query: unknown }[] }).list;
  for (const variable of variables) {
    const query = variable.query as { query?: string } | string;
    const text = typeof query === "string" ? query : query.query;
    const labelValues = /^label_values\((.+),\s*(\w+)\)$/.exec(text ?? "");
    if (labelValues) {
      queries.push({ where: `variable $${variable.name}`, expr: labelValues[1] });
    }
  }
  return queries;
}

/** Every alert expression of the PrometheusRule. */
function ruleQueries(rule: Record<string, unknown>): Query[] {
  const spec = rule.spec as { groups: { rules: { alert: string; expr: string }[] }[] };
  return spec.groups.flatMap((group) =>
    group.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))
  );
}

/** The series names a family exposes: its own, and a histogram's `_bucket`, `_sum`, `_count`. */
function seriesNames(families: readonly ParsedFamily[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const family of families) {
    names.set(family.name, family.name);
    if (family.type === "histogram") {
      for (const suffix of ["_bucket", "_sum", "_count"]) {
        names.set(family.name + suffix, family.name);
      }
    }
  }
  return names;
}

Deno.test({
  name: "the dashboard and the alert rules query only metrics and labels a controller exposes",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dashboard = JSON.parse(await Deno.readTextFile(`${MONITORING}grafana_dashboard.json`));
    const rule = parse(await Deno.readTextFile(`${MONITORING}prometheus_rule.yaml`));
    const queries = [...dashboardQueries(dashboard), ...ruleQueries(rule)];
    assert.ok(queries.length >= 20, `${queries.length} queries found`);
    const alerts = ruleQueries(rule).map((q) => q.where);
    for (
      const alert of [
        "PolarisSyncNoLeader",
        "PolarisSyncFailing",
        "PolarisSyncServiceConflictOrInvalid",
        "PolarisSyncWatchRestarts",
        "PolarisSyncPolarisErrors",
        "PolarisSyncLatencyHigh",
      ]
    ) assert.ok(alerts.includes(`alert ${alert}`), `${alert} is a rule`);

    const emulator = await startPolarisEmulator();
    const controller = await startController({
      config: [
        `serverAddress: ${emulator.url}`,
        "clusters:",
        `  - { clusterName: cluster-a, manifests: ${ROOT}examples/cluster-a }`,
        "serviceSync:",
        "  debounce: 50ms",
        "",
      ].join("\n"),
    });
    try {
      await controller.waitReady(120_000);
      const families = await waitFor(async () => {
        const parsed = parseExposition(await (await fetch(`${controller.url}/metrics`)).text());
        const synced = parsed.find((f) => f.name === "polaris_sync_sync_latency_seconds");
        return synced !== undefined && synced.samples.length > 0 && parsed;
      }, { what: "a sync observed in /metrics", timeoutMs: 60_000 });
      const series = seriesNames(families);
      const documented = readmeMetricRows(await Deno.readTextFile(`${ROOT}README.md`));
      for (const { where, expr } of queries) {
        const { selectors, groupings } = promqlSelectors(expr);
        assert.ok(selectors.length > 0, `${where} queries a metric: ${expr}`);
        const labels = new Set([...TARGET_LABELS, "le"]);
        for (const selector of selectors) {
          const family = series.get(selector.metric);
          assert.ok(family !== undefined, `${where}: ${selector.metric} is exposed (${expr})`);
          const known = documented[family]?.labels ?? [];
          for (const label of known) labels.add(label);
          for (const label of selector.labels) {
            assert.ok(
              known.includes(label) || TARGET_LABELS.includes(label),
              `${where}: ${selector.metric} has no label ${label}`,
            );
          }
        }
        for (const label of groupings) {
          assert.ok(labels.has(label), `${where}: no metric of "${expr}" has the label ${label}`);
        }
      }
      assert.equal(await controller.stop(), 0);
    } finally {
      await controller.stop();
      await emulator.stop();
    }
  },
});
