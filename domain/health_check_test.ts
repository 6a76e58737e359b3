import assert from "node:assert/strict";
import { parseTtl } from "./health_check.ts";

Deno.test("parseTtl() turns the health check on for 1..60 and holds the Service on anything else", () => {
  const cases: Array<[string | undefined, number | "held"]> = [
    [undefined, 0],
    ["1", 1],
    ["60", 60],
    [" 10 ", 10],
    ["0", "held"],
    ["61", "held"],
    ["-5", "held"],
    ["5s", "held"],
    ["", "held"],
    ["1.5", "held"],
  ];
  for (const [raw, want] of cases) {
    const got = parseTtl(raw);
    if (want === "held") {
      assert.ok("problem" in got, `ttl ${JSON.stringify(raw)} must be held`);
      assert.equal(got.problem.fatal, true);
      assert.match(got.problem.message, /polarismesh\.cn\/ttl=".*" is not an integer in 1\.\.60/);
    } else {
      assert.deepEqual(got, { ttl: want }, `ttl ${JSON.stringify(raw)}`);
    }
  }
});
