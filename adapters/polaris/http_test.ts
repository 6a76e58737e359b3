import assert from "node:assert/strict";
import { errorChainText, toLogValue } from "../log/log_value.ts";
import { PolarisHttp } from "./http.ts";

const TOKEN = "pst-4b1d9e37a0c2-ECHOED";

/** What a server that echoes request headers answers, by path. */
function echoAnswer(path: string, headers: Headers): Response {
  const echo = [...headers].map(([name, value]) => `${name}: ${value}`).join("\n");
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  switch (path) {
    case "/info":
      return json(401, { code: 401000, info: `access denied for headers ${echo}` });
    case "/items":
      return json(400, {
        code: 400000,
        info: `batch refused: ${echo}`,
        responses: [{
          code: 400141,
          info: `item refused: ${echo}`,
          instance: { host: "10.0.0.1" },
        }],
      });
    case "/code":
      return json(200, { code: `${headers.get("x-polaris-token")}` });
    case "/text-200":
      return new Response(`${headers.get("x-polaris-token")} ${echo}`, { status: 200 });
    default:
      return new Response(`${headers.get("x-polaris-token")} upstream failed\n${echo}`, {
        status: 500,
      });
  }
}

async function withEchoServer(run: (http: PolarisHttp, seen: string[]) => Promise<void>) {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    seen.push(request.headers.get("x-polaris-token") ?? "");
    return echoAnswer(new URL(request.url).pathname, request.headers);
  });
  const http = new PolarisHttp({
    baseUrl: `http://127.0.0.1:${server.addr.port}`,
    token: TOKEN,
    timeoutMs: 2000,
    maxRetries: 0,
    backoffBaseMs: 1,
    backoffMaxMs: 1,
    random: () => 0,
    sleep: () => Promise.resolve(),
  });
  try {
    await run(http, seen);
  } finally {
    await server.shutdown();
  }
}

/** Everything a log line or an Event could show of an error. */
function shown(error: unknown): string {
  return `${errorChainText(error)} ${JSON.stringify(toLogValue(error))}`;
}

/** The parts of the token long enough to give it away (any 8 characters of it in a row). */
function leaked(text: string): string[] {
  const parts: string[] = [];
  for (let i = 0; i + 8 <= TOKEN.length; i++) {
    if (text.includes(TOKEN.slice(i, i + 8))) parts.push(TOKEN.slice(i, i + 8));
  }
  return parts;
}

Deno.test("PolarisHttp.call() sends the token and redacts it from the info texts of an answer", async () => {
  await withEchoServer(async (http, seen) => {
    const info = await http.call({ method: "GET", path: "/info" });
    assert.equal(info.code, 401000);
    assert.match(info.info, /x-polaris-token: \*\*\*/);
    const items = await http.call({ method: "POST", path: "/items", body: [{}] });
    const response = (items.data as { responses: { info: string; instance: unknown }[] })
      .responses[0];
    assert.match(items.info, /x-polaris-token: \*\*\*/);
    assert.match(response.info, /x-polaris-token: \*\*\*/);
    assert.deepEqual(response.instance, { host: "10.0.0.1" }, "the rest of the data is kept");
    assert.deepEqual(leaked(JSON.stringify([info, items])), []);
    assert.deepEqual(seen, [TOKEN, TOKEN]);
  });
});

for (const path of ["/text-200", "/text-500", "/code"]) {
  Deno.test(`PolarisHttp.call() throws an error without the token for an echoing ${path}`, async () => {
    await withEchoServer(async (http, seen) => {
      const error = await http.call({ method: "GET", path }).then(
        () => assert.fail("expected a failure"),
        (error: unknown) => error,
      );
      assert.ok(error instanceof Error);
      assert.deepEqual(leaked(shown(error)), [], shown(error));
      assert.deepEqual(seen, [TOKEN]);
    });
  });
}

Deno.test("PolarisHttp.call() sends no attempt of a write, retries included, once mayWrite() says no", async () => {
  // Found by `deno task chaos`: the retry of a write begun while leading went out after the Lease
  // was lost (a leader SIGSTOPped past its lease, then SIGCONT).
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    seen.push(`${request.method} ${new URL(request.url).pathname}`);
    return new Response(JSON.stringify({ code: 500000, info: "busy" }), {
      status: 500,
      headers: { "content-type": "application/json" },
    });
  });
  let leader = true;
  const http = new PolarisHttp({
    baseUrl: `http://127.0.0.1:${server.addr.port}`,
    timeoutMs: 2000,
    maxRetries: 3,
    backoffBaseMs: 1,
    backoffMaxMs: 1,
    random: () => 0,
    sleep: () => {
      leader = false; // the Lease is lost while the retry waits
      return Promise.resolve();
    },
    mayWrite: () => leader,
  });
  try {
    await assert.rejects(() =>
      http.call({ method: "POST", path: "/naming/v1/instances", body: [] })
    );
    assert.deepStrictEqual(seen, ["POST /naming/v1/instances"], "the first attempt only");
    seen.length = 0;
    const read = await http.call({ method: "GET", path: "/naming/v1/instances" });
    assert.equal(read.code, 500000);
    assert.equal(seen.length, 4, "reads are not gated: a follower may read");
  } finally {
    await server.shutdown();
  }
});
