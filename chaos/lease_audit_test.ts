import assert from "node:assert/strict";
import { type LeaseObservation, leaseViolations } from "./lease_audit.ts";

const read = (at: number, holder: string, transitions: number): LeaseObservation => ({
  sentAt: at,
  receivedAt: at + 2,
  holder,
  transitions,
});

Deno.test("leaseViolations() flags a write inside a window another replica provably held", () => {
  const reads = [read(0, "r1", 1), read(100, "r1", 1), read(200, "r1", 1)];
  const found = leaseViolations(reads, [
    { replica: "r2", at: 150, request: "POST /naming/v1/instances" },
    { replica: "r1", at: 150, request: "POST /naming/v1/instances" },
  ], 10);
  assert.deepStrictEqual(found.map((v) => [v.replica, v.holder, v.from, v.to]), [
    ["r2", "r1", 2, 200],
  ]);
});

Deno.test("leaseViolations() gives the benefit of the doubt at a handover and within the slack", () => {
  const reads = [read(0, "r1", 1), read(100, "r2", 2), read(200, "r2", 2)];
  const writes = [
    // Between the last read showing r1 and the first showing r2: either may hold it.
    { replica: "r1", at: 50, request: "PUT /naming/v1/instances" },
    // Stamped just after r2's first read, but within the slack: it may have left before.
    { replica: "r1", at: 110, request: "PUT /naming/v1/instances" },
    // Certainly after: r1 wrote while r2 held the Lease.
    { replica: "r1", at: 150, request: "PUT /naming/v1/instances" },
  ];
  assert.deepStrictEqual(leaseViolations(reads, writes, 20).map((v) => v.at), [150]);
});

Deno.test("leaseViolations() proves nothing across a change of leaseTransitions", () => {
  const reads = [read(0, "r1", 1), read(100, "r1", 3)];
  assert.deepStrictEqual(
    leaseViolations(reads, [{ replica: "r2", at: 50, request: "POST /x" }], 0),
    [],
  );
});

Deno.test("leaseViolations() counts a write while nobody holds the Lease", () => {
  const reads = [read(0, "", 1), read(100, "", 1)];
  assert.deepStrictEqual(
    leaseViolations(reads, [{ replica: "r2", at: 50, request: "POST /x" }], 0).length,
    1,
  );
});
