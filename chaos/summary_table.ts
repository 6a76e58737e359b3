/**
 * Formats a chaos run as the one table printed at its end: a row per cycle (its faults, churn,
 * time to converge and every count), a totals row, then the time to converge per kind of fault.
 *
 * @module
 */

import type { ChaosRunResult } from "./chaos_result.ts";

function seconds(ms: number | null): string {
  return ms === null ? "timeout" : `${(ms / 1000).toFixed(1)} s`;
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))
    .join("  ");
}

/** Returns the summary table of a run. */
export function summaryTable(result: ChaosRunResult): string {
  const header = [
    "cycle",
    "faults",
    "churn",
    "converge",
    "lost",
    "leaked",
    "wrongful",
    "dup",
    "fields",
    "alias-",
    "alias+",
    "afterLease",
  ];
  const rows = result.cycles.map((c) => [
    String(c.index),
    c.faults.map((f) => f.kind).join(","),
    `${c.churn.done}/${c.churn.planned}`,
    seconds(c.convergeMs),
    String(c.counts.lost),
    String(c.counts.leaked),
    String(c.counts.wrongful + c.wrongfulWrites),
    String(c.counts.duplicates),
    String(c.counts.wrongFields),
    String(c.counts.aliasLost),
    String(c.counts.aliasLeaked),
    String(c.afterLease),
  ]);
  const t = result.totals;
  const churnDone = result.cycles.reduce((n, c) => n + c.churn.done, 0);
  const churnPlanned = result.cycles.reduce((n, c) => n + c.churn.planned, 0);
  rows.push([
    "total",
    `${result.cycles.reduce((n, c) => n + c.faults.length, 0)} faults`,
    `${churnDone}/${churnPlanned}`,
    `${t.notConverged} t/o`,
    String(t.lost),
    String(t.leaked),
    String(t.wrongful),
    String(t.duplicates),
    String(t.wrongFields),
    String(t.aliasLost),
    String(t.aliasLeaked),
    String(t.afterLease),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const lines = [
    `== chaos: seed ${result.seed}, schedule ${result.scheduleHash}, ${result.replicas} replica(s), ${
      (result.wallMs / 60_000).toFixed(1)
    } min ==`,
    pad(header, widths),
    ...rows.map((r) => pad(r, widths)),
    "",
    "time to converge after a quiet period begins, by the kinds of fault its cycle had:",
    ...result.convergence.map((c) =>
      `  ${c.kind.padEnd(17)} cycles ${String(c.cycles).padStart(3)}  p50 ${
        seconds(c.p50Ms).padStart(7)
      }  max ${seconds(c.maxMs).padStart(7)}${c.timedOut > 0 ? `  timed out ${c.timedOut}` : ""}`
    ),
    `lease audit: ${result.leaseReads} Lease reads, slack ${result.leaseSlackMs} ms`,
  ];
  return lines.join("\n");
}
