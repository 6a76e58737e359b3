import assert from "node:assert/strict";
import { holdMoves, movingDeletes } from "./moves.ts";
import { listedInstance } from "./_fixtures.ts";
import type { RegisteredInstance } from "./polaris.ts";

const OWNER = { clusterNames: ["a"], source: "polaris-controller" };

function instance(
  host: string,
  service: string,
  metadata: Record<string, string> = { k8s_namespace: "shop", k8s_service: "cart" },
): RegisteredInstance {
  const listed = listedInstance(host);
  return {
    ...listed,
    id: `${service}-${host}`,
    service,
    metadata: { ...listed.metadata, ...metadata },
  };
}

Deno.test("movingDeletes() names where each instance's Service registers now; plain deletes are left out", () => {
  const moved = instance("10.0.0.1", "cart");
  const gone = instance("10.0.0.2", "cart", { k8s_namespace: "shop", k8s_service: "gone" });
  const adopted = instance("10.0.0.3", "cart", {}); // polaris-controller's: no k8s_* keys
  const staying = instance("10.0.0.4", "cart", { k8s_namespace: "shop", k8s_service: "stays" });
  const where = (_c: string, _ns: string, name: string) =>
    name === "cart" ? "shop/Cart" : name === "stays" ? "shop/cart" : undefined;
  const moving = movingDeletes([moved, gone, adopted, staying], "shop/cart", where);
  assert.deepStrictEqual([...moving.keys()], ["shop/Cart"]);
  assert.deepStrictEqual(moving.get("shop/Cart"), [moved]);
});

Deno.test("holdMoves(): a moving delete waits until the destination holds ours at the same host:port", () => {
  const a = instance("10.0.0.1", "cart");
  const b = instance("10.0.0.2", "cart");
  const plain = instance("10.0.0.9", "cart", { k8s_namespace: "shop", k8s_service: "gone" });
  const moving = new Map([["shop/Cart", [a, b]]]);
  const foreign = {
    ...instance("10.0.0.2", "Cart"),
    metadata: { clusterName: "b", source: "polaris-controller" },
  };
  const { send, held } = holdMoves(
    [a, b, plain],
    moving,
    new Map([["shop/Cart", [instance("10.0.0.1", "Cart"), foreign]]]),
    OWNER,
  );
  assert.deepStrictEqual(send, [a, plain], "a is there, the plain delete goes");
  assert.deepStrictEqual(held.map((h) => h.key), ["10.0.0.2:8080"], "b is there, but not ours");
  assert.match(held[0].reason, /moved to "shop\/Cart", which does not hold it yet/);
});
