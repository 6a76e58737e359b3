import assert from "node:assert/strict";
import { secretRedactor } from "../log/secret_redactor.ts";
import { DEBUG_PAGE_SCRIPT_PATH } from "./debug_page.ts";
import { type Endpoints, handleRequest } from "./http_server.ts";
import type { OperatorView } from "./operator_view.ts";

const TOKEN = "pst-0d5e-answered-by-the-view";

/** A view whose every answer carries the token, as a careless part of the system might. */
const LEAKY_VIEW: OperatorView = {
  readiness: () => ({ ready: false, reasons: [`Polaris said ${TOKEN}`], details: {} }),
  metrics: () => Promise.resolve({ contentType: "text/plain", text: `m{error="${TOKEN}"} 1\n` }),
  services: (_filter, offset, limit) => ({
    total: 1,
    offset,
    limit,
    items: [{ key: "shop/cart", lastError: `token ${TOKEN} refused` }],
  }),
  service: () => Promise.resolve({ registered: { error: `answer echoed ${TOKEN}` } }),
  clusters: () => [{ cluster: "a", [TOKEN]: TOKEN }],
  overview: () => ({ states: {}, note: TOKEN }),
};

const OPERATIONS = ["/healthz", "/readyz", "/metrics"];
const DEBUG = [
  "/debug",
  DEBUG_PAGE_SCRIPT_PATH,
  "/debug/overview",
  "/debug/clusters",
  "/debug/services",
  "/debug/services/shop/cart",
];

function get(path: string, endpoints?: Endpoints): Promise<Response> {
  return handleRequest(LEAKY_VIEW, new Request(`http://127.0.0.1${path}`), {
    endpoints,
    redact: secretRedactor([TOKEN]),
  });
}

Deno.test("handleRequest() redacts the token from every answer", async () => {
  for (const path of [...OPERATIONS, ...DEBUG]) {
    const text = await (await get(path)).text();
    assert.ok(!text.includes(TOKEN), `${path}: ${text}`);
  }
  assert.match(await (await get("/debug/services")).text(), /"lastError": "token \*\*\* refused"/);
});

Deno.test("handleRequest() with endpoints operations answers 404 to every debug path", async () => {
  const status = async (path: string, endpoints: Endpoints) => (await get(path, endpoints)).status;
  for (const path of OPERATIONS) {
    assert.notEqual(await status(path, "operations"), 404, path);
    assert.notEqual(await status(path, "all"), 404, path);
  }
  for (const path of DEBUG) {
    assert.equal(await status(path, "operations"), 404, path);
    assert.equal(await status(path, "all"), 200, path);
  }
  assert.match(await (await get("/debug", "operations")).text(), /served on debugListen/);
});
