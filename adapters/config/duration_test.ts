import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { parseDurationMs } from "./duration.ts";

Deno.test("parseDurationMs() converts Go durations to milliseconds", () => {
  const cases: ReadonlyArray<readonly [string, number]> = [
    ["0", 0],
    ["0s", 0],
    ["200ms", 200],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1m30s", 90_000],
    ["1h2m3s4ms", 3_723_004],
    ["1.5h", 5_400_000],
    [".5s", 500],
    ["1500us", 2],
    ["1500µs", 2],
    ["2000000ns", 2],
  ];
  for (const [text, ms] of cases) assertEquals([text, parseDurationMs(text)], [text, ms]);
});

Deno.test("parseDurationMs() refuses what Go refuses and negative durations", () => {
  const bad = ["", "10", "1.5", "s", "ms", "5 m", "5M", "1d", "-1s", "+1s", "1s ", "PT5M", "1e3ms"];
  for (const text of bad) assertEquals([text, parseDurationMs(text)], [text, undefined]);
});
