import assert from "node:assert/strict";
import { type ResyncHost, ResyncScheduler } from "./resync_scheduler.ts";

function host(keys: string[], busy: ReadonlySet<string> = new Set()) {
  const sent: string[] = [];
  const overdue: number[] = [];
  let running = true;
  const h: ResyncHost = {
    keys: () => keys,
    resting: (key) => !busy.has(key),
    send: (key) => {
      sent.push(key);
    },
    running: () => running,
    overdue: (left) => overdue.push(left),
  };
  return { h, sent, overdue, stop: () => (running = false) };
}

Deno.test("ResyncScheduler sends one group, and the next once every resting one has ended", () => {
  const { h, sent } = host(["a", "b", "c", "d", "e"]);
  const resync = new ResyncScheduler(h, 2);
  resync.resyncAll();
  assert.deepStrictEqual(sent, ["a", "b"]);
  resync.ended("a");
  assert.deepStrictEqual(sent, ["a", "b"], "b has not ended");
  resync.ended("b");
  assert.deepStrictEqual(sent, ["a", "b", "c", "d"]);
  resync.ended("c");
  resync.ended("d");
  assert.deepStrictEqual(sent, ["a", "b", "c", "d", "e"]);
  assert.deepStrictEqual(resync.underWay, true);
  resync.ended("e");
  assert.deepStrictEqual(resync.underWay, false);
});

Deno.test("ResyncScheduler does not wait for busy actors, and finishes a resync before the next", () => {
  const { h, sent, overdue } = host(["a", "b", "c"], new Set(["a", "b"]));
  const resync = new ResyncScheduler(h, 2);
  resync.resyncAll();
  assert.deepStrictEqual(sent, ["a", "b", "c"], "a busy group does not hold the next back");
  resync.resyncAll();
  assert.deepStrictEqual(overdue, [1], "c is still reconciling");
  resync.ended("c");
  resync.resyncAll();
  assert.deepStrictEqual(sent.length, 6);
});

Deno.test("ResyncScheduler.clear() forgets the resync under way; a stopped host is sent nothing", () => {
  const { h, sent, stop } = host(["a", "b", "c"]);
  const resync = new ResyncScheduler(h, 1);
  resync.resyncAll();
  resync.clear();
  assert.deepStrictEqual(resync.underWay, false);
  resync.ended("a");
  assert.deepStrictEqual(sent, ["a"]);
  stop();
  resync.resyncAll();
  assert.deepStrictEqual(sent, ["a"]);
});
