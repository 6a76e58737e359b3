import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { FULL_SCENARIOS, parseBenchArgs } from "./bench_args.ts";

Deno.test("parseBenchArgs() runs every scenario by default and one with --quick", () => {
  assertEquals(parseBenchArgs([]).scenarios, FULL_SCENARIOS);
  assertEquals(parseBenchArgs(["--quick"]).scenarios, [{ services: 1000, clusters: 1 }]);
});

Deno.test("parseBenchArgs() reads scenarios, runs and rollouts", () => {
  const args = parseBenchArgs(["--scenarios", "50kx3,1000x1", "--runs", "3", "--rollouts", "none"]);
  assertEquals(args.scenarios, [{ services: 50_000, clusters: 3 }, {
    services: 1000,
    clusters: 1,
  }]);
  assertEquals(args.runs, 3);
  assertEquals(args.rollouts, []);
});

Deno.test("parseBenchArgs() names a bad flag", () => {
  assertThrows(() => parseBenchArgs(["--scenarios", "10k"]), /bad scenario "10k"/);
  assertThrows(() => parseBenchArgs(["--runs", "0"]), /--runs is "0"/);
  assertThrows(() => parseBenchArgs(["--fast"]), /unknown flag "--fast"/);
});
