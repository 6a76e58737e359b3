import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { phaseRequests } from "./phase_requests.ts";

Deno.test("phaseRequests() counts only what changed between two readings, by kind", () => {
  const before = { "GET /naming/v1/instances": 10, "POST /naming/v1/instances": 4 };
  const after = {
    "GET /naming/v1/instances": 12,
    "POST /naming/v1/instances": 4,
    "POST /naming/v1/instances/delete": 1,
    "GET /naming/v1/instances/count": 7,
  };
  const phase = phaseRequests(after, before);
  assertEquals(phase.raw, {
    "GET /naming/v1/instances": 2,
    "POST /naming/v1/instances/delete": 1,
    "GET /naming/v1/instances/count": 7,
  });
  assertEquals([phase.kinds.reads, phase.kinds.writes, phase.kinds.benchmark], [2, 1, 7]);
  assertEquals(phase.kinds.instanceDeletes, 1);
});
