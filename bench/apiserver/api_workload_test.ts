import {
  deepStrictEqual as assertEquals,
  ok as assert,
  throws as assertThrows,
} from "node:assert/strict";
import { namespaceOf, planApiWorkload, podIp, ROLLOUT_NAMESPACE } from "./api_workload.ts";

Deno.test("podIp() numbers distinct addresses without .0 or .255", () => {
  const seen = new Set<string>();
  for (let n = 0; n < 70_000; n++) {
    const ip = podIp(n);
    const last = Number(ip.split(".")[3]);
    assert(last !== 0 && last !== 255, `podIp(${n}) = ${ip}`);
    seen.add(ip);
  }
  assertEquals(seen.size, 70_000);
  assertEquals(podIp(249), "10.64.0.250");
  assertEquals(podIp(250 * 256), "10.65.0.1");
  assertThrows(() => podIp(-1), RangeError);
  assertThrows(() => podIp(1.5), RangeError);
});

Deno.test("namespaceOf() puts 100 Services in each namespace", () => {
  assertEquals([namespaceOf(0), namespaceOf(99), namespaceOf(100)], [
    "api-ns-0",
    "api-ns-0",
    "api-ns-1",
  ]);
});

Deno.test("planApiWorkload() plans Services, Pods and the rolling change", () => {
  const plan = planApiWorkload({ services: 201, podsPerService: 3, rolloutPods: 4 });
  assertEquals(plan.namespaces, ["api-ns-0", "api-ns-1", "api-ns-2", ROLLOUT_NAMESPACE]);
  assertEquals(plan.counts, { namespaces: 4, services: 202, instances: 201 * 3 + 4 });
  assertEquals(plan.services[0].pods.map((p) => p.name), ["svc-0-0", "svc-0-1", "svc-0-2"]);
  const ips = [...plan.services.flatMap((s) => s.pods), ...plan.rolloutNewPods].map((p) => p.ip);
  assertEquals(new Set(ips).size, ips.length);
  assertEquals(plan.rolloutNewPods.map((p) => p.name), [
    "rollout-new-0",
    "rollout-new-1",
    "rollout-new-2",
    "rollout-new-3",
  ]);
});

Deno.test("planApiWorkload() leaves out the rolling change at 0 pods", () => {
  const plan = planApiWorkload({ services: 5, podsPerService: 2, rolloutPods: 0 });
  assertEquals(plan.namespaces, ["api-ns-0"]);
  assertEquals(plan.rolloutNewPods, []);
  assertEquals(plan.counts, { namespaces: 1, services: 5, instances: 10 });
});
