import assert from "node:assert/strict";
import {
  checkInstanceFields,
  checkInstanceTetrad,
  checkMetadata,
  instanceId,
  validNamespace,
  validService,
} from "./validate.ts";

Deno.test("instanceId() matches the reference example", () => {
  assert.equal(
    instanceId("default", "my-svc", "10.0.0.1", 8080),
    "e6db698ae67b11fddfdd8d0dace2975543f1deb0",
  );
});

Deno.test("instanceId() puts vpc_id between service and host", () => {
  const withVpc = instanceId("default", "my-svc", "10.0.0.1", 8080, "vpc-1");
  assert.notEqual(withVpc, instanceId("default", "my-svc", "10.0.0.1", 8080));
  assert.match(withVpc, /^[0-9a-f]{40}$/);
});

Deno.test("validService() and validNamespace() apply the regexp and lengths", () => {
  for (const ok of ["my-svc", "my-svc.ns", "ns:svc", "a_b", "/a/b/c/d", "UPPER"]) {
    assert.ok(validService(ok), ok);
  }
  for (const bad of ["", "a#b", "a b", "a@b", "服务", undefined]) {
    assert.ok(!validService(bad), String(bad));
  }
  assert.ok(validService("s".repeat(128)));
  assert.ok(!validService("s".repeat(129)));
  assert.ok(validNamespace("n".repeat(64)));
  assert.ok(!validNamespace("n".repeat(65)));
});

Deno.test("checkMetadata() enforces 64 entries, key 128 and value 4096", () => {
  const entries = (n: number) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));
  assert.equal(checkMetadata(entries(64)), 200000);
  assert.equal(checkMetadata(entries(65)), 400150);
  assert.equal(checkMetadata({ ["k".repeat(128)]: "v" }), 200000);
  assert.equal(checkMetadata({ ["k".repeat(129)]: "v" }), 400150);
  assert.equal(checkMetadata({ k: "v".repeat(4096) }), 200000);
  assert.equal(checkMetadata({ k: "v".repeat(4097) }), 400150);
});

Deno.test("checkInstanceTetrad() checks service, namespace, host, port in order", () => {
  const base = { service: "s", namespace: "n", host: "h", port: 1 };
  assert.equal(checkInstanceTetrad(base), 200000);
  assert.equal(checkInstanceTetrad({ ...base, service: "a b", namespace: "a b" }), 400120);
  assert.equal(checkInstanceTetrad({ ...base, namespace: "a b" }), 400110);
  assert.equal(checkInstanceTetrad({ ...base, host: "" }), 400131);
  assert.equal(checkInstanceTetrad({ service: "s", namespace: "n", host: "h" }), 400132);
  assert.equal(checkInstanceTetrad({ ...base, port: 65536 }), 400132);
  assert.equal(checkInstanceTetrad({ ...base, port: 0 }), 200000);
});

Deno.test("checkInstanceFields() checks weight and string lengths", () => {
  assert.equal(checkInstanceFields({ weight: 65535 }), 200000);
  assert.equal(checkInstanceFields({ weight: 65536 }), 400103);
  assert.equal(checkInstanceFields({ protocol: "p".repeat(33) }), 400136);
  assert.equal(checkInstanceFields({ version: "v".repeat(33) }), 400137);
  assert.equal(checkInstanceFields({ logic_set: "l".repeat(129) }), 400138);
});
