/**
 * Renders the apiserver scenario's figures as a plain-text table in the layout of the other
 * scenarios: figure, ours, naive syncer, note.
 *
 * @module
 */

import type { ApiScenarioResult } from "./api_result.ts";
import { naiveForEvents, naiveForFullList } from "../report/naive_model.ts";
import { columns, formatMiB, formatMs } from "../report/report_table.ts";
import type { RequestKinds } from "../scenario/request_kinds.ts";

function kindsText(k: RequestKinds): string {
  return `ns ${k.namespaceWrites}, svc ${k.serviceWrites}, alias ${k.aliasWrites}, ` +
    `inst +${k.instanceCreates}/~${k.instanceUpdates}/-${k.instanceDeletes}; ` +
    `reads: inst ${k.instanceReads}, alias ${k.aliasReads}, other ${k.otherReads}`;
}

function mib(bytes: number | null): string {
  return bytes === null ? "n/a" : formatMiB(bytes);
}

/** Returns the table of one apiserver scenario run. */
export function apiScenarioTable(title: string, r: ApiScenarioResult): string {
  const rows: string[][] = [["figure", "ours", "naive syncer", "note"]];
  const s = r.setup;
  rows.push([
    "setup (not the controller)",
    `${formatMs(s.createMs)} to create`,
    "",
    `control plane up ${formatMs(s.controlPlaneMs)}; ${s.createRequests} create/status requests; ` +
    `Endpoints + EndpointSlices (${s.sliceVersion}) complete ${formatMs(s.publishMs)} later`,
  ]);
  const c = r.converge;
  const k = c.requests.kinds;
  rows.push([
    "first convergence (instances seen)",
    c.complete ? formatMs(c.instancesMs) : `INCOMPLETE ${c.instancesSeen}/${r.counts.instances}`,
    "",
    `from process spawn; listening ${formatMs(c.run.listeningMs)}, /readyz ${
      formatMs(c.run.readyMs)
    }, settled ${formatMs(c.run.settledMs)}`,
  ]);
  const naiveStart = naiveForFullList(r.counts.services, 1);
  rows.push([
    "  writes / lower bound",
    `${k.writes} / ${c.lowerBound.total} (x${(k.writes / c.lowerBound.total).toFixed(2)})`,
    String(naiveStart.writes),
    `items: ${r.counts.namespaces} ns, ${r.counts.services} svc, ${r.counts.instances} inst`,
  ]);
  rows.push(["  reads", String(k.reads), String(naiveStart.reads), "until settled"]);
  rows.push(["  by kind", kindsText(k), "", ""]);
  rows.push([
    "  verified in the emulator",
    `${c.verified.instances} instances, ${c.verified.isolated} isolated`,
    "",
    `${c.mismatched.length} services differ from their Pods`,
  ]);
  rows.push([
    "controller peak RSS (VmHWM)",
    mib(c.run.peakRssBytes),
    "",
    `first start; restarted process (restart + rolling change) ${
      mib(r.restart?.run.peakRssBytes ?? null)
    }`,
  ]);
  if (r.restart) {
    const rs = r.restart.requests.kinds;
    rows.push([
      "restart, nothing changed",
      `${rs.writes} writes, ${rs.reads} reads`,
      `${naiveStart.writes} writes, ${naiveStart.reads} reads`,
      `settled ${formatMs(r.restart.run.settledMs)} after spawn${
        r.restart.complete ? "" : " (NOT settled)"
      } (/readyz ${formatMs(r.restart.run.readyMs)}); counted ${
        formatMs(r.restart.quietMs)
      } longer`,
    ]);
  } else rows.push(["restart, nothing changed", "not measured", "", ""]);
  const ro = r.rollout;
  if (ro) {
    const rk = ro.requests.kinds;
    const naive = naiveForEvents(ro.events);
    rows.push([
      `rolling change ${ro.pods} pods (${ro.events} changes)`,
      `${rk.writes} writes, ${rk.reads} reads`,
      `${naive.writes} writes, ${naive.reads} reads`,
      `write lower bound ${ro.lowerBound.total}; changes made over ${formatMs(ro.durationMs)}`,
    ]);
    rows.push([
      "  pod change -> Polaris p50 / p99 / max",
      `${formatMs(ro.latency.p50Ms)} / ${formatMs(ro.latency.p99Ms)} / ${
        formatMs(ro.latency.maxMs)
      }`,
      "",
      `${ro.latency.count} timed, ${ro.unapplied} never seen; whole path incl. kube-controller-manager`,
    ]);
    const own = ro.controllerLatency;
    rows.push([
      "  controller's own sync latency",
      own ? `mean ${formatMs(own.meanMs)}` : "n/a",
      "",
      own
        ? `${own.count} observations; p50 <= ${formatMs(own.p50UpperMs)}, p99 <= ${
          formatMs(own.p99UpperMs)
        } (histogram buckets)`
        : "",
    ]);
  } else rows.push(["rolling change", "not measured", "", ""]);
  rows.push(["emulator RSS at the end", mib(r.emulatorRssBytes), "", ""]);
  const lines = [`== ${title} ==`, columns(rows)];
  for (const error of r.errors) lines.push(`! ${error}`);
  const warn = (c.run.lines.warn ?? 0) + (c.run.lines.error ?? 0) +
    (r.restart?.run.lines.warn ?? 0) + (r.restart?.run.lines.error ?? 0);
  if (warn > 0) lines.push(`controller logged ${warn} warn/error lines`);
  return lines.join("\n");
}
