import assert from "node:assert/strict";
import { computeExpectation, syncs } from "./expectation.ts";
import type { KubeObjects } from "./kube_objects.ts";

const ns = (name: string, annotations: Record<string, string> = {}) => ({
  name,
  annotations,
  terminating: false,
});
const svc = (namespace: string, name: string, annotations: Record<string, string> = {}) => ({
  namespace,
  name,
  type: "ClusterIP",
  annotations,
});

Deno.test("syncs() follows SPEC §2's table in mode all", () => {
  const rows: [Record<string, string>, Record<string, string>, boolean][] = [
    [{}, {}, true],
    [{ "polarismesh.cn/sync": "true" }, {}, true],
    [{ "polarismesh.cn/sync": "false" }, {}, false],
    [{ "polarismesh.cn/sync": "false" }, { "polarismesh.cn/sync": "true" }, true],
    [{}, { "polarismesh.cn/sync": "false" }, false],
  ];
  for (const [nsAnnotations, svcAnnotations, want] of rows) {
    assert.deepStrictEqual(
      syncs(ns("shop", nsAnnotations), svc("shop", "cart", svcAnnotations)),
      want,
      JSON.stringify([nsAnnotations, svcAnnotations]),
    );
  }
  assert.deepStrictEqual(syncs(ns("kube-system"), svc("kube-system", "dns")), false);
  assert.deepStrictEqual(
    syncs(ns("shop"), {
      ...svc("shop", "ext", { "polarismesh.cn/sync": "true" }),
      type: "ExternalName",
    }),
    false,
  );
});

const podA_ready_v2: KubeObjects["pods"][number] = {
  namespace: "shop",
  name: "cart-1",
  labels: { app: "cart", version: "v2" },
  ready: true,
  ip: "10.0.0.1",
};

function cluster(objects: Partial<KubeObjects>): KubeObjects {
  return { namespaces: [ns("shop")], services: [], slices: [], pods: [], ...objects };
}

Deno.test("computeExpectation() gives one instance per address × port with SPEC §2's fields", () => {
  const expectation = computeExpectation([{
    clusterName: "a",
    objects: cluster({
      services: [svc("shop", "cart", {
        "polarismesh.cn/weight": "7",
        "polarismesh.cn/metadata": '{"team":"t1"}',
      })],
      pods: [podA_ready_v2],
      slices: [{
        namespace: "shop",
        name: "cart-x",
        serviceName: "cart",
        ports: [{ name: "http", port: 8080, protocol: "TCP" }, {
          name: "dns",
          port: 5353,
          protocol: "UDP",
        }],
        endpoints: [
          { addresses: ["10.0.0.1"], ready: true, podName: "cart-1" },
          { addresses: ["10.0.0.2"], ready: false },
          { addresses: ["10.0.0.3"], ready: true, terminating: true },
        ],
      }],
    }),
  }]);
  const cart = expectation.instances.get("shop/cart")!;
  assert.deepStrictEqual([...cart.keys()].sort(), [
    "10.0.0.1:5353",
    "10.0.0.1:8080",
    "10.0.0.2:5353",
    "10.0.0.2:8080",
  ]);
  assert.deepStrictEqual(cart.get("10.0.0.1:5353"), {
    namespace: "shop",
    service: "cart",
    host: "10.0.0.1",
    port: 5353,
    protocol: "dns/UDP",
    version: "v2",
    weight: 7,
    healthy: true,
    isolate: false,
    metadata: {
      app: "cart",
      clusterName: "a",
      k8s_namespace: "shop",
      k8s_pod: "cart-1",
      k8s_service: "cart",
      source: "polaris-controller",
      team: "t1",
    },
  });
  assert.deepStrictEqual(cart.get("10.0.0.2:8080")!.isolate, true);
  assert.deepStrictEqual(cart.get("10.0.0.2:8080")!.metadata.k8s_pod, undefined);
});

Deno.test("computeExpectation() merges clusters into one service; the first synced copy gives the alias", () => {
  const alias = { "polarismesh.cn/aliasService": "c", "polarismesh.cn/aliasNamespace": "x" };
  const slice = (ip: string) => ({
    namespace: "shop",
    name: `cart-${ip}`,
    serviceName: "cart",
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    endpoints: [{ addresses: [ip], ready: true }],
  });
  const both = (aOff: boolean) =>
    computeExpectation([
      {
        clusterName: "a",
        objects: cluster({
          services: [
            svc("shop", "cart", aOff ? { ...alias, "polarismesh.cn/sync": "false" } : alias),
          ],
          slices: [slice("10.0.0.1")],
        }),
      },
      {
        clusterName: "b",
        objects: cluster({ services: [svc("shop", "cart")], slices: [slice("10.1.0.1")] }),
      },
    ]);
  const on = both(false);
  assert.deepStrictEqual(
    [...on.instances.get("shop/cart")!.values()].map((i) => i.metadata.clusterName),
    ["a", "b"],
  );
  assert.deepStrictEqual([...on.aliases], [["x/c", "shop/cart"]]);
  const off = both(true);
  assert.deepStrictEqual([...off.instances.get("shop/cart")!.keys()], ["10.1.0.1:8080"]);
  assert.deepStrictEqual([...off.aliases], [], "b's copy, which asks for no alias, applies");
});

Deno.test("computeExpectation() wants nothing for a Service whose Namespace says no", () => {
  const expectation = computeExpectation([{
    clusterName: "a",
    objects: cluster({
      namespaces: [ns("shop", { "polarismesh.cn/sync": "false" })],
      services: [svc("shop", "cart")],
    }),
  }]);
  assert.deepStrictEqual(expectation.instances.size, 0);
});
