/**
 * Serves a fetch-style handler over HTTP/1.1. It uses `node:http` rather than `Deno.serve`
 * because the emulator must be able to close a connection without answering (the `drop` fault),
 * which `Deno.serve` cannot do: it always sends a status line (see docs note in mod.ts).
 *
 * @module
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Buffer } from "node:buffer";
import { DROP, type HandlerResult } from "./handler.ts";

/** Where to listen. Port 0 picks a free port. */
export interface ListenOptions {
  readonly hostname: string;
  readonly port: number;
}

/** A listening server. */
export interface RunningServer {
  readonly hostname: string;
  readonly port: number;
  /** Closes every connection, stops listening and waits for handlers in flight. */
  close(): Promise<void>;
}

function toRequest(req: IncomingMessage, body: Buffer, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD" && body.length > 0;
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: hasBody ? new Uint8Array(body) : undefined,
  });
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const payload = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => headers[name] = value);
  headers["content-length"] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** Starts serving `handle` and resolves once the port is bound. */
export async function serveHandler(
  handle: (request: Request) => Promise<HandlerResult>,
  options: ListenOptions,
): Promise<RunningServer> {
  const inFlight = new Set<Promise<void>>();
  let origin = "http://127.0.0.1";

  async function serveOne(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let result: HandlerResult;
    try {
      result = await handle(toRequest(req, Buffer.concat(chunks), origin));
    } catch (error) {
      result = new Response(`500: ${(error as Error).message}`, { status: 500 });
    }
    if (result === DROP) {
      req.socket.destroy();
      return;
    }
    if (!res.destroyed) await writeResponse(res, result);
  }

  const server = createServer((req, res) => {
    const task = serveOne(req, res).catch(() => {
      // The client went away mid-request; there is nobody left to answer.
      res.destroy();
    }).finally(() => inFlight.delete(task));
    inFlight.add(task);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const host = options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname;
  origin = `http://${host}:${port}`;
  return {
    hostname: options.hostname,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await Promise.allSettled([...inFlight]);
    },
  };
}
