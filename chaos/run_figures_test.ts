import assert from "node:assert/strict";
import { zeroCounts } from "./compare.ts";
import type { CycleResult } from "./chaos_result.ts";
import { convergenceByKind, runTotals } from "./run_figures.ts";
import { percentile } from "./percentile.ts";

function cycle(
  index: number,
  kinds: CycleResult["faults"][number]["kind"][],
  convergeMs: number | null,
): CycleResult {
  return {
    index,
    faults: kinds.map((kind) => ({ kind, startedAt: 0, endedAt: 0, detail: "" })),
    churn: { planned: 0, done: 0, skipped: 0, byOp: {}, skippedReasons: [] },
    convergeMs,
    counts: { ...zeroCounts(), lost: index },
    wrongfulWrites: 1,
    afterLease: 0,
    findings: [],
    wrongfulWriteDetails: [],
    leaseViolations: [],
    writesByReplica: {},
    leaderAtEnd: null,
    wallMs: 0,
  };
}

Deno.test("convergenceByKind() gives each kind the p50 and max of the cycles that had it", () => {
  const rows = convergenceByKind([
    cycle(1, ["watchCut", "polaris5xx"], 100),
    cycle(2, ["watchCut"], 300),
    cycle(3, ["watchCut"], null),
  ], 50);
  assert.deepStrictEqual(rows, [
    { kind: "start-up", cycles: 1, p50Ms: 50, maxMs: 50, timedOut: 0 },
    { kind: "polaris5xx", cycles: 1, p50Ms: 100, maxMs: 100, timedOut: 0 },
    { kind: "watchCut", cycles: 3, p50Ms: 100, maxMs: 300, timedOut: 1 },
  ]);
});

Deno.test("runTotals() sums every cycle, wrongful writes with the wrongful state", () => {
  const totals = runTotals([cycle(1, [], 10), cycle(2, [], null)]);
  assert.deepStrictEqual([totals.lost, totals.wrongful, totals.notConverged], [3, 2, 1]);
});

Deno.test("percentile() is nearest-rank", () => {
  assert.deepStrictEqual(percentile([], 50), null);
  assert.deepStrictEqual(percentile([4, 1, 3, 2], 50), 2);
  assert.deepStrictEqual(percentile([4, 1, 3, 2], 100), 4);
});
