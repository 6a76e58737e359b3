import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { ApplyTracker } from "./apply_tracker.ts";

Deno.test("ApplyTracker.latencies() times each event to the first read that shows it", () => {
  const tracker = new ApplyTracker<ReadonlySet<string>>();
  tracker.add("a up", 100, (s) => s.has("a"));
  tracker.add("b gone", 200, (s) => !s.has("b"));
  tracker.observe(new Set(["b"]), { startedAt: 110, seenAt: 120 });
  tracker.observe(new Set(["a", "b"]), { startedAt: 150, seenAt: 160 });
  tracker.observe(new Set(["a"]), { startedAt: 260, seenAt: 270 });
  tracker.observe(new Set(["a"]), { startedAt: 300, seenAt: 310 });
  assertEquals(tracker.latencies(), [
    { label: "a up", latencyMs: 60 },
    { label: "b gone", latencyMs: 70 },
  ]);
  assertEquals(tracker.pending, 0);
});

Deno.test("ApplyTracker.observe() ignores a read that started before the event", () => {
  const tracker = new ApplyTracker<ReadonlySet<string>>();
  tracker.add("b gone", 200, (s) => !s.has("b"));
  tracker.observe(new Set(), { startedAt: 190, seenAt: 230 });
  assertEquals(tracker.pending, 1);
  assertEquals(tracker.latencies(), [{ label: "b gone", latencyMs: null }]);
  assertEquals(tracker.size, 1);
});
