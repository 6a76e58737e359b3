import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { MemorySource } from "../../adapters/memory/memory_source.ts";
import { addressOf, clusterNameOf, fillSources, ROLLOUT_NAMESPACE } from "./workload.ts";

Deno.test("fillSources() generates every Service in every cluster with distinct addresses", () => {
  const sources = [0, 1].map((i) => new MemorySource(clusterNameOf(i)));
  const counts = fillSources(sources, {
    services: 250,
    endpoints: 4,
    clusters: 2,
    aliasEvery: 100,
    rollouts: [5],
  });
  assertEquals(counts.services, 251);
  assertEquals(counts.namespaces, 3 + 1 + 1); // bench-ns-0..2, the rollout and the alias namespace
  assertEquals(counts.aliases, 3);
  assertEquals(counts.instancesByCluster, { "bench-a": 1005, "bench-b": 1000 });
  assertEquals(counts.instances, 2005);
  const seen = new Set<string>();
  for (const source of sources) {
    for (const svc of source.services()) {
      for (const group of source.endpoints(svc.namespace, svc.name)) {
        for (const a of group.addresses) seen.add(a.address);
      }
    }
  }
  assertEquals(seen.size, 2005);
  assertEquals(sources[1].service(ROLLOUT_NAMESPACE, "rollout-5"), undefined);
  assertEquals(sources[0].service("bench-ns-2", "svc-200")?.annotations, {
    "polarismesh.cn/aliasService": "alias-svc-200",
    "polarismesh.cn/aliasNamespace": "bench-alias",
  });
});

Deno.test("addressOf() keeps pools and clusters apart", () => {
  assertEquals(addressOf(0, 1, 65536), "10.17.0.0");
  assertEquals(addressOf(1, 0, 1), "10.128.0.1");
});
