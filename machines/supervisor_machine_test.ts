import { createActor, fromPromise, SimulatedClock } from "xstate";
import assert from "node:assert/strict";
import { supervisorMachine } from "./supervisor_machine.ts";

const input = {
  clusterNames: ["cluster-a", "cluster-b"],
  resyncPeriodMs: 60_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 8_000,
};

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** A supervisor whose effects count their calls; `failSweeps` makes the first n sweeps reject. */
function start(failSweeps = 0) {
  const calls = { sweeps: 0, resyncAll: 0, allowDeletes: 0 };
  const clock = new SimulatedClock();
  const actor = createActor(
    supervisorMachine.provide({
      actors: {
        sweep: fromPromise(() => {
          calls.sweeps++;
          return calls.sweeps <= failSweeps
            ? Promise.reject(new Error("Polaris answered 500"))
            : Promise.resolve();
        }),
      },
      actions: {
        allowDeletes: () => void calls.allowDeletes++,
        resyncAll: () => void calls.resyncAll++,
      },
    }),
    { clock, input },
  );
  actor.start();
  return { actor, clock, calls };
}

Deno.test("supervisorMachine: holds in listing until every cluster has listed", async () => {
  const { actor, calls } = start();
  actor.send({ type: "source.synced", clusterName: "cluster-a" });
  await flush();
  assert.deepStrictEqual(actor.getSnapshot().value, "listing");
  assert.deepStrictEqual(calls, { sweeps: 0, resyncAll: 0, allowDeletes: 0 });
  actor.send({ type: "source.synced", clusterName: "cluster-b" });
  await flush();
  assert.deepStrictEqual(actor.getSnapshot().value, "running");
  assert.deepStrictEqual(calls, { sweeps: 1, resyncAll: 0, allowDeletes: 1 });
  actor.stop();
});

Deno.test("supervisorMachine: a periodic resync re-reads every actor but does not sweep", async () => {
  const { actor, clock, calls } = start();
  actor.send({ type: "source.synced", clusterName: "cluster-a" });
  actor.send({ type: "source.synced", clusterName: "cluster-b" });
  await flush();
  clock.increment(59_999);
  assert.deepStrictEqual(calls.resyncAll, 0);
  clock.increment(1);
  await flush();
  clock.increment(60_000);
  await flush();
  assert.deepStrictEqual(actor.getSnapshot().value, "running");
  assert.deepStrictEqual(actor.getSnapshot().context.resyncs, 2);
  assert.deepStrictEqual(calls, { sweeps: 1, resyncAll: 2, allowDeletes: 1 });
  actor.stop();
});

Deno.test("supervisorMachine: sweep.now (leadership gained) sweeps again", async () => {
  const { actor, calls } = start();
  actor.send({ type: "source.synced", clusterName: "cluster-a" });
  actor.send({ type: "source.synced", clusterName: "cluster-b" });
  await flush();
  actor.send({ type: "sweep.now" });
  await flush();
  assert.deepStrictEqual(actor.getSnapshot().value, "running");
  assert.deepStrictEqual(actor.getSnapshot().context.sweeps, 2);
  assert.deepStrictEqual(calls.sweeps, 2);
  actor.stop();
});

Deno.test("supervisorMachine: a failed sweep backs off and retries; resync waits for it", async () => {
  const { actor, clock, calls } = start(2);
  actor.send({ type: "source.synced", clusterName: "cluster-a" });
  actor.send({ type: "source.synced", clusterName: "cluster-b" });
  await flush();
  assert.deepStrictEqual(actor.getSnapshot().value, "sweepBackoff");
  assert.deepStrictEqual(actor.getSnapshot().context.lastSweepError, "Polaris answered 500");
  clock.increment(60_000);
  await flush();
  clock.increment(60_000);
  await flush();
  assert.deepStrictEqual(actor.getSnapshot().value, "running");
  assert.deepStrictEqual(actor.getSnapshot().context.sweepFailures, 0);
  assert.deepStrictEqual(actor.getSnapshot().context.lastSweepError, null);
  assert.deepStrictEqual(calls.sweeps, 3);
  assert.deepStrictEqual(calls.resyncAll, 0);
  actor.stop();
});

Deno.test("supervisorMachine: stop is final from any state", async () => {
  const { actor } = start();
  actor.send({ type: "stop" });
  await flush();
  assert.deepStrictEqual(actor.getSnapshot().status, "done");
});
