import assert from "node:assert/strict";
import type { ProcessUsage } from "./process_usage.ts";
import { UsageSteps } from "./usage_steps.ts";

const at = (name: string, cpuMs: number): ProcessUsage => ({
  name,
  pid: 1,
  cpuMs,
  rssBytes: 10,
  hwmBytes: 20,
});

Deno.test("UsageSteps gives each phase the CPU time spent since the previous mark", async () => {
  let tick = 0;
  const steps = new UsageSteps(
    () => Promise.resolve([at("polaris-server", [100, 400, 450][tick])]),
    () => at("controller", [10, 30, 35][tick++]),
  );
  await steps.mark("start");
  await steps.mark("converge");
  await steps.mark("restart");
  const figures = steps.steps();
  assert.deepEqual(figures.phases, [
    { phase: "start", cpuMs: { controller: 10, "polaris-server": 100 } },
    { phase: "converge", cpuMs: { controller: 20, "polaris-server": 300 } },
    { phase: "restart", cpuMs: { controller: 5, "polaris-server": 50 } },
  ]);
  assert.deepEqual(figures.last.map((u) => u.name), ["controller", "polaris-server"]);
});

Deno.test("UsageSteps keeps the controller's figures when the Polaris side cannot answer", async () => {
  const steps = new UsageSteps(() => Promise.reject(new Error("no /usage")), () => at("c", 5));
  await steps.mark("start");
  assert.deepEqual(steps.steps().phases, [{ phase: "start", cpuMs: { c: 5 } }]);
});
