import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { quickGate } from "./quick_gate.ts";
import { classifyRequests, writeLowerBound } from "../scenario/request_kinds.ts";
import type { ScenarioResult } from "../scenario/scenario_result.ts";

function result(
  writes: number,
  idleWrites: number | null,
  complete = true,
): Pick<ScenarioResult, "converge" | "idleResync" | "errors"> {
  const phase = (n: number) => {
    const raw = { "POST /naming/v1/instances": n, "GET /naming/v1/instances": 3 };
    return { raw, kinds: classifyRequests(raw) };
  };
  return {
    converge: {
      complete,
      instancesSeen: 1000,
      instancesMs: 1,
      settledMs: 1,
      requests: phase(writes),
      lowerBound: writeLowerBound({
        namespaces: 0,
        services: 0,
        aliases: 0,
        instanceCreates: 10_000,
        instanceUpdates: 0,
        instanceDeletes: 0,
      }),
      verified: {
        instances: 0,
        isolated: 0,
        byCluster: {},
        services: 0,
        namespaces: 0,
        aliases: 0,
      },
    },
    idleResync: {
      periodMs: 1,
      overlapped: false,
      settleMs: 1,
      requests: idleWrites === null ? null : phase(idleWrites),
    },
    errors: [],
  };
}

Deno.test("quickGate() passes at 1.1 x the lower bound with a silent idle resync", () => {
  assertEquals(quickGate(result(110, 0)), []);
});

Deno.test("quickGate() fails above 1.1 x the lower bound", () => {
  assertEquals(quickGate(result(111, 0)).length, 1);
});

Deno.test("quickGate() fails when an idle resync writes or was not measured", () => {
  assertEquals(quickGate(result(100, 1)), ["an idle resync sent 1 writes"]);
  assertEquals(quickGate(result(100, null)), ["the idle resync was not measured"]);
});

Deno.test("quickGate() fails an incomplete convergence", () => {
  assertEquals(quickGate(result(100, 0, false)), ["first convergence did not complete"]);
});
