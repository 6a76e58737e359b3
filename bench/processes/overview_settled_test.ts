import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { overviewSettled } from "./overview_settled.ts";

Deno.test("overviewSettled() needs a sweep, enough actors, all synced", () => {
  const settled = { states: { synced: 5, backoff: 0 }, supervisor: { sweeps: 1 }, services: 5 };
  assertEquals(overviewSettled(settled, 5), true);
  assertEquals(overviewSettled(settled, 6), false);
  assertEquals(overviewSettled({ ...settled, supervisor: { sweeps: 0 } }, 5), false);
  assertEquals(overviewSettled({ ...settled, states: { synced: 4, debouncing: 1 } }, 5), false);
  assertEquals(overviewSettled({}, 0), false);
});
