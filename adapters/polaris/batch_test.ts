import assert from "node:assert/strict";
import { judgeBatch, planBatches } from "./batch.ts";
import { instanceEchoKeys, instanceKeys } from "./batch_keys.ts";
import { polarisInstanceId } from "./instance_id.ts";
import type { ItemResponse } from "./schemas.ts";

const identity = (key: string) => key;

Deno.test("planBatches() splits 250 items into requests of 100, 100 and 50 in input order", () => {
  const items = Array.from({ length: 250 }, (_, i) => `k${i}`);
  const rounds = planBatches(items, identity, 100);
  assert.equal(rounds.length, 1);
  assert.deepEqual(rounds[0].map((chunk) => chunk.length), [100, 100, 50]);
  assert.deepEqual(rounds[0].flat(), items.map((_, i) => i));
});

Deno.test("planBatches() puts repeated keys in later rounds, never twice in one request", () => {
  const rounds = planBatches(["a", "b", "a", "a", "c", "b"], identity, 100);
  assert.deepEqual(rounds, [[[0, 1, 4]], [[2, 5]], [[3]]]);
});

Deno.test("planBatches() returns no request for no items", () => {
  assert.deepEqual(planBatches([], identity, 100), []);
});

Deno.test("planBatches() refuses a request size below 1", () => {
  assert.throws(() => planBatches(["a"], identity, 0), RangeError);
});

interface Item {
  namespace: string;
  service: string;
  host: string;
  port: number;
}

const a: Item = { namespace: "ns", service: "svc", host: "10.0.0.1", port: 80 };
const b: Item = { namespace: "ns", service: "svc", host: "10.0.0.2", port: 80 };
const c: Item = { namespace: "ns", service: "svc", host: "10.0.0.3", port: 80 };

function echo(item: Item, code: number | null, info = ""): ItemResponse {
  return {
    code,
    info,
    instance: { ...item, id: null },
    service: null,
    namespace: null,
    alias: null,
  };
}

const options = {
  keysOf: instanceKeys,
  echoKeysOf: instanceEchoKeys,
  successCodes: new Set([200000, 400201]),
};

Deno.test("judgeBatch() judges a mixed batch item by item (400000 top level)", () => {
  const results = judgeBatch([a, b, c], {
    code: 400000,
    info: "",
    responses: [echo(a, 200000), echo(b, 400131, "bad host"), echo(c, 400201)],
  }, options);
  assert.deepEqual(results, [
    { ok: true, code: 200000 },
    { ok: false, code: 400131, retryable: false, message: "Polaris answered 400131: bad host" },
    { ok: true, code: 400201 },
  ]);
});

Deno.test("judgeBatch() matches on the echo, not the index, when responses are reordered", () => {
  const results = judgeBatch([a, b], {
    code: 400000,
    info: "",
    responses: [echo(b, 400132), echo(a, 200000)],
  }, options);
  assert.equal(results[0].ok, true);
  assert.equal(results[1].code, 400132);
});

Deno.test("judgeBatch() marks items missing from a HEAD whole-batch rejection as not applied, retryable", () => {
  const results = judgeBatch([a, b, c], {
    code: 400132,
    info: "",
    responses: [echo(b, 400132)],
  }, options);
  assert.deepEqual(results.map((r) => r.ok ? "ok" : `${r.code}/${r.retryable}`), [
    "undefined/true",
    "400132/false",
    "undefined/true",
  ]);
});

Deno.test("judgeBatch() ignores all-null responses that HEAD adds for valid items", () => {
  const empty: ItemResponse = {
    code: null,
    info: null,
    instance: null,
    service: null,
    namespace: null,
    alias: null,
  };
  const results = judgeBatch([a, b], {
    code: 400131,
    info: "",
    responses: [empty, echo(b, 400131)],
  }, options);
  assert.equal(results[0].ok, false);
  assert.equal(results[0].code, undefined);
  assert.equal(results[1].code, 400131);
});

Deno.test("judgeBatch() matches an echo that carries only the instance id", () => {
  const byId: ItemResponse = {
    code: 400303,
    info: null,
    instance: {
      id: polarisInstanceId(b),
      namespace: null,
      service: null,
      host: null,
      port: null,
      name: null,
      alias: null,
      alias_namespace: null,
    },
    service: null,
    namespace: null,
    alias: null,
  };
  const results = judgeBatch(
    [a, b],
    { code: 400000, info: "", responses: [echo(a, 200000), byId] },
    options,
  );
  assert.equal(results[0].ok, true);
  assert.equal(results[1].code, 400303);
});

Deno.test("judgeBatch() gives every item the top-level code when the request was refused (401001)", () => {
  const results = judgeBatch([a, b], {
    code: 401001,
    info: "access is not approved",
    responses: [],
  }, options);
  for (const result of results) {
    assert.deepEqual(result, {
      ok: false,
      code: 401001,
      retryable: false,
      message: "Polaris answered 401001: access is not approved",
    });
  }
});

Deno.test("judgeBatch() keeps a retryable top-level code retryable (500000 after retries)", () => {
  const results = judgeBatch([a], { code: 500000, info: "", responses: [] }, options);
  assert.deepEqual(results, [{
    ok: false,
    code: 500000,
    retryable: true,
    message: "Polaris answered 500000",
  }]);
});

Deno.test("judgeBatch() trusts a success top level for items without a response", () => {
  assert.deepEqual(judgeBatch([a, b], { code: 200000, info: "", responses: [] }, options), [
    { ok: true, code: 200000 },
    { ok: true, code: 200000 },
  ]);
});

Deno.test("judgeBatch() falls back to the index for echo-less responses when lengths agree", () => {
  const bare = (code: number): ItemResponse => ({
    code,
    info: null,
    instance: null,
    service: null,
    namespace: null,
    alias: null,
  });
  const results = judgeBatch([a, b], {
    code: 400000,
    info: "",
    responses: [bare(200000), bare(429001)],
  }, options);
  assert.deepEqual(results.map((r) => [r.ok, r.code, r.ok ? null : r.retryable]), [
    [true, 200000, null],
    [false, 429001, true],
  ]);
});

Deno.test("judgeBatch() uses one response per item when the same key appears twice", () => {
  const results = judgeBatch([a, a], {
    code: 400000,
    info: "",
    responses: [echo(a, 200000), echo(a, 400208)],
  }, options);
  assert.deepEqual(results.map((r) => r.code), [200000, 400208]);
});
