import assert from "node:assert/strict";
import { applyOp, emptyModel } from "./churn_model.ts";
import { FAULT_KINDS, generateSchedule, type ScheduleOptions } from "./schedule.ts";

const QUICK: ScheduleOptions = {
  cycles: 5,
  activeMs: 14_000,
  faultsPerCycle: { min: 2, max: 2 },
  leaseDurationMs: 4000,
  polarisTimeoutMs: 2000,
};

Deno.test("generateSchedule() gives the same schedule and hash for the same seed", () => {
  const a = generateSchedule("7", QUICK);
  const b = generateSchedule("7", QUICK);
  assert.deepStrictEqual(a, b);
  assert.notStrictEqual(generateSchedule("8", QUICK).hash, a.hash);
});

Deno.test("generateSchedule() brings every kind of fault within five cycles of two", () => {
  for (const seed of ["1", "2", "3", "quick"]) {
    const kinds = generateSchedule(seed, QUICK).cycles.flatMap((c) => c.faults.map((f) => f.kind));
    assert.deepStrictEqual([...new Set(kinds)].sort(), [...FAULT_KINDS].sort(), `seed ${seed}`);
  }
});

Deno.test("generateSchedule() emits only operations that fit the objects of their time", () => {
  for (const seed of ["1", "2", "3", "4", "5"]) {
    const schedule = generateSchedule(seed, { ...QUICK, cycles: 30, activeMs: 40_000 });
    const model = emptyModel();
    // Replaying the warm-up and every cycle's churn in order throws on an operation that does
    // not fit (a Pod of a deleted Service, a second namespace of one name).
    for (const op of schedule.warmup) applyOp(model, op);
    for (const cycle of schedule.cycles) {
      const times = cycle.churn.map((t) => t.atMs);
      assert.deepStrictEqual(times, [...times].sort((x, y) => x - y), "churn in time order");
      // A leader fault's trigger comes after the churn before it, and before the churn at or
      // after its time.
      const events = [
        ...cycle.churn.map((t) => ({ atMs: t.atMs, rank: 1, op: t.op })),
        ...cycle.faults.flatMap((f) => f.trigger ? [{ atMs: f.atMs, rank: 0, op: f.trigger }] : []),
      ].sort((x, y) => x.atMs - y.atMs || x.rank - y.rank);
      for (const { op } of events) applyOp(model, op);
      for (const fault of cycle.faults) {
        assert.ok(fault.atMs >= 1000 && fault.atMs < cycle.activeMs, `fault at ${fault.atMs}`);
      }
    }
  }
});

Deno.test("generateSchedule() seeds foreign instances under Services the run creates, and the alias", () => {
  const schedule = generateSchedule("1", QUICK);
  const created = new Set(
    [...schedule.warmup, ...schedule.cycles.flatMap((c) => c.churn.map((t) => t.op))]
      .flatMap((op) => op.op === "createService" ? [`${op.namespace}/${op.service}`] : []),
  );
  const foreign = schedule.foreignInstances.filter((f) => f.namespace !== "chaos-foreign");
  assert.ok(foreign.length >= 3, `${foreign.length} foreign instances`);
  for (const f of foreign) assert.ok(created.has(`${f.namespace}/${f.service}`));
  for (const f of schedule.foreignInstances) {
    assert.ok(!f.host.startsWith("10."), "foreign hosts never collide with Pod IPs");
  }
  assert.deepStrictEqual(schedule.foreignAlias.alias, "taken-alias");
});
