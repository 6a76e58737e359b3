import assert from "node:assert/strict";
import { parseChaosArgs } from "./chaos_args.ts";

Deno.test("parseChaosArgs() reads --minutes, --seed and --replicas, in both spellings", () => {
  const args = parseChaosArgs(["--minutes", "30", "--seed=7", "--replicas", "2"], () => 99);
  assert.deepStrictEqual([args.quick, args.minutes, args.seed, args.replicas], [false, 30, "7", 2]);
  assert.ok(args.cycles * args.activeMs >= 30 * 60_000, "30 minutes of churn and faults");
});

Deno.test("parseChaosArgs() --quick: seed 1, two replicas, five cycles unless told otherwise", () => {
  const args = parseChaosArgs(["--quick", "--seed", "9"], () => 99);
  assert.deepStrictEqual([args.seed, args.replicas, args.cycles], ["9", 2, 5]);
  assert.deepStrictEqual(parseChaosArgs([], () => 99).seed, "99", "a long run's seed is the time");
});

Deno.test("parseChaosArgs() refuses a bad value with a message naming the flag", () => {
  assert.throws(() => parseChaosArgs(["--replicas", "4"], () => 0), /--replicas is "4"/);
  assert.throws(() => parseChaosArgs(["--minutes"], () => 0), /--minutes/);
  assert.throws(() => parseChaosArgs(["--fast"], () => 0), /unknown flag "--fast"/);
});
