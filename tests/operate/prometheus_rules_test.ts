/**
 * `deploy/monitoring/prometheus_rule.yaml` passes Prometheus' own rule check: its `spec` is a rule
 * file, read by `check-rules` (tests/deps/prometheus-rules: Prometheus' rulefmt, the parser
 * `promtool check rules` uses, built by `bash tests/deps/build-go-deps.sh prometheus-rules`).
 * Every PromQL expression, template, duration and name is checked; a broken copy is refused.
 */
import assert from "node:assert/strict";
import { parse, stringify } from "yaml";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The folder holding `check-rules`, named by the Prometheus version its wrapper pins. */
function checkRulesPath(): string {
  const goMod = Deno.readTextFileSync(`${ROOT}tests/deps/prometheus-rules/go.mod`);
  const version = /^\s*github\.com\/prometheus\/prometheus\s+(v\S+)/m.exec(goMod)?.[1];
  assert.ok(version, "tests/deps/prometheus-rules/go.mod pins github.com/prometheus/prometheus");
  const cache = Deno.env.get("XDG_CACHE_HOME") || `${Deno.env.get("HOME") ?? ""}/.cache`;
  return `${cache}/polaris-k8s-sync/prometheus-rules-${version}/check-rules`;
}

/** Runs `check-rules` on the PrometheusRule's `spec`, written as a Prometheus rule file. */
async function checkRules(spec: unknown): Promise<{ code: number; text: string }> {
  const binary = checkRulesPath();
  try {
    await Deno.stat(binary);
  } catch {
    assert.fail(`${binary} is missing: run bash tests/deps/build-go-deps.sh prometheus-rules`);
  }
  const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-sync-rules-" });
  try {
    await Deno.writeTextFile(`${dir}/rules.yaml`, stringify(spec));
    const output = await new Deno.Command(binary, { args: [`${dir}/rules.yaml`] }).output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      text: decoder.decode(output.stdout) + decoder.decode(output.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const rule = parse(
  await Deno.readTextFile(`${ROOT}deploy/monitoring/prometheus_rule.yaml`),
) as { kind: string; spec: { groups: { rules: { alert: string; expr: string }[] }[] } };

Deno.test("the PrometheusRule's rules pass Prometheus' rule check", async () => {
  assert.equal(rule.kind, "PrometheusRule");
  const { code, text } = await checkRules(rule.spec);
  assert.equal(code, 0, text);
  assert.match(text, /: 6 rules found\n$/);
});

Deno.test("the rule check refuses a broken expression and a broken template", async () => {
  const broken = structuredClone(rule.spec);
  broken.groups[0].rules[0].expr = "max(polaris_sync_leader) <";
  (broken.groups[0].rules[1] as { annotations?: Record<string, string> }).annotations = {
    summary: "{{ $value ",
  };
  const { code, text } = await checkRules(broken);
  assert.equal(code, 1, text);
  assert.match(text, /PolarisSyncNoLeader|parse error/);
  assert.match(text, /template/);
});
