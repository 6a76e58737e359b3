import assert from "node:assert/strict";
import { decodeMessage, defaultJsonName, WireParseError } from "./wire_decode.ts";
import { INSTANCE, NAMESPACE, SERVICE_ALIAS } from "./wire_schemas.ts";

Deno.test("defaultJsonName() camel-cases proto names", () => {
  assert.equal(defaultJsonName("enable_health_check"), "enableHealthCheck");
  assert.equal(defaultJsonName("health_check"), "healthCheck");
  assert.equal(defaultJsonName("host"), "host");
});

Deno.test("decodeMessage() accepts proto names and JSON names alike", () => {
  const a = decodeMessage(INSTANCE, {
    enable_health_check: true,
    health_check: { type: "HEARTBEAT", heartbeat: { ttl: "5" } },
    vpc_id: "v",
  });
  const b = decodeMessage(INSTANCE, {
    enableHealthCheck: true,
    healthCheck: { type: 1, heartbeat: { ttl: 5 } },
    vpc_id: "v",
  });
  assert.deepEqual(a, b);
  assert.deepEqual(a.health_check, { type: 1, heartbeat: { ttl: 5 } });
  assert.equal(decodeMessage(SERVICE_ALIAS, { alias_namespace: "x" }).alias_namespace, "x");
});

Deno.test("decodeMessage() treats null as unset", () => {
  assert.deepEqual(decodeMessage(INSTANCE, { host: null, port: 1 }), { port: 1 });
  assert.deepEqual(decodeMessage(INSTANCE, null), {});
});

Deno.test("decodeMessage() rejects what jsonpb v1.18.1 rejects", () => {
  const bad: Array<[string, unknown]> = [
    ["unknown top-level key", { host: "h", hostname: "x" }],
    ["unknown nested key", { location: { city: "x" } }],
    ["number metadata value", { metadata: { a: 1 } }],
    ["quoted bool", { healthy: "true" }],
    ["negative uint32", { port: -1 }],
    ["fractional uint32", { weight: 1.5 }],
    ["uint32 over 2^32", { port: 2 ** 32 }],
    ["number for string", { host: 5 }],
    ["unknown enum name", { health_check: { type: "PING" } }],
    ["field set twice", { enable_health_check: true, enableHealthCheck: true }],
    ["array instead of object", [1]],
  ];
  for (const [name, value] of bad) {
    assert.throws(() => decodeMessage(INSTANCE, value), WireParseError, name);
  }
});

Deno.test("decodeMessage() names the unknown field like jsonpb", () => {
  assert.throws(
    () => decodeMessage(INSTANCE, { x: 1 }),
    { message: 'unknown field "x" in v1.Instance' },
  );
  // HEAD-only namespace fields are unknown in the v1.18.1 schema.
  assert.throws(() => decodeMessage(NAMESPACE, { name: "a", metadata: {} }), WireParseError);
  assert.throws(() => decodeMessage(NAMESPACE, { name: "a", deleteable: true }), WireParseError);
});
