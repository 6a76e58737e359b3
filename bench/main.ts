/**
 * `deno task bench`: runs each scenario (S Services × 10 endpoints × C clusters) as two child
 * processes, the Polaris emulator (`emulator_child.ts`) and the controller engine
 * (`scenario_run.ts`), so the controller's memory is measured alone; prints one table per
 * scenario and writes every figure to `bench/results/<date>.json`.
 *
 * ```
 * deno task bench                         # 1k, 10k, 50k services × 1 and 3 clusters
 * deno task bench --quick                 # 1k × 1 cluster; exits 1 when the gate fails
 * deno task bench --scenarios 10000x1 --runs 3
 * deno task bench --apiserver             # only the real-kube-apiserver scenario (1k × 3 pods)
 * deno task bench --scenarios 1000x1 --polaris emulator,boltdb,mysql
 * ```
 *
 * `--polaris` runs each scenario against each Polaris side in turn, on the same workload: the
 * emulator (the default), the real PolarisMesh server on its boltdb store, and on its MySQL store
 * (a throwaway MariaDB); `real_polaris_child.ts` puts a counting proxy in front of the real one.
 * With more than one side, a side-by-side table of each scenario follows.
 *
 * The apiserver scenario (`api_scenario.ts`) runs the real controller process against the test
 * control plane; it ends the full run and is never part of `--quick`.
 *
 * @module
 */

import { DEFAULTS } from "../adapters/config/defaults.ts";
import { parseDurationMs } from "../adapters/config/duration.ts";
import { runApiScenario } from "./apiserver/api_scenario.ts";
import { apiScenarioTable } from "./apiserver/api_report_table.ts";
import type { ApiScenarioResult } from "./apiserver/api_result.ts";
import { type BenchArgs, parseBenchArgs, USAGE } from "./bench_args.ts";
import type { PolarisKind } from "./processes/emulator_client.ts";
import { startEmulatorProcess } from "./processes/emulator_process.ts";
import { sideBySideTable } from "./report/side_by_side_table.ts";
import { quickGate } from "./report/quick_gate.ts";
import { scenarioTable } from "./report/report_table.ts";
import type { ScenarioResult } from "./scenario/scenario_result.ts";

/** One scenario run as written to the results file. */
interface RunRecord {
  readonly scenario: string;
  readonly polaris: PolarisKind;
  readonly run: number;
  readonly wallMs: number;
  readonly result: ScenarioResult | null;
  readonly failure: string | null;
  readonly gate: readonly string[];
}

/** One apiserver scenario run as written to the results file. */
interface ApiRunRecord {
  readonly scenario: string;
  readonly wallMs: number;
  readonly result: ApiScenarioResult | null;
  readonly failure: string | null;
}

const here = new URL(".", import.meta.url);
const root = new URL("..", here);

async function commandText(cmd: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return "";
  }
}

async function machine(): Promise<Record<string, string>> {
  const cpu = (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.*)/)?.[1] ?? "";
  return {
    nproc: await commandText("nproc", []),
    memory: (await commandText("free", ["-h"])).split("\n")[1] ?? "",
    cpu,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    commit: await commandText("git", ["-C", root.pathname, "rev-parse", "--short", "HEAD"]),
    loadavg: await Deno.readTextFile("/proc/loadavg").then((s) => s.trim(), () => ""),
  };
}

async function runOnce(
  args: BenchArgs,
  services: number,
  clusters: number,
  kind: PolarisKind,
): Promise<{ result: ScenarioResult | null; failure: string | null }> {
  let emulator;
  try {
    emulator = await startEmulatorProcess(args.maxHeapMb, kind);
  } catch (error) {
    const cause = error instanceof Error && error.cause ? `: ${error.cause}` : "";
    return { result: null, failure: `${error}${cause}` };
  }
  try {
    const { urls } = emulator;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        `--v8-flags=--expose-gc,--max-old-space-size=${args.controllerHeapMb ?? args.maxHeapMb}`,
        new URL("scenario/scenario_run.ts", here).pathname,
        "--polaris",
        urls.polaris,
        "--control",
        urls.control,
        ...(urls.token === undefined ? [] : ["--token", urls.token]),
        "--services",
        String(services),
        "--endpoints",
        String(args.endpoints),
        "--clusters",
        String(clusters),
        "--rollouts",
        args.rollouts.join(","),
        "--event-interval-ms",
        String(args.eventIntervalMs),
        "--timeout-ms",
        String(args.timeoutMs),
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const killer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, args.timeoutMs * 3);
    const out = await child.output();
    clearTimeout(killer);
    const text = new TextDecoder().decode(out.stdout).trim();
    const last = text.split("\n").pop() ?? "";
    if (!out.success || !last.startsWith("{")) {
      return {
        result: null,
        failure: `the scenario process ended with code ${out.code}${
          out.signal ? ` (signal ${out.signal})` : ""
        } before reporting`,
      };
    }
    return { result: JSON.parse(last) as ScenarioResult, failure: null };
  } finally {
    await emulator.stop();
  }
}

