import assert from "node:assert/strict";
import { cpuMsOfStat, readProcessUsage } from "./process_usage.ts";

Deno.test("cpuMsOfStat adds utime and stime, past a command name with spaces", () => {
  const stat = "42 (polaris server) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 1 2 3";
  assert.equal(cpuMsOfStat(stat), 3000);
});

Deno.test("readProcessUsage reads this process", () => {
  const usage = readProcessUsage("self", "self");
  assert.equal(usage.pid, Deno.pid);
  assert.ok(usage.rssBytes > 0 && usage.hwmBytes >= usage.rssBytes);
  assert.ok(usage.cpuMs >= 0);
});
