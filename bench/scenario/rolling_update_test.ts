import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { MemorySource } from "../../adapters/memory/memory_source.ts";
import type { ControlInstance } from "../processes/emulator_child.ts";
import { rollService } from "./rolling_update.ts";
import { clusterNameOf, fillSources, ROLLOUT_NAMESPACE } from "./workload.ts";

Deno.test("rollService() sends three events per pod and times each one until it is seen", async () => {
  const source = new MemorySource(clusterNameOf(0));
  fillSources([source], { services: 0, endpoints: 0, clusters: 1, aliasEvery: 0, rollouts: [4] });
  await source.start();
  // A "registry" that mirrors the source at once, except that it never drops old pods.
  let keepOld = true;
  const seen = new Map<string, ControlInstance>();
  const read = () => {
    const group = source.endpoints(ROLLOUT_NAMESPACE, "rollout-4")[0];
    if (!keepOld) seen.clear();
    for (const a of group.addresses) {
      seen.set(a.address, { host: a.address, port: 8080, isolate: !a.ready, clusterName: "" });
    }
    return Promise.resolve([...seen.values()]);
  };
  const partial = await rollService({
    source,
    namespace: ROLLOUT_NAMESPACE,
    service: "rollout-4",
    pods: 4,
    firstAddress: 100,
    eventIntervalMs: 0,
    pollIntervalMs: 1,
    timeoutMs: 50,
    read,
  });
  assertEquals([partial.events, partial.unapplied], [12, 4]); // the 4 deletes never show
  keepOld = false;
  const full = await rollService({
    source,
    namespace: ROLLOUT_NAMESPACE,
    service: "rollout-4",
    pods: 4,
    firstAddress: 200,
    eventIntervalMs: 0,
    pollIntervalMs: 1,
    timeoutMs: 1000,
    read,
  });
  assertEquals([full.events, full.unapplied, full.latenciesMs.length], [12, 0, 12]);
  assertEquals(source.endpoints(ROLLOUT_NAMESPACE, "rollout-4")[0].addresses.length, 4);
  await source.stop();
});
