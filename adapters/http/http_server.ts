/**
 * The operator endpoints on `--listen` (docs/operating.md): `/healthz`, `/readyz`, `/metrics`,
 * `/debug/services[/{namespace}/{service}]`, `/debug/clusters` and the `/debug` page with its
 * script.
 *
 * @module
 */

import { DEBUG_PAGE, DEBUG_PAGE_SCRIPT, DEBUG_PAGE_SCRIPT_PATH } from "./debug_page.ts";
import type { OperatorView } from "./operator_view.ts";

/** A running HTTP server. */
export interface HttpServer {
  /** `http://host:port` actually bound (port 0 resolves to a real port). */
  readonly url: string;
  shutdown(): Promise<void>;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body, null, 2), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

function pageParams(url: URL): { offset: number; limit: number } | string {
  const offset = Number(url.searchParams.get("offset") ?? "0");
  const limit = Number(url.searchParams.get("limit") ?? "100");
  if (!Number.isInteger(offset) || offset < 0) return `offset "${url.searchParams.get("offset")}"`;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return `limit "${url.searchParams.get("limit")}" (1..1000)`;
  }
  return { offset, limit };
}

/** Handles one request; exported for tests that need no socket. */
export async function handleRequest(view: OperatorView, request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== "GET") return new Response("method not allowed\n", { status: 405 });
  const path = url.pathname.replace(/\/+$/, "") || "/";
  switch (path) {
    case "/healthz":
      return new Response("ok\n");
    case "/readyz": {
      const readiness = view.readiness();
      return json(readiness, readiness.ready ? 200 : 503);
    }
    case "/metrics": {
      const page = await view.metrics();
      return new Response(page.text, { headers: { "content-type": page.contentType } });
    }
    case "/debug":
      return new Response(DEBUG_PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
    case DEBUG_PAGE_SCRIPT_PATH:
      return new Response(DEBUG_PAGE_SCRIPT, {
        headers: { "content-type": "text/javascript; charset=utf-8" },
      });
    case "/debug/overview":
      return json(view.overview());
    case "/debug/clusters":
      return json(view.clusters());
    case "/debug/services": {
      const page = pageParams(url);
      if (typeof page === "string") return json({ error: `invalid ${page}` }, 400);
      const filter = {
        state: url.searchParams.get("state") ?? undefined,
        namespace: url.searchParams.get("namespace") ?? undefined,
        name: url.searchParams.get("name") ?? undefined,
      };
      return json(view.services(filter, page.offset, page.limit));
    }
  }
  const match = /^\/debug\/services\/([^/]+)\/(.+)$/.exec(path);
  if (match) {
    const detail = await view.service(decodeURIComponent(match[1]), decodeURIComponent(match[2]));
    return detail === undefined
      ? json({ error: `no service actor for "${match[1]}/${match[2]}"` }, 404)
      : json(detail);
  }
  return new Response("not found\n", { status: 404 });
}

/** Starts the operator endpoints on `hostname:port`. */
export function startHttpServer(
  view: OperatorView,
  options: { hostname: string; port: number; onError?: (error: unknown) => void },
): HttpServer {
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: () => {},
    onError: (error) => {
      options.onError?.(error);
      return new Response("internal error\n", { status: 500 });
    },
  }, (request) => handleRequest(view, request));
  const addr = server.addr as Deno.NetAddr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return { url: `http://${host}:${addr.port}`, shutdown: () => server.shutdown() };
}
