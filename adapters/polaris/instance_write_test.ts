import assert from "node:assert/strict";
import { instanceRefBody, instanceWriteBody } from "./instance_write.ts";

Deno.test("instanceWriteBody() uses server field names and omits unset fields", () => {
  assert.deepEqual(
    instanceWriteBody({
      namespace: "ns",
      service: "svc",
      host: "10.0.0.1",
      port: 80,
      enableHealthCheck: false,
      isolate: true,
      metadata: { clusterName: "a" },
    }),
    {
      namespace: "ns",
      service: "svc",
      host: "10.0.0.1",
      port: 80,
      enable_health_check: false,
      isolate: true,
      metadata: { clusterName: "a" },
    },
  );
});

Deno.test("instanceWriteBody() never copies keys the server does not know", () => {
  const extra = {
    namespace: "ns",
    service: "svc",
    host: "h",
    port: 1,
    healthCheck: { ttl: 5 },
    id: "x",
  };
  assert.deepEqual(Object.keys(instanceWriteBody(extra)).sort(), [
    "host",
    "namespace",
    "port",
    "service",
  ]);
  assert.deepEqual(Object.keys(instanceRefBody({ ...extra, weight: 3 } as never)).sort(), [
    "host",
    "namespace",
    "port",
    "service",
  ]);
});
