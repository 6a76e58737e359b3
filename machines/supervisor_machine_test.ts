import assert from "node:assert/strict";
import { createActor, fromPromise, SimulatedClock } from "xstate";
import { stateName, supervisorMachine } from "./supervisor_machine.ts";

const input = {
  clusterNames: ["cluster-a", "cluster-b"],
  resyncPeriodMs: 60_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 8_000,
  leading: true,
};

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** A supervisor whose effects count their calls; `failSweeps` makes the first n sweeps reject. */
function start(options: { failSweeps?: number; leading?: boolean } = {}) {
  const calls = { sweeps: 0, resyncAll: 0, allowDeletes: 0, takeOver: 0, standDown: 0 };
  const clock = new SimulatedClock();
  const actor = createActor(
    supervisorMachine.provide({
      actors: {
        sweep: fromPromise(() => {
          calls.sweeps++;
          return calls.sweeps <= (options.failSweeps ?? 0)
            ? Promise.reject(new Error("Polaris answered 500"))
            : Promise.resolve();
        }),
      },
      actions: {
        allowDeletes: () => void calls.allowDeletes++,
        resyncAll: () => void calls.resyncAll++,
        takeOver: () => void calls.takeOver++,
        standDown: () => void calls.standDown++,
      },
    }),
    { clock, input: { ...input, leading: options.leading ?? true } },
  );
  actor.start();
  const state = () => stateName(actor.getSnapshot().value);
  const listAll = () => {
    actor.send({ type: "source.synced", clusterName: "cluster-a" });
    actor.send({ type: "source.synced", clusterName: "cluster-b" });
  };
  return { actor, clock, calls, state, listAll };
}

Deno.test("supervisorMachine: a leader holds in listing until every cluster has listed", async () => {
  const { actor, calls, state } = start();
  assert.equal(state(), "leading.listing");
  actor.send({ type: "source.synced", clusterName: "cluster-a" });
  actor.send({ type: "source.synced", clusterName: "cluster-a" });
  await flush();
  assert.equal(state(), "leading.listing");
  assert.deepStrictEqual(calls, {
    sweeps: 0,
    resyncAll: 0,
    allowDeletes: 0,
    takeOver: 1,
    standDown: 0,
  });
  actor.send({ type: "source.synced", clusterName: "cluster-b" });
  await flush();
  assert.equal(state(), "leading.running");
  assert.deepStrictEqual(calls, {
    sweeps: 1,
    resyncAll: 0,
    allowDeletes: 1,
    takeOver: 1,
    standDown: 0,
  });
  actor.stop();
});

Deno.test("supervisorMachine: a periodic resync re-reads every actor but does not sweep", async () => {
  const { actor, clock, calls, state, listAll } = start();
  listAll();
  await flush();
  clock.increment(59_999);
  assert.equal(calls.resyncAll, 0);
  clock.increment(1);
  await flush();
  clock.increment(60_000);
  await flush();
  assert.equal(state(), "leading.running");
  assert.equal(actor.getSnapshot().context.resyncs, 2);
  assert.equal(calls.sweeps, 1);
  assert.equal(calls.resyncAll, 2);
  actor.stop();
});

Deno.test("supervisorMachine: a follower allows deletes once listed but never sweeps or resyncs", async () => {
  const { actor, clock, calls, state, listAll } = start({ leading: false });
  assert.equal(state(), "following");
  listAll();
  await flush();
  clock.increment(180_000);
  await flush();
  assert.equal(state(), "following");
  assert.deepStrictEqual(calls, {
    sweeps: 0,
    resyncAll: 0,
    allowDeletes: 1,
    takeOver: 0,
    standDown: 0,
  });
  actor.stop();
});

Deno.test("supervisorMachine: gaining the lease takes over and sweeps; losing it stands down", async () => {
  const { actor, calls, state, listAll } = start({ leading: false });
  listAll();
  actor.send({ type: "lease.gained" });
  await flush();
  assert.equal(state(), "leading.running");
  assert.equal(calls.takeOver, 1);
  assert.equal(calls.sweeps, 1);
  actor.send({ type: "lease.lost" });
  assert.equal(state(), "following");
  assert.equal(calls.standDown, 1);
  actor.send({ type: "lease.gained" });
  await flush();
  assert.equal(state(), "leading.running");
  assert.equal(actor.getSnapshot().context.sweeps, 2, "every new lease sweeps again");
  assert.equal(calls.allowDeletes, 1, "deletes are allowed once, by the listing");
  actor.stop();
});

Deno.test("supervisorMachine: a lease lost while listing still allows deletes but never sweeps", async () => {
  const { actor, calls, state } = start();
  actor.send({ type: "source.synced", clusterName: "cluster-a" });
  actor.send({ type: "lease.lost" });
  actor.send({ type: "source.synced", clusterName: "cluster-b" });
  await flush();
  assert.equal(state(), "following");
  assert.equal(calls.sweeps, 0);
  assert.equal(calls.allowDeletes, 1);
  actor.stop();
});

Deno.test("supervisorMachine: a failed sweep backs off and retries; resync waits for it", async () => {
  const { actor, clock, calls, state, listAll } = start({ failSweeps: 2 });
  listAll();
  await flush();
  assert.equal(state(), "leading.sweepBackoff");
  assert.equal(actor.getSnapshot().context.lastSweepError, "Polaris answered 500");
  clock.increment(60_000);
  await flush();
  clock.increment(60_000);
  await flush();
  assert.equal(state(), "leading.running");
  assert.equal(actor.getSnapshot().context.sweepFailures, 0);
  assert.equal(actor.getSnapshot().context.lastSweepError, null);
  assert.equal(calls.sweeps, 3);
  assert.equal(calls.resyncAll, 0);
  actor.stop();
});

Deno.test("supervisorMachine: stop is final from any state and stands down a leader", async () => {
  for (const leading of [true, false]) {
    const { actor, calls } = start({ leading });
    actor.send({ type: "stop" });
    await flush();
    assert.equal(actor.getSnapshot().status, "done");
    assert.equal(calls.standDown, leading ? 1 : 0);
  }
});

Deno.test("stateName: joins nested state values with dots", () => {
  assert.equal(stateName("following"), "following");
  assert.equal(stateName({ leading: "running" }), "leading.running");
});
