/**
 * Keeps the example clusters honest: they load without a single error, hold what README.md says,
 * and their Pod IPs collide between clusters only in the one documented place.
 */

import assert from "node:assert/strict";
import { createManifestSource } from "../adapters/manifests/manifest_source.ts";
import type { ClusterView } from "../domain/cluster.ts";

const here = new URL(".", import.meta.url).pathname;

async function load(cluster: string, run: (view: ClusterView) => void): Promise<void> {
  const problems: string[] = [];
  const source = createManifestSource({
    clusterName: cluster,
    dir: `${here}${cluster}`,
    watch: false,
    log: (level, message) => {
      if (level === "warn" || level === "error") problems.push(message);
    },
  });
  await source.start();
  try {
    assert.deepEqual(problems, []);
    run(source);
  } finally {
    await source.stop();
  }
}

function addresses(view: ClusterView): Map<string, string> {
  const found = new Map<string, string>();
  for (const service of view.services()) {
    for (const group of view.endpoints(service.namespace, service.name)) {
      for (const { address } of group.addresses) {
        for (const { port } of group.ports) {
          found.set(`${address}:${port}`, `${service.namespace}/${service.name}`);
        }
      }
    }
  }
  return found;
}

Deno.test("examples load without errors and show what README.md describes", async () => {
  let a = new Map<string, string>();
  let b = new Map<string, string>();
  await load("cluster-a", (view) => {
    const names = [...view.services()].map((s) => `${s.namespace}/${s.name}`).sort();
    assert.deepEqual(names, [
      "default/mainframe",
      "kube-system/kube-dns",
      "legacy/inventory",
      "legacy/reports",
      "payments/gateway",
      "payments/ledger",
      "shop/cart",
      "shop/catalog",
      "shop/cdn",
      "shop/checkout",
      "shop/reviews",
      "shop/search",
    ]);
    assert.deepEqual(view.namespace("default"), { name: "default", annotations: {} });
    assert.equal(view.namespace("legacy")?.annotations["polarismesh.cn/sync"], "false");
    const checkout = view.endpoints("shop", "checkout")[0].addresses;
    assert.deepEqual(checkout.map((x) => [x.address, x.ready, x.terminating]), [
      ["10.10.1.31", true, false],
      ["10.10.1.32", false, false],
      ["10.10.1.33", false, true],
    ]);
    assert.equal(view.endpoints("shop", "cart")[0].ports[0].port, 8080);
    assert.deepEqual(view.endpoints("shop", "cdn"), []);
    assert.equal(view.podLabels("shop", "cart-7d9f8-c3d4e")?.version, "v2");
    a = addresses(view);
  });
  await load("cluster-b", (view) => {
    assert.equal([...view.services()].length, 4);
    assert.equal(view.endpoints("analytics", "ingest")[0].addresses.length, 2);
    b = addresses(view);
  });
  const shared = [...a.keys()].filter((key) => b.has(key));
  assert.deepEqual(shared, ["10.10.1.41:9080"]);
  assert.equal(a.get("10.10.1.41:9080"), "shop/reviews");
  assert.equal(b.get("10.10.1.41:9080"), "shop/reviews");
  const hostsA = new Set([...a.keys()].map((key) => key.split(":")[0]));
  const hostsB = [...b.keys()].map((key) => key.split(":")[0]);
  assert.deepEqual(hostsB.filter((host) => hostsA.has(host)), ["10.10.1.41"]);
});
