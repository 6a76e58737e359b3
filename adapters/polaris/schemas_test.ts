import assert from "node:assert/strict";
import {
  AliasSchema,
  AliasWriteSchema,
  BatchWriteSchema,
  InstanceSchema,
  NamespaceSchema,
  PageSchema,
  parseWith,
  ServiceSchema,
} from "./schemas.ts";

/** An instance as an EmitDefaults server lists it when almost nothing is set. */
const nullHeavyInstance = {
  id: "e6db698ae67b11fddfdd8d0dace2975543f1deb0",
  service: "my-svc",
  namespace: "default",
  vpc_id: null,
  host: "10.0.0.1",
  port: 8080,
  protocol: null,
  version: null,
  priority: null,
  weight: null,
  enableHealthCheck: null,
  healthCheck: null,
  healthy: null,
  isolate: null,
  location: null,
  metadata: null,
  logic_set: null,
  ctime: null,
  mtime: null,
  revision: null,
  service_token: null,
};

Deno.test("InstanceSchema accepts a null-heavy instance and applies the server defaults", () => {
  const parsed = parseWith(InstanceSchema, nullHeavyInstance);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value, {
    id: "e6db698ae67b11fddfdd8d0dace2975543f1deb0",
    namespace: "default",
    service: "my-svc",
    host: "10.0.0.1",
    port: 8080,
    protocol: "",
    version: "",
    weight: 100,
    healthy: true,
    isolate: false,
    enableHealthCheck: false,
    vpcId: "",
    metadata: {},
    revision: "",
  });
});

Deno.test("InstanceSchema keeps set values and ignores unknown keys", () => {
  const parsed = parseWith(InstanceSchema, {
    ...nullHeavyInstance,
    weight: 0,
    healthy: false,
    isolate: true,
    protocol: "http/TCP",
    metadata: { clusterName: "a" },
    brandNewField: { x: 1 },
  });
  assert.ok(parsed.ok);
  assert.equal(parsed.value.weight, 0);
  assert.equal(parsed.value.healthy, false);
  assert.equal(parsed.value.isolate, true);
  assert.deepEqual(parsed.value.metadata, { clusterName: "a" });
});

Deno.test("InstanceSchema rejects an instance without id or with a non-numeric port", () => {
  for (const bad of [{ ...nullHeavyInstance, id: null }, { ...nullHeavyInstance, port: "80" }]) {
    const parsed = parseWith(InstanceSchema, bad);
    assert.equal(parsed.ok, false);
  }
  const parsed = parseWith(InstanceSchema, { ...nullHeavyInstance, port: null });
  assert.ok(!parsed.ok);
  assert.match(parsed.issues.join(), /port/);
});

Deno.test("ServiceSchema, NamespaceSchema and AliasSchema accept null-heavy rows", () => {
  const service = parseWith(ServiceSchema, {
    id: null,
    name: "web",
    namespace: "default",
    metadata: null,
    ports: null,
    business: null,
    comment: null,
    owners: null,
    revision: null,
    total_instance_count: null,
    editable: null,
  });
  assert.ok(service.ok);
  assert.deepEqual(service.value.metadata, {});
  const namespace = parseWith(NamespaceSchema, {
    id: null,
    name: "default",
    comment: null,
    owners: null,
  });
  assert.ok(namespace.ok);
  assert.equal(namespace.value.comment, "");
  const alias = parseWith(AliasSchema, {
    id: null,
    alias: "web-alias",
    alias_namespace: "other",
    service: "web",
    namespace: "default",
    owners: null,
    comment: null,
    ctime: null,
    type: "DEFAULT",
  });
  assert.ok(alias.ok);
  assert.equal(alias.value.aliasNamespace, "other");
});

Deno.test("PageSchema requires amount", () => {
  assert.ok(parseWith(PageSchema, { code: 200000, info: null, amount: 0, size: null }).ok);
  assert.equal(parseWith(PageSchema, { code: 200000, info: "x", amount: null, size: 0 }).ok, false);
});

// Found by adapters/polaris/answers_fuzz_test.ts ("page of the wrong shape"): an amount of 2^53 was
// taken as a total to page towards. Polaris sends a uint32.
Deno.test("PageSchema refuses an amount beyond uint32", () => {
  const page = (amount: number) => ({ code: 200000, info: null, amount, size: 0 });
  assert.ok(parseWith(PageSchema, page(4_294_967_295)).ok);
  for (const amount of [4_294_967_296, 2 ** 53, 1e300]) {
    const parsed = parseWith(PageSchema, page(amount));
    assert.equal(parsed.ok, false, String(amount));
    assert.ok(!parsed.ok && parsed.issues.some((issue) => issue.startsWith("amount")));
  }
});

Deno.test("BatchWriteSchema accepts null responses, all-null items and a missing responses list", () => {
  assert.ok(
    parseWith(BatchWriteSchema, { code: 401001, info: "denied", size: null, responses: null }).ok,
  );
  assert.ok(parseWith(BatchWriteSchema, { code: 401001, info: null }).ok);
  const parsed = parseWith(BatchWriteSchema, {
    code: 400120,
    info: "x",
    size: 2,
    responses: [
      { code: null, info: null, instance: null, service: null, namespace: null, alias: null },
      {
        code: 400120,
        info: "bad",
        service: { name: "a#b", namespace: "ns", id: null, token: null },
      },
    ],
  });
  assert.ok(parsed.ok);
  assert.equal(parsed.value.responses?.[1]?.service?.name, "a#b");
});

Deno.test("BatchWriteSchema rejects a body without a numeric code", () => {
  assert.equal(parseWith(BatchWriteSchema, { code: "200000", responses: [] }).ok, false);
  assert.equal(parseWith(BatchWriteSchema, [{ code: 200000 }]).ok, false);
});

Deno.test("AliasWriteSchema accepts an answer whose alias is null", () => {
  assert.ok(parseWith(AliasWriteSchema, { code: 400301, info: "x", alias: null }).ok);
});

// Found by adapters/polaris/answers_fuzz_test.ts ("what the controller registers, listed back,
// plans no write", shrunk to the metadata {"__proto__": ""}): valibot's record dropped the keys
// __proto__, constructor and prototype from listed metadata, so an instance carrying one from
// polarismesh.cn/metadata differed from what was wanted and was rewritten at every resync.
Deno.test("InstanceSchema keeps the metadata keys __proto__, constructor and prototype", () => {
  const row = JSON.parse(
    '{"id":"x","namespace":"n","service":"s","host":"h","port":1,' +
      '"metadata":{"__proto__":"","constructor":"c","prototype":"p","clusterName":"a"}}',
  );
  const parsed = parseWith(InstanceSchema, row);
  assert.ok(parsed.ok);
  assert.deepStrictEqual(Object.entries(parsed.value.metadata), [
    ["__proto__", ""],
    ["constructor", "c"],
    ["prototype", "p"],
    ["clusterName", "a"],
  ]);
});
