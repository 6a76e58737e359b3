import { createActor, fromPromise, getNextSnapshot, SimulatedClock, type StateValue } from "xstate";
import { getShortestPaths } from "xstate/graph";
import assert from "node:assert/strict";
import {
  type ReconcileOutcome,
  RESTING_STATES,
  SERVICE_STATES,
  serviceMachine,
  serviceStateOf,
} from "./service_machine.ts";

const timing = { debounceMs: 100, backoffBaseMs: 1000, backoffMaxMs: 8000 };
const summary = {
  desired: 1,
  registered: 1,
  created: 0,
  updated: 0,
  deleted: 0,
  conflicts: 0,
  skipped: 0,
};

/** A reconcile the test resolves or rejects by hand. */
function scriptedReconcile() {
  const calls: Array<{ resolve: (o: ReconcileOutcome) => void; reject: (e: Error) => void }> = [];
  const actor = fromPromise<ReconcileOutcome, { key: string; attempt: number }>(() =>
    new Promise((resolve, reject) => calls.push({ resolve, reject }))
  );
  return { actor, calls };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function start(reconcile: ReturnType<typeof scriptedReconcile>) {
  const clock = new SimulatedClock();
  const actor = createActor(serviceMachine.provide({ actors: { reconcile: reconcile.actor } }), {
    clock,
    input: { key: "shop/cart", timing },
  });
  actor.start();
  return { actor, clock };
}

Deno.test("serviceMachine: inputs.changed in idle asks for a debounce, not a reconcile", () => {
  const snapshot = getNextSnapshot(
    serviceMachine,
    serviceMachine.resolveState({
      value: "idle",
      context: {
        key: "k",
        timing,
        attempts: 0,
        dirty: false,
        lastError: null,
        lastOutcome: null,
        lastSyncAt: null,
        reconciles: 0,
      },
    }),
    { type: "inputs.changed" },
  );
  assert.deepStrictEqual(serviceStateOf(snapshot.value), "debouncing");
});

Deno.test("serviceMachine coalesces a burst of changes into one reconcile after the debounce", async () => {
  const reconcile = scriptedReconcile();
  const { actor, clock } = start(reconcile);
  for (let i = 0; i < 50; i++) actor.send({ type: "inputs.changed" });
  assert.deepStrictEqual(serviceStateOf(actor.getSnapshot().value), "debouncing");
  clock.increment(99);
  assert.deepStrictEqual(reconcile.calls.length, 0);
  clock.increment(1);
  assert.deepStrictEqual(serviceStateOf(actor.getSnapshot().value), "reconciling");
  assert.deepStrictEqual(reconcile.calls.length, 1);
  reconcile.calls[0].resolve({ kind: "synced", summary });
  await flush();
  assert.deepStrictEqual(serviceStateOf(actor.getSnapshot().value), "synced");
  actor.stop();
});

Deno.test("serviceMachine runs one more pass when changes arrive while reconciling", async () => {
  const reconcile = scriptedReconcile();
  const { actor, clock } = start(reconcile);
  actor.send({ type: "inputs.changed" });
  clock.increment(100);
  actor.send({ type: "inputs.changed" });
  actor.send({ type: "inputs.changed" });
  reconcile.calls[0].resolve({ kind: "synced", summary });
  await flush();
  assert.deepStrictEqual(serviceStateOf(actor.getSnapshot().value), "debouncing");
  clock.increment(100);
  assert.deepStrictEqual(reconcile.calls.length, 2);
  reconcile.calls[1].resolve({ kind: "synced", summary });
  await flush();
  assert.deepStrictEqual(serviceStateOf(actor.getSnapshot().value), "synced");
  actor.stop();
});

Deno.test("serviceMachine backs off exponentially on failure and retries", async () => {
  const reconcile = scriptedReconcile();
  const { actor, clock } = start(reconcile);
  actor.send({ type: "inputs.changed" });
  clock.increment(100);
  reconcile.calls[0].reject(new Error("Polaris answered 500000"));
  await flush();
  assert.deepStrictEqual(serviceStateOf(actor.getSnapshot().value), "backoff");
  assert.deepStrictEqual(actor.getSnapshot().context.attempts, 1);
  assert.deepStrictEqual(actor.getSnapshot().context.lastError, "Polaris answered 500000");
  // first retry waits within [500, 1000] ms
  clock.increment(499);
  assert.deepStrictEqual(reconcile.calls.length, 1);
  clock.increment(501);
  assert.deepStrictEqual(reconcile.calls.length, 2);
  reconcile.calls[1].reject(new Error("again"));
  await flush();
  // second retry waits within [1000, 2000] ms
  clock.increment(999);
  assert.deepStrictEqual(reconcile.calls.length, 2);
  clock.increment(1001);
  assert.deepStrictEqual(reconcile.calls.length, 3);
  reconcile.calls[2].resolve({ kind: "synced", summary });
  await flush();
  assert.deepStrictEqual(serviceStateOf(actor.getSnapshot().value), "synced");
  assert.deepStrictEqual(actor.getSnapshot().context.attempts, 0);
  assert.deepStrictEqual(actor.getSnapshot().context.lastError, null);
  actor.stop();
});

Deno.test("serviceMachine stops after a released outcome", async () => {
  const reconcile = scriptedReconcile();
  const { actor, clock } = start(reconcile);
  actor.send({ type: "inputs.changed" });
  clock.increment(100);
  reconcile.calls[0].resolve({ kind: "released", summary });
  await flush();
  assert.deepStrictEqual(actor.getSnapshot().status, "done");
});

Deno.test("serviceMachine shows conflict and invalid outcomes as states with their message", async () => {
  for (const kind of ["conflict", "invalid"] as const) {
    const reconcile = scriptedReconcile();
    const { actor, clock } = start(reconcile);
    actor.send({ type: "inputs.changed" });
    clock.increment(100);
    reconcile.calls[0].resolve({ kind, summary, message: `why ${kind}` });
    await flush();
    assert.deepStrictEqual(serviceStateOf(actor.getSnapshot().value), kind);
    assert.deepStrictEqual(actor.getSnapshot().context.lastError, `why ${kind}`);
    actor.send({ type: "resync.due" });
    assert.deepStrictEqual(serviceStateOf(actor.getSnapshot().value), "reconciling");
    actor.stop();
  }
});

Deno.test("serviceMachine: every state is reachable", () => {
  const done = (output: ReconcileOutcome) => ({ type: "xstate.done.actor.reconcile", output });
  const paths = getShortestPaths(serviceMachine, {
    input: { key: "k", timing },
    // The state value alone: counters in the context would make the graph infinite.
    serializeState: (state: { value: unknown }) => JSON.stringify(state.value),
    events: [
      { type: "inputs.changed" },
      { type: "resync.due" },
      { type: "xstate.after.debounce.service.debouncing" },
      { type: "xstate.after.retryBackoff.service.backoff" },
      done({ kind: "synced", summary }),
      done({ kind: "conflict", summary, message: "c" }),
      done({ kind: "invalid", summary, message: "i" }),
      done({ kind: "released", summary }),
      { type: "xstate.error.actor.reconcile", error: new Error("x") },
    ] as never,
  });
  const reached = new Set(
    paths.map((p: { state: { value: unknown } }) => serviceStateOf(p.state.value as StateValue)),
  );
  for (const state of SERVICE_STATES) assert.ok(reached.has(state), `state ${state} not reached`);
});

Deno.test("serviceMachine: inputs.listed reconciles at once from idle, debouncing and rest", async () => {
  for (const from of ["idle", "debouncing", "synced"] as const) {
    const reconcile = scriptedReconcile();
    const { actor } = start(reconcile);
    if (from !== "idle") {
      actor.send({ type: "inputs.changed" });
    }
    if (from === "synced") {
      actor.send({ type: "inputs.listed" });
      await flush();
      reconcile.calls[0].resolve({ kind: "synced", summary });
      await flush();
    }
    assert.deepStrictEqual(serviceStateOf(actor.getSnapshot().value), from);
    actor.send({ type: "inputs.listed" });
    await flush();
    assert.deepStrictEqual(
      serviceStateOf(actor.getSnapshot().value),
      "reconciling",
      `from ${from}`,
    );
    // A listed event while reconciling asks for one more pass, like any change.
    actor.send({ type: "inputs.listed" });
    assert.deepStrictEqual(actor.getSnapshot().context.dirty, true);
    actor.stop();
  }
});

Deno.test("serviceMachine: synced, conflict and invalid are the states under resting", () => {
  assert.deepStrictEqual([...RESTING_STATES].sort(), ["conflict", "invalid", "synced"]);
  assert.deepStrictEqual(serviceStateOf({ resting: "conflict" }), "conflict");
  assert.deepStrictEqual(serviceStateOf("backoff"), "backoff");
});
