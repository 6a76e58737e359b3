import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  naiveForEvents,
  naiveForFullList,
  naiveIdlePerHour,
  oursIdlePerHour,
} from "./naive_model.ts";

Deno.test("naiveForFullList() counts a Service and an endpoints event per Service per cluster", () => {
  assertEquals(naiveForFullList(1000, 3), { events: 6000, reads: 6000, writes: 6000 });
});

Deno.test("naiveIdlePerHour() resyncs every Service of every cluster every 30 s", () => {
  assertEquals(naiveIdlePerHour(10, 2), naiveForEvents(120 * 20));
});

Deno.test("oursIdlePerHour() scales one measured resync by the resync period", () => {
  assertEquals(oursIdlePerHour({ reads: 243, writes: 0 }, 300), { reads: 2916, writes: 0 });
});
