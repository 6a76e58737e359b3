import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { isLogLevel, LOG_LEVELS, logLevelRank } from "./log_level.ts";

Deno.test("isLogLevel() accepts exactly the four levels", () => {
  assertEquals(LOG_LEVELS.map(isLogLevel), [true, true, true, true]);
  assertEquals(["INFO", "warning", "", undefined, 1].map(isLogLevel), [
    false,
    false,
    false,
    false,
    false,
  ]);
});

Deno.test("logLevelRank() orders levels by severity", () => {
  assertEquals(LOG_LEVELS.map(logLevelRank), [0, 1, 2, 3]);
});
