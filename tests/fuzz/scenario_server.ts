/**
 * A local HTTP server that answers Polaris list requests from the current fuzz scenario and every
 * write with success, counting each: the fuzz properties point the real `PolarisClient` at it, so
 * a malformed answer travels over real HTTP, and "no write followed" is counted where writes
 * arrive. Binds 127.0.0.1 on a free port.
 *
 * @module
 */

import type { ListKind, ListScenario, RawAnswer } from "./polaris_answers.ts";

/** The list paths of the console API, by the key of their rows. */
const LIST_PATHS: Readonly<Record<ListKind, string>> = {
  instances: "/naming/v1/instances",
  aliases: "/naming/v1/service/aliases",
};

/** A running scenario server. */
export interface ScenarioServer {
  readonly url: string;
  /** Answers lists from these scenarios from now on (a list without one answers empty). */
  use(scenarios: readonly ListScenario[]): void;
  /** POST and PUT requests received since the last {@linkcode use}, as `METHOD /path`. */
  writes(): readonly string[];
  /** GET requests received since the last {@linkcode use}. */
  reads(): number;
  stop(): Promise<void>;
}

function json(answer: RawAnswer): Response {
  return new Response(answer.body, {
    status: answer.status,
    headers: { "content-type": "application/json" },
  });
}

function emptyPage(list: ListKind): string {
  return JSON.stringify({ code: 200_000, info: "", amount: 0, size: 0, [list]: [] });
}

/**
 * Starts the server. Writes answer `{code: 200000}` with one success per item, so that any write
 * the client sends would be taken as applied: the property must see none.
 */
export function startScenarioServer(): ScenarioServer {
  let scenarios: readonly ListScenario[] = [];
  let writes: string[] = [];
  let reads = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      if (request.method !== "GET") {
        writes.push(`${request.method} ${url.pathname}`);
        const items = JSON.parse((await request.text()) || "[]");
        const responses = Array.isArray(items) ? items.map(() => ({ code: 200_000 })) : [];
        return json({
          status: 200,
          body: JSON.stringify({ code: 200_000, info: "", size: responses.length, responses }),
        });
      }
      reads++;
      const list = (Object.keys(LIST_PATHS) as ListKind[]).find((k) =>
        LIST_PATHS[k] === url.pathname
      );
      if (list === undefined) {
        return json({ status: 404, body: JSON.stringify({ code: 404_000, info: "no route" }) });
      }
      const scenario = scenarios.find((s) => s.list === list);
      if (scenario === undefined) return json({ status: 200, body: emptyPage(list) });
      const offset = Number(url.searchParams.get("offset") ?? "0");
      const limit = Number(url.searchParams.get("limit") ?? "100");
      return json(scenario.answer(offset, limit));
    },
  );
  const { port } = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    use: (next) => {
      scenarios = next;
      writes = [];
      reads = 0;
    },
    writes: () => writes,
    reads: () => reads,
    stop: () => server.shutdown(),
  };
}
