import assert from "node:assert/strict";
import { secretRedactor } from "../log/secret_redactor.ts";
import { DEBUG_PAGE_SCRIPT_PATH } from "./debug_page.ts";
import { handleRequest } from "./http_server.ts";
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

function get(path: string): Promise<Response> {
  return handleRequest(LEAKY_VIEW, new Request(`http://127.0.0.1${path}`), {
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
