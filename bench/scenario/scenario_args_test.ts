import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { parseScenarioArgs } from "./scenario_args.ts";

Deno.test("parseScenarioArgs() reads numbers and the rollout list", () => {
  const args = parseScenarioArgs([
    "--polaris",
    "http://127.0.0.1:1",
    "--control",
    "http://127.0.0.1:2",
    "--services",
    "50",
    "--clusters",
    "3",
    "--rollouts",
    "10",
  ]);
  assertEquals(args.services, 50);
  assertEquals(args.clusters, 3);
  assertEquals(args.rollouts, [10]);
  assertEquals(args.endpoints, 10);
});

Deno.test("parseScenarioArgs() names a bad or missing flag", () => {
  assertThrows(() => parseScenarioArgs(["--services", "10"]), /--polaris and --control/);
  assertThrows(
    () => parseScenarioArgs(["--polaris", "p", "--control", "c", "--services", "x"]),
    /--services is "x"/,
  );
  assertThrows(
    () => parseScenarioArgs(["--polaris", "p", "--control", "c", "--x", "1"]),
    /unknown flag "--x"/,
  );
});
