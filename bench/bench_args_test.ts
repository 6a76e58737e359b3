import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { APISERVER_DEFAULTS, FULL_SCENARIOS, parseBenchArgs } from "./bench_args.ts";

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

Deno.test("parseBenchArgs() runs the apiserver scenario alone with --apiserver, last in a full run", () => {
  assertEquals(parseBenchArgs(["--apiserver"]).scenarios, []);
  assertEquals(parseBenchArgs(["--apiserver"]).apiserver, APISERVER_DEFAULTS);
  assertEquals(parseBenchArgs([]).apiserver, APISERVER_DEFAULTS);
  assertEquals(parseBenchArgs(["--quick"]).apiserver, null);
  assertEquals(parseBenchArgs(["--scenarios", "1000x1"]).apiserver, null);
  const both = parseBenchArgs([
    "--scenarios",
    "1000x1",
    "--api-services",
    "200",
    "--api-pods",
    "2",
  ]);
  assertEquals(both.scenarios, [{ services: 1000, clusters: 1 }]);
  assertEquals(both.apiserver, { ...APISERVER_DEFAULTS, services: 200, podsPerService: 2 });
  assertEquals(
    parseBenchArgs(["--api-rollout-pods", "0", "--api-event-interval-ms", "50"]).apiserver,
    { ...APISERVER_DEFAULTS, rolloutPods: 0, eventIntervalMs: 50 },
  );
});

Deno.test("parseBenchArgs() keeps the apiserver scenario out of --quick", () => {
  assertThrows(() => parseBenchArgs(["--quick", "--apiserver"]), /not part of --quick/);
  assertThrows(() => parseBenchArgs(["--api-pods", "0"]), /--api-pods is "0"/);
});

Deno.test("parseBenchArgs() runs against the emulator unless --polaris names the sides", () => {
  assertEquals(parseBenchArgs([]).polaris, ["emulator"]);
  assertEquals(parseBenchArgs(["--quick"]).polaris, ["emulator"]);
  assertEquals(
    parseBenchArgs(["--polaris", "emulator,boltdb,mysql,boltdb"]).polaris,
    ["emulator", "boltdb", "mysql"],
  );
  assertThrows(() => parseBenchArgs(["--polaris", "etcd"]), /--polaris "etcd"; expected a list/);
});
