import assert from "node:assert/strict";
import { polarisInstanceId } from "./instance_id.ts";

Deno.test("polarisInstanceId() matches the id the reference computed", () => {
  const id = polarisInstanceId({
    namespace: "default",
    service: "my-svc",
    host: "10.0.0.1",
    port: 8080,
  });
  assert.equal(id, "e6db698ae67b11fddfdd8d0dace2975543f1deb0");
});

Deno.test("polarisInstanceId() puts a VPC id before the host", () => {
  const plain = polarisInstanceId({ namespace: "n", service: "s", host: "h", port: 1 });
  const vpc = polarisInstanceId({ namespace: "n", service: "s", host: "h", port: 1, vpcId: "v" });
  assert.notEqual(plain, vpc);
  assert.match(vpc, /^[0-9a-f]{40}$/);
});
