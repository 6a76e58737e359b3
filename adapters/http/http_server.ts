/**
 * The operator endpoints (SPEC §6): the operations endpoints `/healthz`, `/readyz` and `/metrics`,
 * and the debug endpoints `/debug/services[/{namespace}/{service}]`, `/debug/clusters`,
 * `/debug/overview` and the `/debug` page with its script and favicon; `/` redirects to the page.
 * The server on `listen` answers only the operations endpoints when the debug ones have an
 * address of their own, `debugListen` (loopback unless told otherwise: docs/decisions.md §23),
 * whose server answers everything.
 *
 * @module
 */

import { NO_SECRETS, type Redactor, redactStrings } from "../log/secret_redactor.ts";
import {
  DEBUG_PAGE,
  DEBUG_PAGE_SCRIPT,
  DEBUG_PAGE_SCRIPT_PATH,
  FAVICON_PATH,
  FAVICON_SVG,
} from "./debug_page.ts";
import type { OperatorView } from "./operator_view.ts";

/**
 * Which endpoints a server answers: all of them, or the operations ones only. There is no "debug
 * only": the debug page reads `/readyz` too.
 */
export type Endpoints = "all" | "operations";

/** How a server answers, besides its view: which endpoints, and what it redacts. */
export interface RequestOptions {
  /** `all` by default. */
  readonly endpoints?: Endpoints;
  /** Applied to every string of every JSON answer and to `/metrics` (the Polaris token). */
  readonly redact?: Redactor;
}

/** Where a server listens and how it answers. */
export interface HttpServerOptions extends RequestOptions {
  readonly hostname: string;
  readonly port: number;
  readonly onError?: (error: unknown) => void;
}

/** A running HTTP server. */
export interface HttpServer {
  /** `http://host:port` actually bound (port 0 resolves to a real port). */
  readonly url: string;
  shutdown(): Promise<void>;
}

function json(body: unknown, redact: Redactor, status = 200): Response {
  return new Response(JSON.stringify(redactStrings(body, redact), null, 2), {
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

/** Returns true for the paths of the debug endpoints. */
function isDebugPath(path: string): boolean {
  return path === "/debug" || path.startsWith("/debug/");
}

/** Handles one request; exported for tests that need no socket. */
export async function handleRequest(
  view: OperatorView,
  request: Request,
  options: RequestOptions = {},
): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== "GET") return new Response("method not allowed\n", { status: 405 });
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const endpoints = options.endpoints ?? "all";
  const redact = options.redact ?? NO_SECRETS;
  if (endpoints === "operations" && isDebugPath(path)) {
    return new Response("not found: the debug endpoints are served on debugListen\n", {
      status: 404,
    });
  }
  return await route(view, url, path, redact);
}

async function route(
  view: OperatorView,
  url: URL,
  path: string,
  redact: Redactor,
): Promise<Response> {
  switch (path) {
    case "/":
      // The page is what a person opening the address wants.
      return new Response(null, { status: 302, headers: { location: "/debug" } });
    case FAVICON_PATH:
      return new Response(FAVICON_SVG, {
        headers: { "content-type": "image/svg+xml", "cache-control": "max-age=86400" },
      });
    case "/healthz":
      return new Response("ok\n");
    case "/readyz": {
      const readiness = view.readiness();
      return json(readiness, redact, readiness.ready ? 200 : 503);
    }
    case "/metrics": {
      const page = await view.metrics();
      return new Response(redact(page.text), { headers: { "content-type": page.contentType } });
    }
    case "/debug":
      return new Response(DEBUG_PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
    case DEBUG_PAGE_SCRIPT_PATH:
      return new Response(DEBUG_PAGE_SCRIPT, {
        headers: { "content-type": "text/javascript; charset=utf-8" },
      });
    case "/debug/overview":
      return json(view.overview(), redact);
    case "/debug/clusters":
      return json(view.clusters(), redact);
    case "/debug/services": {
      const page = pageParams(url);
      if (typeof page === "string") return json({ error: `invalid ${page}` }, redact, 400);
      const filter = {
        state: url.searchParams.get("state") ?? undefined,
        namespace: url.searchParams.get("namespace") ?? undefined,
        name: url.searchParams.get("name") ?? undefined,
        reason: url.searchParams.get("reason") ?? undefined,
      };
      return json(view.services(filter, page.offset, page.limit), redact);
    }
  }
  const match = /^\/debug\/services\/([^/]+)\/(.+)$/.exec(path);
  if (match) {
    const detail = await view.service(decodeURIComponent(match[1]), decodeURIComponent(match[2]));
    return detail === undefined
      ? json(
        {
          error: `no cluster has a Service "${match[1]}/${match[2]}" and no actor runs for it`,
        },
        redact,
        404,
      )
      : json(detail, redact);
  }
  return new Response("not found\n", { status: 404 });
}

/** Starts the operator endpoints of `options.endpoints` on `hostname:port`. */
export function startHttpServer(view: OperatorView, options: HttpServerOptions): HttpServer {
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: () => {},
    onError: (error) => {
      options.onError?.(error);
      return new Response("internal error\n", { status: 500 });
    },
  }, (request) => handleRequest(view, request, options));
  const addr = server.addr as Deno.NetAddr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return { url: `http://${host}:${addr.port}`, shutdown: () => server.shutdown() };
}
