import assert from "node:assert/strict";
import { classifyRequests } from "../scenario/request_kinds.ts";
import type { ScenarioResult } from "../scenario/scenario_result.ts";
import { sideBySideTable } from "./side_by_side_table.ts";

const requests = (raw: Record<string, number>) => ({ raw, kinds: classifyRequests(raw) });

/** The fields the side-by-side table reads; the rest of a result is left out. */
function result(convergeMs: number, server: string, serverCpuMs: number): ScenarioResult {
  return {
    converge: {
      complete: true,
      instancesSeen: 100,
      instancesMs: convergeMs,
      settledMs: convergeMs + 1,
      requests: requests({ "POST /naming/v1/instances": 2, "GET /naming/v1/instances": 3 }),
      lowerBound: { total: 2 },
    },
    rollouts: [],
    restart: { ms: 500, requests: requests({ "GET /naming/v1/instances": 4 }) },
    idleResync: { requests: null },
    usage: {
      phases: [
        { phase: "generate", cpuMs: { controller: 900, [server]: 5000 } },
        { phase: "converge", cpuMs: { controller: 100, [server]: serverCpuMs } },
      ],
      last: [
        { name: "controller", pid: 1, cpuMs: 1000, rssBytes: 0, hwmBytes: 200 * 1048576 },
        { name: server, pid: 2, cpuMs: 0, rssBytes: 0, hwmBytes: 300 * 1048576 },
      ],
    },
    probesMs: { "owned-instances page (sweep)": 12 },
    errors: [],
    log: { lines: 0, sweepFailures: 0, first: [] },
  } as unknown as ScenarioResult;
}

Deno.test("sideBySideTable puts each Polaris side in a column, CPU counted from convergence on", () => {
  const text = sideBySideTable("1000 x 1", [
    { polaris: "emulator", result: result(950, "emulator", 400), wallMs: 20_000 },
    { polaris: "boltdb", result: result(22_200, "polaris-server", 20_400), wallMs: 200_000 },
    { polaris: "mysql", result: null, wallMs: 1000 },
  ]);
  const row = (name: string) => text.split("\n").find((line) => line.startsWith(name)) ?? "";
  assert.match(row("first convergence"), /950 ms\s+22\.2 s\s+failed$/);
  assert.match(row("  writes / lower bound"), /2 \/ 2\s+2 \/ 2\s+failed$/);
  assert.match(row("restart: writes, reads, settled"), /0, 4, 500 ms/);
  assert.match(row("controller CPU, peak RSS"), /100 ms, 200 MiB\s+100 ms, 200 MiB/);
  assert.match(row("Polaris CPU, peak RSS"), /400 ms, 300 MiB\s+20\.4 s, 300 MiB\s+failed$/);
  assert.match(row("mariadbd CPU, peak RSS"), /-\s+-\s+failed$/);
  assert.match(row("wall time of the scenario"), /20\.0 s\s+200\.0 s\s+1000 ms$/);
});
