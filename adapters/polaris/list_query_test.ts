import assert from "node:assert/strict";
import { listQuery } from "./list_query.ts";

Deno.test("listQuery() sends defined fields and pairs metadata as comma lists", () => {
  const query = listQuery("instances", { namespace: "ns", service: undefined }, {
    clusterName: "c1",
    source: "polaris-controller",
  });
  assert.equal(query.get("namespace"), "ns");
  assert.equal(query.has("service"), false);
  assert.equal(query.get("keys"), "clusterName,source");
  assert.equal(query.get("values"), "c1,polaris-controller");
});

Deno.test("listQuery() refuses filters Polaris cannot express", () => {
  assert.throws(() => listQuery("instances", { namespace: "" }), TypeError);
  assert.throws(() => listQuery("instances", {}, { a: "x,y" }), TypeError);
  assert.throws(() => listQuery("instances", {}, { "a,b": "x" }), TypeError);
  assert.throws(() => listQuery("instances", {}, { a: "" }), TypeError);
  assert.throws(() => listQuery("services", {}, { a: "1", b: "2" }, 1), /at most 1/);
});