async function main(): Promise<number> {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  let args: BenchArgs;
  try {
    args = parseBenchArgs(Deno.args);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const resyncSeconds = (parseDurationMs(DEFAULTS.resyncPeriod) ?? 300_000) / 1000;
  const started = new Date();
  const records: RunRecord[] = [];
  let failed = false;
  for (const scenario of args.scenarios) {
    const sides: { polaris: PolarisKind; result: ScenarioResult | null; wallMs: number }[] = [];
    for (let run = 1; run <= args.runs; run++) {
      for (const kind of args.polaris) {
        const title =
          `${scenario.services} services x ${args.endpoints} endpoints x ${scenario.clusters} cluster(s)` +
          (kind === "emulator" ? "" : `, real Polaris on ${kind}`) +
          (args.runs > 1 ? `, run ${run}/${args.runs}` : "");
        console.error(`-- ${title}`);
        const t0 = performance.now();
        const { result, failure } = await runOnce(args, scenario.services, scenario.clusters, kind);
        const wallMs = performance.now() - t0;
        const gate = result ? (args.quick ? quickGate(result) : []) : [failure ?? "no result"];
        if (args.quick && gate.length > 0) failed = true;
        if (result) console.log(`${scenarioTable(title, result, resyncSeconds)}\n`);
        else console.log(`== ${title} ==\n! ${failure}\n`);
        for (const reason of args.quick ? gate : []) console.log(`GATE FAILED: ${reason}`);
        records.push({
          scenario: `${scenario.services}x${scenario.clusters}`,
          polaris: kind,
          run,
          wallMs,
          result,
          failure,
          gate,
        });
        sides.push({ polaris: kind, result, wallMs });
      }
    }
    if (args.polaris.length > 1) {
      const title =
        `${scenario.services} services x ${args.endpoints} endpoints x ${scenario.clusters} cluster(s), side by side`;
      console.log(`${sideBySideTable(title, sides)}\n`);
    }
  }
  const apiRuns: ApiRunRecord[] = [];
  if (args.apiserver) {
    const spec = args.apiserver;
    const title =
      `kube-apiserver: ${spec.services} services x ${spec.podsPerService} pods, real controller process`;
    console.error(`-- ${title}`);
    const t0 = performance.now();
    let result: ApiScenarioResult | null = null;
    let failure: string | null = null;
    try {
      result = await runApiScenario(spec, {
        maxHeapMb: args.maxHeapMb,
        timeoutMs: Math.min(args.timeoutMs, 5 * 60_000),
        progress: (message) =>
          console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`),
      });
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    const wallMs = performance.now() - t0;
    if (result) console.log(`${apiScenarioTable(title, result)}\n`);
    else console.log(`== ${title} ==\n! ${failure}\n`);
    console.log(`(apiserver scenario wall time ${(wallMs / 1000).toFixed(1)} s)`);
    apiRuns.push({ scenario: `api${spec.services}`, wallMs, result, failure });
  }
  const file = {
    date: started.toISOString(),
    command: `deno task bench ${Deno.args.join(" ")}`.trim(),
    machine: await machine(),
    settings: { ...args, productResyncSeconds: resyncSeconds },
    runs: records,
    apiserverRuns: apiRuns,
  };
  const dir = args.outDir ?? new URL("results/", here).pathname;
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir.replace(/\/$/, "")}/${started.toISOString().replaceAll(":", "-")}.json`;
  await Deno.writeTextFile(path, JSON.stringify(file, null, 1));
  console.log(`results written to ${path}`);
  if (args.quick) console.log(failed ? "quick gate: FAILED" : "quick gate: passed");
  return failed ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
