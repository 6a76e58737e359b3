/**
 * Renders one scenario's figures as a plain-text table, ours beside the naive syncer's.
 *
 * @module
 */

import {
  naiveForEvents,
  naiveForFullList,
  naiveIdlePerHour,
  oursIdlePerHour,
} from "./naive_model.ts";
import type { RequestKinds } from "../scenario/request_kinds.ts";
import type { ScenarioResult } from "../scenario/scenario_result.ts";

/** Formats milliseconds as `1234 ms` or `12.3 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Formats bytes as MiB. */
export function formatMiB(bytes: number): string {
  return `${(bytes / 1048576).toFixed(0)} MiB`;
}

function kindsText(k: RequestKinds): string {
  return `ns ${k.namespaceWrites}, svc ${k.serviceWrites}, alias ${k.aliasWrites}, ` +
    `inst +${k.instanceCreates}/~${k.instanceUpdates}/-${k.instanceDeletes}; ` +
    `reads: inst ${k.instanceReads}, alias ${k.aliasReads}, other ${k.otherReads}`;
}

/** CPU time of process `name` from the first convergence on (its start-up left out), ms. */
export function cpuSince(r: ScenarioResult, name: string): number {
  return (r.usage?.phases ?? []).slice(1).reduce((sum, p) => sum + (p.cpuMs[name] ?? 0), 0);
}

/** Lays out rows of cells as aligned columns. */
export function columns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, cell.length));
  }
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd())
    .join("\n");
}

/**
 * Returns the table of one scenario: rows of figure, ours, naive syncer, note. `resyncPeriodSeconds`
 * is the product's default resync period (our idle load per hour is derived from it).
 */
export function scenarioTable(
  title: string,
  r: ScenarioResult,
  resyncPeriodSeconds: number,
): string {
  const { services, clusters } = r.shape;
  const c = r.converge;
  const k = c.requests.kinds;
  const rows: string[][] = [["figure", "ours", "naive syncer", "note"]];
  rows.push([
    "first convergence (instances seen)",
    c.complete ? formatMs(c.instancesMs) : `INCOMPLETE ${c.instancesSeen}/${r.counts.instances}`,
    "",
    `settled (sweep done) ${formatMs(c.settledMs)}`,
  ]);
  const naiveStart = naiveForFullList(services, clusters);
  rows.push([
    "  writes / lower bound",
    `${k.writes} / ${c.lowerBound.total} (x${(k.writes / c.lowerBound.total).toFixed(2)})`,
    String(naiveStart.writes),
    `items: ${r.counts.namespaces} ns, ${r.counts.services} svc, ${r.counts.aliases} alias, ${r.counts.instances} inst`,
  ]);
  rows.push(["  reads", String(k.reads), String(naiveStart.reads), ""]);
  rows.push(["  by kind", kindsText(k), "", ""]);
  for (const ro of r.rollouts) {
    const rk = ro.requests.kinds;
    const naive = naiveForEvents(ro.events);
    rows.push([
      `rolling update ${ro.pods} pods (${ro.events} events)`,
      `${rk.writes} writes, ${rk.reads} reads`,
      `${naive.writes} writes, ${naive.reads} reads`,
      `write lower bound ${ro.lowerBound.total}; took ${formatMs(ro.durationMs)}`,
    ]);
    rows.push([
      "  event -> applied p50 / p99 / max",
      `${formatMs(ro.latency.p50Ms)} / ${formatMs(ro.latency.p99Ms)} / ${
        formatMs(ro.latency.maxMs)
      }`,
      "",
      `${ro.latency.count} events timed`,
    ]);
  }
  const rs = r.restart.requests.kinds;
  const naiveRestart = naiveForFullList(services, clusters);
  rows.push([
    "restart, nothing changed",
    `${rs.writes} writes, ${rs.reads} reads`,
    `${naiveRestart.writes} writes, ${naiveRestart.reads} reads`,
    `settled in ${formatMs(r.restart.ms)}${r.restart.settled ? "" : " (NOT settled)"}; ` +
    `first sweep done at ${formatMs(r.restart.sweptMs)}`,
  ]);
  const idle = r.idleResync.requests?.kinds;
  if (idle) {
    const ours = oursIdlePerHour(idle, resyncPeriodSeconds);
    const naive = naiveIdlePerHour(services, clusters);
    rows.push([
      "idle resync",
      `${idle.writes} writes, ${idle.reads} reads`,
      "",
      `reads: inst ${idle.instanceReads}, alias ${idle.aliasReads}${
        r.idleResync.overlapped ? " (overlapped the restart)" : ""
      }`,
    ]);
    rows.push([
      "  idle load per hour",
      `${ours.writes} writes, ${ours.reads} reads`,
      `${naive.writes} writes, ${naive.reads} reads`,
      `ours: resync every ${resyncPeriodSeconds} s; naive: every 30 s`,
    ]);
  } else rows.push(["idle resync", "not measured", "", ""]);
  const m = r.memory;
  rows.push([
    "controller peak RSS / heap used",
    `${formatMiB(m.overall.rssBytes)} / ${formatMiB(m.overall.heapUsedBytes)}`,
    "",
    `heap after GC: data ${formatMiB(m.heapAfterGenerateBytes)}, converged ${
      formatMiB(m.heapAfterConvergeBytes)
    }, after each restart ${
      (m.heapAfterStopsBytes ?? []).map(formatMiB).join(" / ")
    }; emulator RSS ${formatMiB(m.emulatorRssBytes)}`,
  ]);
  for (const u of r.usage?.last ?? []) {
    const cpu = (r.usage?.phases ?? []).map((p) => `${p.phase} ${formatMs(p.cpuMs[u.name] ?? 0)}`);
    rows.push([
      `${u.name}: CPU, RSS / peak`,
      `${formatMs(cpuSince(r, u.name))}, ${formatMiB(u.rssBytes)} / ${formatMiB(u.hwmBytes)}`,
      "",
      `CPU by phase: ${cpu.join(", ")}`,
    ]);
  }
  const probes = Object.entries(r.probesMs ?? {}).map(([k, v]) => `${k} ${formatMs(v)}`);
  if (probes.length > 0) rows.push(["emulator: one listing page", probes.join("; "), "", ""]);
  const lines = [`== ${title} ==`, columns(rows)];
  for (const error of r.errors) lines.push(`! ${error}`);
  if (r.log.lines > 0) lines.push(`controller logged ${r.log.lines} warn/error lines`);
  return lines.join("\n");
}
