import assert from "node:assert/strict";
import type { ServiceInfo } from "./kubernetes.ts";
import { isRedirected, polarisTarget, targetKey } from "./polaris_target.ts";

const NS = "polarismesh.cn/overideNamespace";
const SVC = "polarismesh.cn/overideService";

function svc(annotations: Record<string, string>): ServiceInfo {
  return { namespace: "shop", name: "cart", type: "ClusterIP", annotations };
}

Deno.test("polarisTarget() scenario table: overrides, each alone or both, blanks ignored", () => {
  const rows: Array<[string, Record<string, string>, string, boolean]> = [
    ["no override", {}, "shop/cart", false],
    ["service only", { [SVC]: "Cart" }, "shop/Cart", true],
    ["namespace only", { [NS]: "Shop" }, "Shop/cart", true],
    ["both", { [NS]: "Shop", [SVC]: "Cart" }, "Shop/Cart", true],
    ["blank values count as absent", { [NS]: " ", [SVC]: "" }, "shop/cart", false],
    ["the same names are no redirect", { [NS]: "shop", [SVC]: "cart" }, "shop/cart", false],
  ];
  for (const [name, annotations, key, redirected] of rows) {
    assert.equal(targetKey(svc(annotations)), key, name);
    assert.equal(isRedirected(svc(annotations)), redirected, name);
  }
  assert.deepStrictEqual(polarisTarget(svc({ [SVC]: " Cart " })), {
    namespace: "shop",
    service: "Cart",
  });
});
