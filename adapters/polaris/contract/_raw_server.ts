/**
 * A bare HTTP server for the few faults the emulator cannot produce (a 200 that is not JSON, a
 * body that never ends). Binds 127.0.0.1 on a free port.
 *
 * @module
 */

/** A request as the raw server saw it (a Deno `Request` cannot be read after it is answered). */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Headers;
  readonly body: string;
}

/** A running raw server. */
export interface RawServer {
  readonly url: string;
  /** Requests received so far. */
  readonly requests: SeenRequest[];
  /** Stops the server and waits for it. */
  stop(): Promise<void>;
}

/** Starts a server answering every request with `handler` (the request body is already read). */
export function startRawServer(
  handler: (request: Request, index: number) => Response | Promise<Response>,
): RawServer {
  const requests: SeenRequest[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const index = requests.length;
      requests.push({
        method: request.method,
        path: new URL(request.url).pathname,
        headers: new Headers(request.headers),
        body: await request.text(),
      });
      return handler(request, index);
    },
  );
  const { port } = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => server.shutdown(),
  };
}
