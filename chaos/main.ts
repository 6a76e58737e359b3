/**
 * `deno task chaos`: runs the controller as 1–3 replica processes (leader election on a Lease)
 * against two real kube-apiservers and a real PolarisMesh server behind per-replica fault
 * proxies, drives a seeded schedule of churn and faults, and after every cycle's quiet period
 * compares Polaris with what SPEC §2 asks for, computed independently from the Kubernetes API.
 * Prints one summary table, writes `chaos/results/<date>.json`, and exits 1 when any count is
 * not zero or a quiet period did not converge.
 *
 * ```
 * deno task chaos --quick               # CI: 5 short cycles, every kind of fault, < 3 minutes
 * deno task chaos --minutes 30 --seed 7
 * ```
 *
 * @module
 */

import { type ChaosArgs, parseChaosArgs, USAGE } from "./chaos_args.ts";
import { runChaos } from "./chaos_run.ts";
import { summaryTable } from "./summary_table.ts";

const here = new URL(".", import.meta.url);

async function machine(): Promise<Record<string, string>> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const meminfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const kb = Number(meminfo.match(/MemTotal:\s*(\d+)/)?.[1] ?? 0);
  return {
    cpu: cpuinfo.match(/model name\s*:\s*(.*)/)?.[1] ?? "",
    cores: String((cpuinfo.match(/^processor\s*:/gm) ?? []).length),
    memoryGiB: (kb / 1024 / 1024).toFixed(1),
    loadavg: await Deno.readTextFile("/proc/loadavg").then((s) => s.trim(), () => ""),
  };
}

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}

async function main(): Promise<number> {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  let args: ChaosArgs;
  try {
    args = parseChaosArgs(Deno.args, () => Date.now());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const result = await runChaos(args, (line) => console.error(`[chaos ${stamp()}] ${line}`));
  console.log(summaryTable(result));
  const t = result.totals;
  const failed = Object.values(t).some((n) => n !== 0);
  const file = {
    command: `deno task chaos ${Deno.args.join(" ")}`.trim(),
    date: result.startedAt,
    machine: await machine(),
    settings: args,
    passed: !failed,
    ...result,
  };
  const dir = args.outDir ?? new URL("results/", here).pathname;
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir.replace(/\/$/, "")}/${result.startedAt.replaceAll(":", "-")}.json`;
  await Deno.writeTextFile(path, JSON.stringify(file, null, 1));
  console.log(`results written to ${path}`);
  console.log(failed ? "chaos: FAILED" : "chaos: passed");
  return failed ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
