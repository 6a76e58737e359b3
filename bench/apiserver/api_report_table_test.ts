import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { apiScenarioTable } from "./api_report_table.ts";
import type { ApiScenarioResult } from "./api_result.ts";
import { classifyRequests } from "../scenario/request_kinds.ts";

const requests = (raw: Record<string, number>) => ({ raw, kinds: classifyRequests(raw) });
const run = (peakRssBytes: number | null) => ({
  listeningMs: 900,
  readyMs: 1700,
  settledMs: 2300,
  peakRssBytes,
  exitCode: 0,
  lines: { info: 10, warn: 2 },
});

function fixture(): ApiScenarioResult {
  return {
    shape: { services: 1000, podsPerService: 3, rolloutPods: 20, eventIntervalMs: 250 },
    counts: { namespaces: 11, services: 1001, instances: 3020 },
    setup: {
      controlPlaneMs: 6000,
      createMs: 33_000,
      createRequests: 7053,
      publishMs: 37_000,
      sliceVersion: "v1beta1",
    },
    converge: {
      complete: true,
      instancesSeen: 3020,
      instancesMs: 2389,
      run: run(224 * 1048576),
      requests: requests({ "POST /naming/v1/instances": 34, "GET /naming/v1/instances": 73 }),
      lowerBound: {
        namespaces: 1,
        services: 11,
        aliases: 0,
        instanceCreates: 31,
        instanceUpdates: 0,
        instanceDeletes: 0,
        total: 43,
      },
      verified: {
        instances: 3020,
        isolated: 0,
        byCluster: { "bench-apiserver": 3020 },
        services: 1001,
        namespaces: 13,
        aliases: 0,
      },
      mismatched: [],
      resources: [{ resource: "services", objects: 1002 }],
    },
    restart: {
      complete: true,
      run: run(234 * 1048576),
      requests: requests({ "GET /naming/v1/instances": 82 }),
      quietMs: 2000,
    },
    rollout: null,
    emulatorRssBytes: 93 * 1048576,
    errors: ["something odd"],
  };
}

Deno.test("apiScenarioTable() shows convergence, restart and memory figures", () => {
  const text = apiScenarioTable("api", fixture());
  const line = (start: string) => text.split("\n").find((l) => l.trimStart().startsWith(start));
  assert(line("first convergence")?.includes("2389 ms"), text);
  assert(line("writes / lower bound")?.includes("34 / 43 (x0.79)"), text);
  assert(line("restart, nothing changed")?.includes("0 writes, 82 reads"), text);
  assert(line("controller peak RSS")?.includes("224 MiB"), text);
  assert(line("controller peak RSS")?.includes("234 MiB"), text);
  assertEquals(line("rolling change")?.includes("not measured"), true);
  assert(text.includes("! something odd"), text);
  assert(text.includes("controller logged 4 warn/error lines"), text);
});

Deno.test("apiScenarioTable() shows a rolling change and an incomplete convergence", () => {
  const base = fixture();
  const text = apiScenarioTable("api", {
    ...base,
    converge: { ...base.converge, complete: false, instancesSeen: 17 },
    rollout: {
      pods: 20,
      events: 40,
      durationMs: 9771,
      latency: { count: 40, p50Ms: 252, p99Ms: 283, maxMs: 290 },
      unapplied: 0,
      requests: requests({
        "POST /naming/v1/instances": 20,
        "POST /naming/v1/instances/delete": 20,
      }),
      lowerBound: {
        namespaces: 0,
        services: 0,
        aliases: 0,
        instanceCreates: 1,
        instanceUpdates: 0,
        instanceDeletes: 1,
        total: 2,
      },
      controllerLatency: { count: 40, meanMs: 237, p50UpperMs: 250, p99UpperMs: 500 },
      verified: true,
    },
  });
  assert(text.includes("INCOMPLETE 17/3020"), text);
  const rolling = text.split("\n").find((l) => l.startsWith("rolling change 20 pods (40 changes)"));
  assert(rolling?.includes("40 writes, 0 reads"), text);
  assert(text.includes("252 ms / 283 ms / 290 ms"), text);
  assert(text.includes("p50 <= 250 ms, p99 <= 500 ms"), text);
});
