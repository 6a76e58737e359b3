/**
 * The test tiers CI reports, one line each (`tier NAME: N passed, N failed`), read from the JUnit
 * report of `deno task test --junit-path=…`. A test file belongs to every tier whose rule matches
 * it, so a journey on the real Polaris server and the current Kubernetes counts in both; `unit`
 * holds the files no other tier claims. A required tier that ran no test is a failure.
 *
 *   deno run --allow-read tests/tiers.ts test-output/junit.xml
 *
 * Exits 1 when a required tier ran nothing or any test failed, 0 otherwise.
 *
 * @module
 */

/** A tier: its name, which files it holds, and whether CI fails when it ran nothing. */
export interface Tier {
  readonly name: string;
  readonly required: boolean;
  /** Whether a test file (path as `./dir/file_test.ts`) belongs to the tier. */
  holds(file: string): boolean;
}

/** Files that run on Kubernetes v1.20.2, the oldest supported version (EndpointSlice v1beta1). */
const ON_KUBE_1_20 = /_v1_20_cluster_test\.ts$/;

/** The tiers, in the order they are printed. */
export const TIERS: readonly Tier[] = [
  {
    name: "real-polaris",
    required: true,
    holds: (file) =>
      file === "./adapters/polaris/contract/real_server_test.ts" ||
      file.startsWith("./tests/polaris/") || file.startsWith("./tests/e2e/"),
  },
  {
    name: "kubernetes-current",
    required: true,
    holds: (file) =>
      !ON_KUBE_1_20.test(file) &&
      (/^\.\/adapters\/kubernetes\/.*_cluster_test\.ts$/.test(file) ||
        file.startsWith("./tests/e2e/") || file.startsWith("./tests/operate/") ||
        file.startsWith("./tests/deploy/")),
  },
  { name: "kubernetes-1.20", required: true, holds: (file) => ON_KUBE_1_20.test(file) },
];

/** What one test file's tests came to (steps, `t.step()`, are counted apart). */
export interface FileResult {
  readonly file: string;
  readonly passed: number;
  readonly failed: number;
  readonly ignored: number;
  /** Steps of those tests: Deno writes each as a case named `<test> > <step>`. */
  readonly steps: number;
}

/** Reads the per-file results out of Deno's JUnit XML. */
export function parseJunit(xml: string): FileResult[] {
  const results: FileResult[] = [];
  const suites = xml.matchAll(/<testsuite\s+name="([^"]*)"[^>]*>([\s\S]*?)<\/testsuite>/g);
  for (const [, name, body] of suites) {
    const cases = [
      ...body.matchAll(/<testcase\s+name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g),
    ]
      .map(([, caseName, , inner = ""]) => ({ name: unescape(caseName), inner }));
    const names = cases.map((c) => c.name);
    const isStep = (n: string) => names.some((other) => other !== n && n.startsWith(`${other} > `));
    let passed = 0, failed = 0, ignored = 0, steps = 0;
    for (const { name: caseName, inner } of cases) {
      if (isStep(caseName)) steps++;
      else if (/<(failure|error)\b/.test(inner)) failed++;
      else if (/<skipped\b/.test(inner)) ignored++;
      else passed++;
    }
    results.push({ file: unescape(name), passed, failed, ignored, steps });
  }
  return results;
}

function unescape(text: string): string {
  return text.replaceAll("&quot;", '"').replaceAll("&apos;", "'").replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

/** One tier's totals. */
export interface TierTotals {
  readonly tier: string;
  readonly required: boolean;
  readonly files: number;
  readonly passed: number;
  readonly failed: number;
  readonly ignored: number;
  readonly steps: number;
}

/** Sums the file results per tier; files no tier holds go to `unit`. */
export function tierTotals(results: readonly FileResult[]): TierTotals[] {
  const tiers: Tier[] = [...TIERS, {
    name: "unit",
    required: true,
    holds: (file) => !TIERS.some((t) => t.holds(file)),
  }];
  return tiers.map((tier) => {
    const mine = results.filter((r) => tier.holds(r.file));
    return {
      tier: tier.name,
      required: tier.required,
      files: mine.length,
      passed: mine.reduce((n, r) => n + r.passed, 0),
      failed: mine.reduce((n, r) => n + r.failed, 0),
      ignored: mine.reduce((n, r) => n + r.ignored, 0),
      steps: mine.reduce((n, r) => n + r.steps, 0),
    };
  });
}

if (import.meta.main) {
  const path = Deno.args[0] ?? "test-output/junit.xml";
  let xml: string;
  try {
    xml = Deno.readTextFileSync(path);
  } catch (error) {
    console.log(`tier report: cannot read "${path}": ${(error as Error).message}`);
    Deno.exit(1);
  }
  let bad = false;
  for (const t of tierTotals(parseJunit(xml))) {
    console.log(`tier ${t.tier}: ${t.passed} passed, ${t.failed} failed`);
    const ignored = t.ignored > 0 ? `, ${t.ignored} ignored` : "";
    console.log(`  (${t.files} files, ${t.steps} steps in those tests${ignored})`);
    if (t.failed > 0) bad = true;
    if (t.required && t.passed + t.failed === 0) {
      console.log(`tier ${t.tier} ran no test`);
      bad = true;
    }
  }
  Deno.exit(bad ? 1 : 0);
}
