import assert from "node:assert/strict";
import {
  DEBUG_PAGE,
  DEBUG_PAGE_SCRIPT,
  DEBUG_PAGE_SCRIPT_PATH,
  FAVICON_PATH,
  FAVICON_SVG,
} from "./debug_page.ts";
import { handleRequest } from "./http_server.ts";
import type { OperatorView } from "./operator_view.ts";

/** A view that answers nothing: the page and its script read none of it. */
const NO_VIEW: OperatorView = {
  readiness: () => ({ ready: true, reasons: [], details: {} }),
  metrics: () => Promise.resolve({ contentType: "text/plain", text: "" }),
  services: (_filter, offset, limit) => ({ total: 0, offset, limit, items: [] }),
  service: () => Promise.resolve(undefined),
  clusters: () => [],
  overview: () => ({ states: {}, services: 0 }),
};

function get(path: string): Promise<Response> {
  return handleRequest(NO_VIEW, new Request(`http://127.0.0.1${path}`));
}

Deno.test("DEBUG_PAGE loads its one script from /debug/page.js, as a module", () => {
  const scripts = DEBUG_PAGE.match(/<script[^>]*>/g);
  assert.deepStrictEqual(scripts, [`<script type="module" src="${DEBUG_PAGE_SCRIPT_PATH}">`]);
  assert.ok(DEBUG_PAGE.includes("></script></body>"), "the script element is empty");
});

Deno.test("handleRequest() serves /debug/page.js as JavaScript", async () => {
  const response = await get(DEBUG_PAGE_SCRIPT_PATH);
  assert.deepStrictEqual(response.status, 200);
  assert.deepStrictEqual(response.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.deepStrictEqual(await response.text(), DEBUG_PAGE_SCRIPT);
});

Deno.test("DEBUG_PAGE_SCRIPT is JavaScript without types or imports, lines and columns kept", async () => {
  // Parsing as a function body fails on any type annotation left, and on import or export.
  assert.doesNotThrow(() => new Function(DEBUG_PAGE_SCRIPT));
  const source = await Deno.readTextFile(new URL("./debug_page_script.ts", import.meta.url));
  const sourceLines = source.split("\n");
  const lines = DEBUG_PAGE_SCRIPT.split("\n");
  // Types become spaces, so a browser's line and column are the TypeScript's.
  assert.deepStrictEqual(
    lines.slice(0, sourceLines.length).map((line) => line.length),
    sourceLines.map((line) => line.length),
  );
  assert.deepStrictEqual(lines.slice(sourceLines.length), [
    "",
    "//# sourceURL=debug_page_script.ts",
  ]);
});

Deno.test("handleRequest() redirects / to the /debug page", async () => {
  const response = await get("/");
  assert.deepStrictEqual([response.status, response.headers.get("location")], [302, "/debug"]);
});

Deno.test("handleRequest() serves the favicon as an SVG, and the page links it", async () => {
  const response = await get(FAVICON_PATH);
  assert.deepStrictEqual(response.status, 200);
  assert.deepStrictEqual(response.headers.get("content-type"), "image/svg+xml");
  const svg = await response.text();
  assert.deepStrictEqual(svg, FAVICON_SVG);
  assert.ok(svg.startsWith("<svg ") && svg.endsWith("</svg>") && svg.length < 1000, "small");
  assert.ok(DEBUG_PAGE.includes(`<link rel="icon" type="image/svg+xml" href="${FAVICON_PATH}">`));
});

Deno.test("handleRequest() passes the reason filter of /debug/services to the view", async () => {
  const seen: unknown[] = [];
  const view: OperatorView = {
    ...NO_VIEW,
    services: (filter, offset, limit) => {
      seen.push(filter);
      return { total: 0, offset, limit, items: [] };
    },
  };
  await handleRequest(
    view,
    new Request("http://127.0.0.1/debug/services?reason=external-name&namespace=shop"),
  );
  assert.deepStrictEqual(seen, [{
    state: undefined,
    namespace: "shop",
    name: undefined,
    reason: "external-name",
  }]);
});
