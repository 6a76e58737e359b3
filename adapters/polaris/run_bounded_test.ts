import assert from "node:assert/strict";
import { runBounded } from "./run_bounded.ts";

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
