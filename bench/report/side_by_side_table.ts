/**
 * Renders one scenario's figures against each Polaris side (emulator, real server on boltdb, on
 * MySQL) in one table, a column per side, with the CPU time and peak RSS of the controller and of
 * the Polaris side's processes.
 *
 * @module
 */

import type { PolarisKind } from "../processes/emulator_client.ts";
import type { ScenarioResult } from "../scenario/scenario_result.ts";
import { columns, cpuSince, formatMiB, formatMs } from "./report_table.ts";

/** One column: a side and what the scenario measured against it (null: it failed). */
export interface SideRun {
  readonly polaris: PolarisKind;
  readonly result: ScenarioResult | null;
  readonly wallMs: number;
}

function usageOf(r: ScenarioResult, names: readonly string[]): string {
  const found = (r.usage?.last ?? []).filter((u) => names.includes(u.name));
  if (found.length === 0) return "-";
  return found.map((u) => `${formatMs(cpuSince(r, u.name))}, ${formatMiB(u.hwmBytes)}`).join(
    " + ",
  );
}

/** The figures of one row, from one result. */
const ROWS: ReadonlyArray<readonly [string, (r: ScenarioResult) => string]> = [
  [
    "first convergence",
    (r) =>
      r.converge.complete
        ? formatMs(r.converge.instancesMs)
        : `INCOMPLETE ${r.converge.instancesSeen}`,
  ],
  ["  settled", (r) => formatMs(r.converge.settledMs)],
  [
    "  writes / lower bound",
    (r) => `${r.converge.requests.kinds.writes} / ${r.converge.lowerBound.total}`,
  ],
  ["  reads", (r) => String(r.converge.requests.kinds.reads)],
  ...[0, 1].flatMap((i): [string, (r: ScenarioResult) => string][] => [
    [`rollout ${i + 1}: pods, writes, reads`, (r) => {
      const ro = r.rollouts[i];
      return ro ? `${ro.pods}: ${ro.requests.kinds.writes}, ${ro.requests.kinds.reads}` : "-";
    }],
    [`  p50 / p99 event -> applied`, (r) => {
      const ro = r.rollouts[i];
      return ro ? `${formatMs(ro.latency.p50Ms)} / ${formatMs(ro.latency.p99Ms)}` : "-";
    }],
  ]),
  [
    "restart: writes, reads, settled",
    (r) =>
      `${r.restart.requests.kinds.writes}, ${r.restart.requests.kinds.reads}, ${
        formatMs(r.restart.ms)
      }`,
  ],
  ["idle resync: writes, reads", (r) => {
    const k = r.idleResync.requests?.kinds;
    return k ? `${k.writes}, ${k.reads}` : "not measured";
  }],
  ["controller CPU, peak RSS", (r) => usageOf(r, ["controller"])],
  ["Polaris CPU, peak RSS", (r) => usageOf(r, ["emulator", "polaris-server"])],
  ["mariadbd CPU, peak RSS", (r) => usageOf(r, ["mariadbd"])],
  ["counting proxy CPU, peak RSS", (r) => usageOf(r, ["proxy"])],
  ["owned-instances page (sweep)", (r) => formatMs(r.probesMs["owned-instances page (sweep)"])],
  ["errors, controller warn lines", (r) => `${r.errors.length}, ${r.log.lines}`],
];

/**
 * Returns the side-by-side table of `sides` (CPU time counts from the first convergence on; the
 * start-up of each process is left out).
 */
export function sideBySideTable(title: string, sides: readonly SideRun[]): string {
  const rows: string[][] = [["figure", ...sides.map((s) => s.polaris)]];
  for (const [name, cell] of ROWS) {
    rows.push([name, ...sides.map((s) => (s.result ? cell(s.result) : "failed"))]);
  }
  rows.push(["wall time of the scenario", ...sides.map((s) => formatMs(s.wallMs))]);
  return [`== ${title} ==`, columns(rows)].join("\n");
}
