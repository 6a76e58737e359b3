import assert from "node:assert/strict";
import { Limiter, runBounded } from "./limiter.ts";

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

Deno.test("Limiter runs at most its limit at once, in arrival order", async () => {
  const limiter = new Limiter({ limit: 2 });
  const gates = [deferred(), deferred(), deferred(), deferred()];
  const started: number[] = [];
  const done = gates.map((gate, i) =>
    limiter.run(async () => {
      started.push(i);
      await gate.promise;
      return i;
    })
  );
  await flush();
  assert.deepStrictEqual(started, [0, 1]);
  assert.deepStrictEqual([limiter.active, limiter.waiting], [2, 2]);
  gates[1].resolve();
  await flush();
  assert.deepStrictEqual(started, [0, 1, 2]);
  gates[0].resolve();
  gates[2].resolve();
  gates[3].resolve();
  assert.deepStrictEqual(await Promise.all(done), [0, 1, 2, 3]);
  assert.deepStrictEqual([limiter.active, limiter.waiting], [0, 0]);
});

Deno.test("Limiter passes a task's rejection on and frees its turn", async () => {
  const limiter = new Limiter({ limit: 1 });
  const failing = limiter.run(() => Promise.reject(new Error("Polaris answered 500")));
  const next = limiter.run(() => Promise.resolve("next"));
  let message = "";
  await failing.catch((error: Error) => (message = error.message));
  assert.deepStrictEqual(message, "Polaris answered 500");
  assert.deepStrictEqual(await next, "next");
  assert.deepStrictEqual(limiter.active, 0);
});

Deno.test("Limiter with resumeAt starts waiting tasks in groups", async () => {
  const limiter = new Limiter({ limit: 4, resumeAt: 1 });
  const gates = Array.from({ length: 8 }, deferred);
  const started: number[] = [];
  const done = gates.map((gate, i) =>
    limiter.run(async () => {
      started.push(i);
      await gate.promise;
    })
  );
  await flush();
  assert.deepStrictEqual(started, [0, 1, 2, 3]);
  gates[0].resolve();
  gates[1].resolve();
  await flush();
  assert.deepStrictEqual(
    started,
    [0, 1, 2, 3],
    "3 and then 2 running: above the mark, nobody starts",
  );
  gates[2].resolve();
  await flush();
  assert.deepStrictEqual(started, [0, 1, 2, 3, 4, 5, 6], "1 running: three start together");
  for (const gate of gates) gate.resolve();
  await Promise.all(done);
  assert.deepStrictEqual(started, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepStrictEqual([limiter.active, limiter.waiting], [0, 0]);
});

Deno.test("Limiter drops a waiting task whose signal aborts, and runs the next", async () => {
  const limiter = new Limiter({ limit: 1 });
  const gate = deferred();
  const first = limiter.run(() => gate.promise);
  const abort = new AbortController();
  let ran = false;
  const dropped = limiter.run(() => {
    ran = true;
    return Promise.resolve();
  }, abort.signal);
  const third = limiter.run(() => Promise.resolve("third"));
  abort.abort(new Error("the actor stopped"));
  let message = "";
  await dropped.catch((error: Error) => (message = error.message));
  assert.deepStrictEqual(message, "the actor stopped");
  assert.deepStrictEqual(limiter.waiting, 1);
  gate.resolve();
  await first;
  assert.deepStrictEqual(await third, "third");
  assert.deepStrictEqual(ran, false);
  assert.deepStrictEqual([limiter.active, limiter.waiting], [0, 0]);
});

/** A task whose completion the test controls, to observe how many run at once. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

Deno.test("runBounded() never runs more than `limit` tasks at once and runs them all", async () => {
  const gates = Array.from({ length: 5 }, gate);
  let running = 0;
  let peak = 0;
  const done: number[] = [];
  const all = runBounded([0, 1, 2, 3, 4], 2, async (i) => {
    running++;
    peak = Math.max(peak, running);
    await gates[i].opened;
    running--;
    done.push(i);
  });
  for (const g of gates) {
    await Promise.resolve();
    g.open();
    await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
  }
  await all;
  assert.equal(peak, 2);
  assert.deepEqual([...done].sort(), [0, 1, 2, 3, 4]);
});

Deno.test("runBounded() finishes every task before rethrowing the first failure", async () => {
  const finished: number[] = [];
  await assert.rejects(
    runBounded([0, 1, 2], 3, async (i) => {
      await Promise.resolve();
      if (i === 0) throw new Error("first");
      finished.push(i);
    }),
    /first/,
  );
  assert.deepEqual(finished, [1, 2]);
});
