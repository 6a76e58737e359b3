/**
 * A fault-injecting HTTP proxy in front of a Polaris server (the real one in the journeys): it
 * forwards every request unchanged, counts them by `METHOD path`, keeps the write requests' bodies,
 * and injects the faults of emulator/README.md on matching requests: extra latency, Polaris error
 * answers (5xx, the server's 403003 rate limit, any code), plain HTTP statuses and dropped
 * connections. It can also serve stale reads: each GET answer is kept and replayed for a while, as
 * a read from a lagging cache (another server node, the discovery cache) would be.
 *
 * Faults are answered exactly as the emulator answers them (`faultAnswer`), so a journey reads the
 * same whichever server stands behind the proxy. The proxy never changes an answer it forwards.
 *
 * @module
 */

import { type Fault, FaultInjector } from "../../emulator/faults.ts";
import { faultAnswer } from "../../emulator/handler.ts";
import { serveHandler } from "../../emulator/server.ts";

export type { Fault };

/** A write request the proxy forwarded or answered with a fault. */
export interface SeenWrite {
  readonly method: string;
  readonly path: string;
  /** The parsed JSON body (`undefined` when it was not JSON). */
  readonly body: unknown;
  /** Whether it reached the server (false: a fault answered it). */
  readonly forwarded: boolean;
  /** When the proxy's handler received it (`Date.now()`, before any injected latency). */
  readonly at: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to the controller. */
  readonly url: string;
  /** Requests seen since the last reset, by `METHOD path`. */
  requests(): Record<string, number>;
  /** Write requests (not GET) seen since the last reset, in order. */
  writes(): readonly SeenWrite[];
  /** Forgets the counts and the writes. */
  resetRequests(): void;
  /** Adds a fault; returns a function that removes it. */
  injectFault(fault: Fault): () => void;
  /** Removes every fault. */
  clearFaults(): void;
  /**
   * Serves stale reads until the returned function is called: a GET is answered from the last
   * answer to the same URL while that answer is younger than `ms`; writes do not refresh it.
   */
  staleReads(ms: number): () => void;
  /** Stops listening and closes every connection. */
  stop(): Promise<void>;
}

/** Hop-by-hop headers a proxy must not forward (RFC 9110 §7.6.1), plus the ones fetch sets. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "host",
  "content-length",
]);

/** Starts a proxy on a free loopback port that forwards to `upstream`. */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = upstream.replace(/\/+$/, "");
  const faults = new FaultInjector(() => Date.now());
  let counts: Record<string, number> = {};
  let writes: SeenWrite[] = [];
  let staleMs = 0;
  const kept = new Map<
    string,
    { at: number; status: number; headers: Headers; body: ArrayBuffer }
  >();

  const running = await serveHandler(async (request) => {
    const at = Date.now();
    const url = new URL(request.url);
    const key = `${request.method} ${url.pathname}`;
    counts[key] = (counts[key] ?? 0) + 1;
    const text = request.method === "GET" ? "" : await request.text();
    const applied = faults.take(request.method, url.pathname);
    if (applied.latencyMs > 0) await new Promise((r) => setTimeout(r, applied.latencyMs));
    const seen = (forwarded: boolean) => {
      if (request.method === "GET") return;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      writes.push({ method: request.method, path: url.pathname, body, forwarded, at });
    };
    if (applied.terminal) {
      seen(false);
      return faultAnswer(applied.terminal, request.headers.get("Request-Id"));
    }
    seen(true);
    const fresh = kept.get(`${url.pathname}${url.search}`);
    if (request.method === "GET" && staleMs > 0 && fresh && Date.now() - fresh.at < staleMs) {
      return new Response(fresh.body.slice(0), { status: fresh.status, headers: fresh.headers });
    }
    const headers = new Headers();
    request.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name.toLowerCase())) headers.set(name, value);
    });
    const answer = await fetch(`${target}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: request.method === "GET" || request.method === "HEAD" ? undefined : text,
    });
    const out = new Headers();
    answer.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name.toLowerCase())) out.set(name, value);
    });
    const body = await answer.arrayBuffer();
    if (request.method === "GET" && staleMs > 0) {
      kept.set(`${url.pathname}${url.search}`, {
        at: Date.now(),
        status: answer.status,
        headers: out,
        body: body.slice(0),
      });
    }
    return new Response(body, { status: answer.status, headers: out });
  }, { hostname: "127.0.0.1", port: 0 });

  return {
    url: `http://127.0.0.1:${running.port}`,
    requests: () => ({ ...counts }),
    writes: () => [...writes],
    resetRequests() {
      counts = {};
      writes = [];
    },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    staleReads(ms) {
      staleMs = ms;
      kept.clear();
      return () => {
        staleMs = 0;
        kept.clear();
      };
    },
    stop: () => running.close(),
  };
}
