import assert from "node:assert/strict";
import { parseJunit, tierTotals } from "./tiers.ts";

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="deno test" tests="6" failures="1" errors="0" time="1">
    <testsuite name="./tests/e2e/a_test.ts" tests="2" disabled="0" errors="0" failures="1">
        <testcase name="ok one" classname="./tests/e2e/a_test.ts" time="0.1" line="1" col="1">
        </testcase>
        <testcase name="bad &quot;one&quot;" classname="./tests/e2e/a_test.ts" time="0.1" line="2" col="1">
            <failure message="Uncaught Error">boom</failure>
        </testcase>
    </testsuite>
    <testsuite name="./adapters/kubernetes/source_v1_20_cluster_test.ts" tests="1" disabled="0" errors="0" failures="0">
        <testcase name="old" classname="x" time="0.1" line="1" col="1">
        </testcase>
    </testsuite>
    <testsuite name="./adapters/kubernetes/source_cluster_test.ts" tests="1" disabled="0" errors="0" failures="0">
        <testcase name="current" classname="x" time="0.1" line="1" col="1">
        </testcase>
        <testcase name="current &gt; one step" classname="x" time="0.1" line="2" col="1">
        </testcase>
    </testsuite>
    <testsuite name="./domain/rule_test.ts" tests="2" disabled="1" errors="0" failures="0">
        <testcase name="pure" classname="x" time="0.1" line="1" col="1">
        </testcase>
        <testcase name="later" classname="x" time="0" line="1" col="1">
            <skipped/>
        </testcase>
    </testsuite>
</testsuites>`;

Deno.test("parseJunit() counts passed, failed and ignored tests per file, and their steps apart", () => {
  assert.deepStrictEqual(parseJunit(XML), [
    { file: "./tests/e2e/a_test.ts", passed: 1, failed: 1, ignored: 0, steps: 0 },
    {
      file: "./adapters/kubernetes/source_v1_20_cluster_test.ts",
      passed: 1,
      failed: 0,
      ignored: 0,
      steps: 0,
    },
    {
      file: "./adapters/kubernetes/source_cluster_test.ts",
      passed: 1,
      failed: 0,
      ignored: 0,
      steps: 1,
    },
    { file: "./domain/rule_test.ts", passed: 1, failed: 0, ignored: 1, steps: 0 },
  ]);
});

Deno.test("tierTotals() puts a journey in two tiers, a v1.20 file in its own, the rest in unit", () => {
  const totals = Object.fromEntries(
    tierTotals(parseJunit(XML)).map((t) => [t.tier, [t.passed, t.failed, t.ignored]]),
  );
  assert.deepStrictEqual(totals, {
    "real-polaris": [1, 1, 0],
    "kubernetes-current": [2, 1, 0],
    "kubernetes-1.20": [1, 0, 0],
    unit: [1, 0, 1],
  });
});
