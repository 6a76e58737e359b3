/**
 * A Polaris that gives the token back: a proxy in front of the emulator that answers a fixed
 * rotation of requests with failures quoting the request headers, as a misconfigured proxy or a
 * debugging server would. Every failure the controller can turn into a message is there: a
 * refusal whose `info` quotes the headers, a server error and a success whose bodies are plain
 * text starting with the token, a body whose `code` is the token, a batch whose items are each
 * refused with the headers in their `info`, and an answer slower than the client's timeout. The
 * other requests reach the emulator, so the controller still gets somewhere. For the token tests
 * only.
 *
 * @module
 */

/** The failures served, in the rotation's order; `pass` reaches the emulator. */
export const ECHO_KINDS = [
  "pass",
  "refused-info",
  "pass",
  "error-text",
  "success-text",
  "pass",
  "code-is-token",
  "items-refused",
  "timeout",
  "pass",
] as const;

/** The rotation of reads: every kind but refused batch items, which only a write can meet. */
const READ_KINDS = ECHO_KINDS.filter((kind) => kind !== "items-refused");

/** The rotation of writes: refused items first, then the rest. */
const WRITE_KINDS = ["items-refused", ...READ_KINDS] as const;

/** One kind of answer of the rotation. */
export type EchoKind = typeof ECHO_KINDS[number];

/** A running echoing proxy. */
export interface EchoingPolaris {
  /** `http://127.0.0.1:<port>`: the controller's `serverAddress`. */
  readonly url: string;
  /** Answers served so far, by kind. */
  served(): Readonly<Partial<Record<EchoKind, number>>>;
  /** The `X-Polaris-Token` values the controller sent, without repeats. */
  tokensSeen(): readonly string[];
  stop(): Promise<void>;
}

/** Starts the proxy; `timeoutMs` is how long a `timeout` answer waits (beyond the client's). */
export function startEchoingPolaris(upstream: string, timeoutMs: number): EchoingPolaris {
  const served: Partial<Record<EchoKind, number>> = {};
  const tokens = new Set<string>();
  const stopping = new AbortController();
  let reads = 0;
  let writes = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const token = req.headers.get("x-polaris-token") ?? "";
    if (token) tokens.add(token);
    const body = req.method === "GET" ? "" : await req.text();
    // The health probe (GET /) always passes, so the rotations are about API calls. Reads and
    // writes rotate apart, writes starting with refused items: in one rotation for both, which
    // kind a write meets depends on how reads and writes interleave, and a steady pattern of
    // backoffs could keep every write off the refused-items turn.
    const kind: EchoKind = url.pathname === "/"
      ? "pass"
      : req.method === "GET"
      ? READ_KINDS[reads++ % READ_KINDS.length]
      : WRITE_KINDS[writes++ % WRITE_KINDS.length];
    served[kind] = (served[kind] ?? 0) + 1;
    const echo = [...req.headers].map(([name, value]) => `${name}: ${value}`).join("; ");
    const json = (status: number, answer: unknown) => Response.json(answer, { status });
    switch (kind) {
      case "refused-info":
        return json(401, { code: 401000, info: `access denied; you sent ${echo}` });
      case "error-text":
        return new Response(`${token} upstream failed; you sent ${echo}`, { status: 502 });
      case "success-text":
        return new Response(`${token} OK; you sent ${echo}`, { status: 200 });
      case "code-is-token":
        return json(200, { code: token, info: "done" });
      case "items-refused": {
        const items = parseItems(body);
        return json(400, {
          code: 400000,
          info: `batch refused; you sent ${echo}`,
          responses: items.map(() => ({ code: 400103, info: `item refused; you sent ${echo}` })),
        });
      }
      case "timeout":
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          stopping.signal.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve(undefined);
          });
        });
        return json(500, { code: 500000, info: `too late; you sent ${echo}` });
      case "pass": {
        const headers = new Headers(req.headers);
        headers.delete("host");
        headers.delete("content-length");
        const answer = await fetch(`${upstream}${url.pathname}${url.search}`, {
          method: req.method,
          headers,
          body: body === "" ? undefined : body,
        });
        return new Response(await answer.arrayBuffer(), {
          status: answer.status,
          headers: { "content-type": answer.headers.get("content-type") ?? "application/json" },
        });
      }
    }
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    served: () => ({ ...served }),
    tokensSeen: () => [...tokens],
    async stop() {
      stopping.abort();
      await server.shutdown();
    },
  };
}

function parseItems(body: string): unknown[] {
  try {
    const parsed = JSON.parse(body);
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return [{}];
  }
}
