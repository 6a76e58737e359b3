import assert from "node:assert/strict";
import { Counter } from "./counter.ts";

Deno.test("Counter.inc() adds per label set and refuses to go down", () => {
  const counter = new Counter("requests_total", "", ["code"]);
  counter.inc({ code: "200" });
  counter.inc({ code: "200" }, 2.5);
  counter.inc({ code: "500" }, 0);
  assert.equal(counter.get({ code: "200" }), 3.5);
  assert.deepEqual(counter.collect().map((s) => s.value), [3.5, 0]);
  assert.throws(() => counter.inc({ code: "200" }, -1), RangeError);
  assert.throws(() => counter.inc({ code: "200" }, NaN), RangeError);
  assert.throws(() => counter.inc({ code: "200" }, Infinity), RangeError);
  counter.remove({ code: "500" });
  assert.equal(counter.collect().length, 1);
});
