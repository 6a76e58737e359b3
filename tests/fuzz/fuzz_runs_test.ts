import assert from "node:assert/strict";
import { DEFAULT_FUZZ_SEED, fuzzParameters, LONG_FUZZ_RUNS, longFuzzMode } from "./fuzz_runs.ts";

Deno.test("fuzzParameters() keeps a property's own runs and the fixed seed by default", () => {
  assert.deepStrictEqual(fuzzParameters({ runs: 200, cost: 10 }, {}), {
    numRuns: 200,
    seed: DEFAULT_FUZZ_SEED,
  });
  assert.equal(longFuzzMode({}), false);
});

Deno.test("fuzzParameters() takes FUZZ_RUNS divided by the cost, and FUZZ_SEED", () => {
  const env = { FUZZ_RUNS: "100000", FUZZ_SEED: "-42" };
  assert.deepStrictEqual(fuzzParameters({ runs: 200 }, env), { numRuns: 100_000, seed: -42 });
  assert.deepStrictEqual(fuzzParameters({ runs: 200, cost: 30 }, env), {
    numRuns: 3_334,
    seed: -42,
  });
  // Never fewer runs than the short mode.
  assert.equal(fuzzParameters({ runs: 5, cost: 1_000 }, { FUZZ_RUNS: "10" }).numRuns, 5);
  assert.equal(longFuzzMode(env), true);
});

Deno.test("fuzzParameters() runs LONG_FUZZ_RUNS / cost under FUZZ_MODE=long", () => {
  const env = { FUZZ_MODE: "long" };
  assert.equal(longFuzzMode(env), true);
  assert.equal(fuzzParameters({ runs: 10 }, env).numRuns, LONG_FUZZ_RUNS);
  assert.equal(fuzzParameters({ runs: 10, cost: 200 }, env).numRuns, LONG_FUZZ_RUNS / 200);
  assert.equal(fuzzParameters({ runs: 10 }, { ...env, FUZZ_RUNS: "50" }).numRuns, 50);
  assert.throws(() => longFuzzMode({ FUZZ_MODE: "short" }), /^RangeError: FUZZ_MODE is "short"/);
});

Deno.test("fuzzParameters() refuses a FUZZ_RUNS or FUZZ_SEED that is not a whole number", () => {
  for (const env of [{ FUZZ_RUNS: "1e5" }, { FUZZ_RUNS: "0" }, { FUZZ_SEED: "abc" }]) {
    const name = Object.keys(env)[0];
    assert.throws(() => fuzzParameters({ runs: 1 }, env), (error) => {
      assert.ok(error instanceof RangeError);
      assert.ok(error.message.startsWith(`${name} is "`), error.message);
      return true;
    });
  }
});

Deno.test("fuzzParameters() reads the environment only where it may", () => {
  // Under `deno test` without --allow-env this must not throw; with it, it reads the variables.
  const parameters = fuzzParameters({ runs: 7 });
  assert.ok(Number.isSafeInteger(parameters.numRuns) && parameters.numRuns >= 1);
});
