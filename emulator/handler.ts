/**
 * The emulator's HTTP behaviour as a fetch-style handler, independent of the transport: request
 * counting, fault injection, go-restful's plain-text 404/405/415, body parsing, the token check,
 * batch size limits and the Polaris response headers (reference §0, §1, §4).
 *
 * @module
 */

import { Code, codeInfo, httpStatusOf } from "./codes.ts";
import type { AppliedFaults, FaultInjector } from "./faults.ts";
import { readQuery } from "./list_query.ts";
import { checkBatchSize, parseArrayBody, parseObjectBody } from "./parse_body.ts";
import { batchQueryBody, batchWriteBody, type JsonObject, wireResponse } from "./render.ts";
import { type Route, ROUTES } from "./routes.ts";
import type { WriteOptions } from "./run_batch.ts";
import type { PolarisStore } from "./store.ts";

/** Returned instead of a Response when the connection must be closed without an answer. */
export const DROP: unique symbol = Symbol("drop");

/** What the handler answers: a response, or {@link DROP}. */
export type HandlerResult = Response | typeof DROP;

/** Options of {@link createPolarisHandler}. */
export interface PolarisHandlerOptions extends WriteOptions {
  /** When set, `/naming/v1` requests need `X-Polaris-Token` equal to it (else 401001). */
  readonly token?: string;
  readonly faults: FaultInjector;
  /** Waits for injected latency; a real timer by default. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A handler plus its request counters. */
export interface PolarisHandler {
  /** Answers one request. */
  handle(request: Request): Promise<HandlerResult>;
  /** Returns how many requests arrived, keyed `"METHOD /path"`. */
  requests(): Record<string, number>;
  /** Sets every counter back to zero. */
  resetRequests(): void;
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/**
 * `GET /`: "Polaris Server" as text/plain. Like v1.18.1 (go-restful, a route that declares no
 * representation), any `Accept` but a missing one or one that allows every type is refused with 406.
 */
function healthAnswer(request: Request): Response {
  const accept = request.headers.get("accept")?.trim() ?? "";
  const acceptable = accept === "" ||
    accept.split(",").some((part) => part.split(";")[0].trim() === "*/*");
  if (!acceptable) return plain(406, "406: Not Acceptable\n\nAvailable representations: ");
  return plain(200, "Polaris Server");
}

/** Builds the JSON answer of a Polaris body, with status code/1000 and the X-Polaris headers. */
export function polarisAnswer(body: JsonObject, requestId: string | null): Response {
  const code = body.code as number;
  const headers = new Headers({ "content-type": "application/json" });
  if (code !== Code.ExecuteSuccess) {
    headers.set("X-Polaris-Code", String(code));
    headers.set("X-Polaris-Message", codeInfo(code));
  }
  if (requestId !== null) headers.set("Request-Id", requestId);
  return new Response(JSON.stringify(body, null, " "), { status: httpStatusOf(code), headers });
}

function isJson(contentType: string | null): boolean {
  const media = (contentType ?? "").split(";")[0].trim().toLowerCase();
  return media === "application/json";
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Returns the error body shape that fits a route's usual answer. */
function errorBody(route: Route, code: number): JsonObject {
  if (route.body === "batch") return batchWriteBody(code, []);
  if (route.body === "single") return wireResponse(code);
  return batchQueryBody(code);
}

/**
 * The answer of an injected terminal fault, as the real server gives it: a Polaris JSON body with
 * HTTP status code/1000 (403003 for its API rate limit), a plain-text HTTP status, or no answer
 * at all (`DROP`). The fault proxy in front of a real server answers with it too.
 */
export function faultAnswer(
  fault: NonNullable<AppliedFaults["terminal"]>,
  requestId: string | null,
): HandlerResult {
  if (fault.kind === "drop") return DROP;
  if (fault.kind === "rateLimit") return polarisAnswer(wireResponse(Code.APIRateLimit), requestId);
  if (fault.code < 1000) return plain(fault.code, `${fault.code}: injected fault`);
  return polarisAnswer(wireResponse(fault.code), requestId);
}

/** Creates the handler over a store. */
export function createPolarisHandler(
  store: PolarisStore,
  options: PolarisHandlerOptions,
): PolarisHandler {
  let counters: Record<string, number> = {};
  const sleep = options.sleep ?? defaultSleep;

  async function route(request: Request, url: URL): Promise<Response> {
    const requestId = request.headers.get("Request-Id");
    if (url.pathname === "/" && request.method === "GET") return healthAnswer(request);
    const methods = ROUTES[url.pathname];
    if (methods === undefined) return plain(404, "404: Page Not Found");
    const route = methods[request.method];
    if (route === undefined) return plain(405, "405: Method Not Allowed");
    if (route.body !== "none" && !isJson(request.headers.get("content-type"))) {
      return plain(415, "415: Unsupported Media Type");
    }
    const answer = (body: JsonObject) => polarisAnswer(body, requestId);
    const denied = options.token !== undefined &&
      request.headers.get("X-Polaris-Token") !== options.token;
    if (route.body === "none") {
      if (denied) return answer(errorBody(route, Code.NotAllowedAccess));
      return answer(route.run(store, readQuery(url.searchParams)));
    }
    const text = await request.text();
    if (route.body === "single") {
      const parsed = parseObjectBody(text, route.schema);
      if (!parsed.ok) return answer({ ...errorBody(route, parsed.code), info: parsed.info });
      if (denied) return answer(errorBody(route, Code.NotAllowedAccess));
      return answer(route.run(store, parsed.value));
    }
    // Parse errors come before the token check, size limits after it (reference §1).
    const parsed = parseArrayBody(text, route.schema);
    if (!parsed.ok) return answer({ ...errorBody(route, parsed.code), info: parsed.info });
    if (denied) return answer(errorBody(route, Code.NotAllowedAccess));
    const sized = checkBatchSize(parsed.value);
    if (!sized.ok) return answer(errorBody(route, sized.code));
    return answer(route.run(store, sized.value, options));
  }

  return {
    async handle(request) {
      const url = new URL(request.url);
      const key = `${request.method} ${url.pathname}`;
      counters[key] = (counters[key] ?? 0) + 1;
      const applied = options.faults.take(request.method, url.pathname);
      if (applied.latencyMs > 0) await sleep(applied.latencyMs);
      if (applied.terminal) return faultAnswer(applied.terminal, request.headers.get("Request-Id"));
      return await route(request, url);
    },
    requests: () => ({ ...counters }),
    resetRequests: () => {
      counters = {};
    },
  };
}
