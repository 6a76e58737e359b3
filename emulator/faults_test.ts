import assert from "node:assert/strict";
import { FaultInjector, faultMatches } from "./faults.ts";

Deno.test("faultMatches() matches method and exact or prefix path", () => {
  assert.ok(faultMatches(undefined, "GET", "/x"));
  assert.ok(faultMatches({ method: "post" }, "POST", "/x"));
  assert.ok(!faultMatches({ method: "GET" }, "POST", "/x"));
  assert.ok(faultMatches({ path: "/naming/v1/instances" }, "GET", "/naming/v1/instances"));
  assert.ok(!faultMatches({ path: "/naming/v1/instances" }, "GET", "/naming/v1/instances/delete"));
  assert.ok(faultMatches({ path: "/naming/v1/instances*" }, "GET", "/naming/v1/instances/delete"));
});

Deno.test("FaultInjector.take() uses up `times`", () => {
  const faults = new FaultInjector(() => 0);
  faults.add({ kind: "drop", times: 2 });
  assert.equal(faults.take("GET", "/").terminal?.kind, "drop");
  assert.equal(faults.take("GET", "/").terminal?.kind, "drop");
  assert.equal(faults.take("GET", "/").terminal, undefined);
  assert.equal(faults.size, 0);
});

Deno.test("FaultInjector.take() ends a `forMs` window on the injected clock", () => {
  let now = 1000;
  const faults = new FaultInjector(() => now);
  faults.add({ kind: "rateLimit", forMs: 500 });
  assert.equal(faults.take("GET", "/").terminal?.kind, "rateLimit");
  now = 1499;
  assert.equal(faults.take("GET", "/").terminal?.kind, "rateLimit");
  now = 1500;
  assert.equal(faults.take("GET", "/").terminal, undefined);
});

Deno.test("FaultInjector.take() adds latencies and picks the first terminal fault", () => {
  const faults = new FaultInjector(() => 0);
  faults.add({ kind: "latency", ms: 5 });
  faults.add({ kind: "latency", ms: 7, match: { method: "POST" } });
  faults.add({ kind: "status", code: 500000, times: 1 });
  faults.add({ kind: "drop", times: 1 });
  assert.deepEqual(faults.take("POST", "/a"), {
    latencyMs: 12,
    terminal: { kind: "status", code: 500000, times: 1 },
  });
  // The drop was not used by the first request, so it answers the second.
  assert.equal(faults.take("GET", "/a").terminal?.kind, "drop");
  assert.deepEqual(faults.take("GET", "/a"), { latencyMs: 5, terminal: undefined });
});

Deno.test("FaultInjector.add() returns a remover and clear() removes everything", () => {
  const faults = new FaultInjector(() => 0);
  const remove = faults.add({ kind: "drop" });
  faults.add({ kind: "rateLimit" });
  remove();
  assert.equal(faults.take("GET", "/").terminal?.kind, "rateLimit");
  faults.clear();
  assert.equal(faults.size, 0);
  assert.throws(() => faults.add({ kind: "drop", times: 0 }), RangeError);
});
