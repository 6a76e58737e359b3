import assert from "node:assert/strict";
import { applyOp, emptyModel, serviceKeys } from "./churn_model.ts";

Deno.test("applyOp() tracks namespaces, Services and Pods per cluster", () => {
  const model = emptyModel();
  applyOp(model, { op: "createNamespace", cluster: "a", namespace: "n", annotations: {} });
  applyOp(model, {
    op: "createService",
    cluster: "a",
    namespace: "n",
    service: "s",
    ports: [],
    annotations: {},
  });
  applyOp(model, {
    op: "createPod",
    cluster: "a",
    namespace: "n",
    service: "s",
    pod: { name: "p", ip: "10.0.0.1", ready: true, labels: {} },
  });
  applyOp(model, {
    op: "setPodReady",
    cluster: "a",
    namespace: "n",
    service: "s",
    pod: "p",
    ip: "10.0.0.1",
    ready: false,
  });
  assert.deepStrictEqual(serviceKeys(model, "a"), ["n/s"]);
  assert.deepStrictEqual(serviceKeys(model, "b"), []);
  assert.deepStrictEqual(model.a.get("n")!.services.get("s")!.endpoints.get("p")!.ready, false);
  applyOp(model, { op: "deleteNamespace", cluster: "a", namespace: "n" });
  assert.deepStrictEqual(serviceKeys(model, "a"), []);
});

Deno.test("applyOp() refuses an operation on an object the model does not hold", () => {
  const model = emptyModel();
  assert.throws(
    () => applyOp(model, { op: "deleteService", cluster: "b", namespace: "n", service: "s" }),
    RangeError,
  );
});
