/**
 * The concrete examples of `reference/polaris-openapi.md`, one row each, answered by the emulator
 * over HTTP. A row names the reference section it comes from.
 */
import assert from "node:assert/strict";
import { at, call, ins, itemCodes, withEmulator } from "./_testing.ts";
import type { PolarisEmulator, PolarisEmulatorOptions } from "./mod.ts";

interface Row {
  readonly name: string;
  readonly options?: PolarisEmulatorOptions;
  readonly setup?: (emulator: PolarisEmulator) => void;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly expect: {
    readonly status: number;
    readonly code?: number;
    readonly items?: readonly number[];
    readonly text?: string;
    readonly id?: string;
  };
}

const svc = (name: string) => ({ name, namespace: "default" });
const seedWeb = (e: PolarisEmulator) => e.seedServices([svc("web")]);

const ROWS: readonly Row[] = [
  {
    name: "§1.6 GET / is the health check",
    method: "GET",
    path: "/",
    expect: { status: 200, text: "Polaris Server" },
  },
  {
    name: "GET / refuses Accept: application/json with 406, as v1.18.1 does",
    method: "GET",
    path: "/",
    headers: { Accept: "application/json" },
    expect: { status: 406 },
  },
  {
    name: "GET / refuses even Accept: text/plain with 406, as v1.18.1 does",
    method: "GET",
    path: "/",
    headers: { Accept: "text/plain" },
    expect: { status: 406 },
  },
  {
    name: "GET / answers Accept: */*",
    method: "GET",
    path: "/",
    headers: { Accept: "*/*" },
    expect: { status: 200, text: "Polaris Server" },
  },
  {
    name: "§3 sha1 id of default##my-svc##10.0.0.1##8080",
    method: "POST",
    path: "/naming/v1/instances",
    body: [ins("10.0.0.1", 8080)],
    expect: { status: 200, code: 200000, id: "e6db698ae67b11fddfdd8d0dace2975543f1deb0" },
  },
  {
    name: "§1.1 existing namespace: item and top level 400201, HTTP 400",
    method: "POST",
    path: "/naming/v1/namespaces",
    body: [{ name: "default" }],
    expect: { status: 400, code: 400201, items: [400201] },
  },
  {
    name: "§2 namespace batch keeps the max code: created + existing gives 400201",
    method: "POST",
    path: "/naming/v1/namespaces",
    body: [{ name: "new-ns" }, { name: "default" }],
    expect: { status: 400, code: 400201, items: [200000, 400201] },
  },
  {
    name: "§2 every item 400201 gives 400201",
    setup: (e) => e.seedServices([svc("a"), svc("b")]),
    method: "POST",
    path: "/naming/v1/services",
    body: [svc("a"), svc("b")],
    expect: { status: 400, code: 400201, items: [400201, 400201] },
  },
  {
    name: "§2 mixed success and failure gives 400000 even though some items were written",
    setup: seedWeb,
    method: "POST",
    path: "/naming/v1/services",
    body: [svc("web"), svc("api")],
    expect: { status: 400, code: 400000, items: [400201, 200000] },
  },
  {
    name: "§2 HEAD whole-batch: 400120 and 400132 give the highest, 400132",
    method: "POST",
    path: "/naming/v1/instances",
    body: [ins("h", 1, { service: "bad name" }), { namespace: "default", service: "s", host: "h" }],
    expect: { status: 400, code: 400132, items: [400120, 400132] },
  },
  {
    name: "§2 v1.18.1 per-item: the bad item fails alone, top level 400000",
    options: { validation: "per-item" },
    method: "POST",
    path: "/naming/v1/instances",
    body: [ins("h", 1), ins("h", 2, { service: "bad name" })],
    expect: { status: 400, code: 400000, items: [200000, 400120] },
  },
  {
    name: "§1 [] is 400002",
    method: "POST",
    path: "/naming/v1/instances",
    body: "[]",
    expect: { status: 400, code: 400002 },
  },
  {
    name: "§1 {} is 400002",
    method: "POST",
    path: "/naming/v1/instances",
    body: "{}",
    expect: { status: 400, code: 400002 },
  },
  {
    name: "§1 null is 400002",
    method: "POST",
    path: "/naming/v1/services",
    body: "null",
    expect: { status: 400, code: 400002 },
  },
  {
    name: "§1 [1] is 400001",
    method: "POST",
    path: "/naming/v1/instances",
    body: "[1]",
    expect: { status: 400, code: 400001 },
  },
  {
    name: "§1 a non-empty object is 400001",
    method: "POST",
    path: "/naming/v1/instances",
    body: ins("h", 1),
    expect: { status: 400, code: 400001 },
  },
  {
    name: "§1 101 items is 400003",
    method: "POST",
    path: "/naming/v1/instances/delete",
    body: Array.from({ length: 101 }, (_, i) => ins("h", i)),
    expect: { status: 400, code: 400003 },
  },
  {
    name: "§0 v1.18.1 rejects an unknown field with 400001",
    method: "POST",
    path: "/naming/v1/instances",
    body: [ins("h", 1, { x: 1 })],
    expect: { status: 400, code: 400001 },
  },
  {
    name: "§0 a number metadata value is 400001",
    method: "POST",
    path: "/naming/v1/instances",
    body: [ins("h", 1, { metadata: { a: 1 } })],
    expect: { status: 400, code: 400001 },
  },
  {
    name: "§0 a quoted bool is 400001",
    method: "POST",
    path: "/naming/v1/instances",
    body: [ins("h", 1, { isolate: "true" })],
    expect: { status: 400, code: 400001 },
  },
  {
    name: "§0 a quoted uint32 is accepted",
    method: "POST",
    path: "/naming/v1/instances",
    body: [ins("h", 1, { port: "8080" })],
    expect: { status: 200, code: 200000 },
  },
  {
    name: "§3 weight over 65535 is 400103",
    method: "POST",
    path: "/naming/v1/instances",
    body: [ins("h", 1, { weight: 65536 })],
    expect: { status: 400, code: 400103 },
  },
  {
    name: "§3 a missing port is 400132",
    method: "POST",
    path: "/naming/v1/instances",
    body: [{ namespace: "default", service: "s", host: "h" }],
    expect: { status: 400, code: 400132 },
  },
  {
    name: "§8 deleting a missing instance succeeds",
    method: "POST",
    path: "/naming/v1/instances/delete",
    body: [ins("nowhere", 1)],
    expect: { status: 200, code: 200000 },
  },
  {
    name: "§8 deleting a missing service succeeds",
    method: "POST",
    path: "/naming/v1/services/delete",
    body: [svc("ghost")],
    expect: { status: 200, code: 200000 },
  },
  {
    name: "§8 deleting a missing namespace succeeds",
    method: "POST",
    path: "/naming/v1/namespaces/delete",
    body: [{ name: "ghost" }],
    expect: { status: 200, code: 200000 },
  },
  {
    name: "§8 deleting a missing alias is 400304",
    method: "POST",
    path: "/naming/v1/service/aliases/delete",
    body: [{ alias: "ghost", alias_namespace: "default" }],
    expect: { status: 400, code: 400304, items: [400304] },
  },
  {
    name: "§1.2 updating a missing service is 400202",
    method: "PUT",
    path: "/naming/v1/services",
    body: [{ ...svc("ghost"), comment: "x" }],
    expect: { status: 400, code: 400202 },
  },
  {
    name: "§1.2 an update that changes nothing is 200002 (HTTP 200)",
    setup: seedWeb,
    method: "PUT",
    path: "/naming/v1/services",
    body: [svc("web")],
    expect: { status: 200, code: 200002 },
  },
  {
    name: "§1.4 updating a missing instance is 400303",
    method: "PUT",
    path: "/naming/v1/instances",
    body: [ins("nowhere", 1, { weight: 1 })],
    expect: { status: 400, code: 400303 },
  },
  {
    name: "§1.2 a service with instances cannot be deleted: 400204",
    setup: (e) => e.seedInstances([{ namespace: "default", service: "web", host: "h", port: 1 }]),
    method: "POST",
    path: "/naming/v1/services/delete",
    body: [svc("web")],
    expect: { status: 400, code: 400204 },
  },
  {
    name: "§5 an instance list without a query is 400104",
    method: "GET",
    path: "/naming/v1/instances",
    expect: { status: 400, code: 400104 },
  },
  {
    name: "§5 ?lang= is an unknown instance filter: 400103",
    method: "GET",
    path: "/naming/v1/instances?service=a&lang=en",
    expect: { status: 400, code: 400103 },
  },
  {
    name: "§5 keys without values is 400105",
    method: "GET",
    path: "/naming/v1/instances?keys=clusterName",
    expect: { status: 400, code: 400105 },
  },
  {
    name: "§0 POST without a JSON content type is a plain-text 415",
    method: "POST",
    path: "/naming/v1/instances",
    headers: { "content-type": "application/octet-stream" },
    expect: { status: 415 },
  },
  {
    name: "§4 strict auth without a token is 401001, HTTP 401",
    options: { token: "t" },
    method: "GET",
    path: "/naming/v1/services",
    expect: { status: 401, code: 401001 },
  },
  {
    name: "§6 the API rate limit is 403003 with HTTP 403",
    setup: (e) => void e.injectFault({ kind: "rateLimit" }),
    method: "GET",
    path: "/naming/v1/services",
    expect: { status: 403, code: 403003 },
  },
];

Deno.test("startPolarisEmulator() answers every concrete example of the reference", async () => {
  for (const row of ROWS) {
    await withEmulator(row.options ?? {}, async (emulator) => {
      row.setup?.(emulator);
      const res = await call(emulator, row.method, row.path, row.body, row.headers);
      assert.equal(res.status, row.expect.status, `${row.name}: status`);
      if (row.expect.code !== undefined) {
        assert.equal(at(res.body, "code"), row.expect.code, `${row.name}: code`);
        const header = row.expect.code === 200000 ? null : String(row.expect.code);
        assert.equal(res.headers.get("X-Polaris-Code"), header, `${row.name}: header`);
      }
      if (row.expect.items !== undefined) {
        assert.deepEqual(itemCodes(res), row.expect.items, `${row.name}: items`);
      }
      if (row.expect.text !== undefined) assert.equal(res.text, row.expect.text, row.name);
      if (row.expect.id !== undefined) {
        assert.equal(at(res.body, "responses", 0, "instance", "id"), row.expect.id, row.name);
      }
    });
  }
});
