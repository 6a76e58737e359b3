/**
 * Fuzz properties of the Polaris client against bad answers over real HTTP (a local server that
 * answers from generated scenarios, `tests/fuzz/scenario_server.ts`): bodies that are not JSON,
 * JSON without a code, codes other than success, pages and rows of the wrong shape, totals that do
 * not add up or run into the billions, oversized pages, HTTP errors. A list either returns every
 * row of a valid answer or rejects with a `PolarisProtocolError` (the answer failed validation) or a
 * `PolarisRequestError` (Polaris said no, or the list never held still), with a message naming what
 * was wrong; a write answer that does not validate never counts an item as applied. Runs and seed:
 * `tests/fuzz/fuzz_runs.ts`.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fuzzParameters } from "../../tests/fuzz/fuzz_runs.ts";
import { listFaults, type ListScenario } from "../../tests/fuzz/polaris_answers.ts";
import { startScenarioServer } from "../../tests/fuzz/scenario_server.ts";
import { adversarialText } from "../../tests/fuzz/adversarial_text.ts";
import { desiredInstances } from "../../domain/desired_instances.ts";
import { planService } from "../../domain/plan.ts";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { PolarisClient, PolarisProtocolError, PolarisRequestError } from "./mod.ts";

/** The client as `actors/system.ts` builds it, with retries that do not wait. */
function client(baseUrl: string, pageConcurrency: number): PolarisClient {
  return new PolarisClient({
    baseUrl,
    timeoutMs: 5_000,
    maxRetries: 1,
    sleep: () => Promise.resolve(),
    pageConcurrency,
  });
}

function list(polaris: PolarisClient, scenario: ListScenario): Promise<{ id: string }[]> {
  return scenario.list === "instances"
    ? polaris.listInstances({ namespace: "shop", service: "cart" })
    : polaris.listAliases({ service: "cart", namespace: "shop" });
}

/** Checks what a list came to against what the scenario expects. */
async function checkList(polaris: PolarisClient, scenario: ListScenario): Promise<void> {
  const { expected } = scenario;
  let rows: { id: string }[] | undefined;
  let error: unknown;
  try {
    rows = await list(polaris, scenario);
  } catch (caught) {
    error = caught;
  }
  if (expected.kind === "rows") {
    assert.equal(error, undefined, `${scenario.label}: ${String(error)}`);
    assert.deepStrictEqual(rows!.map((r) => r.id).sort(), [...expected.ids].sort());
    return;
  }
  assert.equal(rows, undefined, `${scenario.label}: a bad answer must not give rows`);
  assert.ok(error instanceof PolarisRequestError, `${scenario.label}: got ${String(error)}`);
  assert.match(error.message, /^Cannot /, "action first (STYLE)");
  assert.ok(error.path.startsWith("/naming/v1/"), "the error says which call failed");
  if (expected.kind === "protocol") {
    assert.ok(error instanceof PolarisProtocolError, `${scenario.label}: ${error.message}`);
    assert.ok(error.issues.length > 0 && error.issues.every((i) => i.trim() !== ""));
    assert.equal(error.retryable, false);
    if (expected.issue !== undefined) {
      assert.ok(
        error.issues.some((i) => i.includes(expected.issue!)),
        `${scenario.label}: ${JSON.stringify(error.issues)} should name ${expected.issue}`,
      );
    }
    return;
  }
  assert.ok(!(error instanceof PolarisProtocolError), `${scenario.label}: ${error.message}`);
  if (expected.mentions !== undefined) {
    assert.ok(
      error.message.includes(expected.mentions),
      `${scenario.label}: ${error.message} should mention ${expected.mentions}`,
    );
  }
}

/**
 * A lying total must not make the client page through it: at most 4 passes (3 restarts) of the
 * pages the server really holds, plus an empty page and the pages in flight when a pass is lost,
 * each tried twice (one retry).
 */
function assertBoundedReads(reads: number, scenario: ListScenario, pages: number): void {
  const bound = 4 * (scenario.pages + 1 + 2 * pages) * 2;
  assert.ok(reads <= bound, `${scenario.label}: ${reads} requests for ${scenario.pages} pages`);
}

for (const kind of ["instances", "aliases"] as const) {
  Deno.test(`PolarisClient property: a ${kind} list is every row of a valid answer, or a specific rejection`, async (t) => {
    const server = startScenarioServer();
    try {
      // One property per family of answers, so that every family runs in the short mode too.
      for (const [family, scenarios] of Object.entries(listFaults(kind))) {
        await t.step(family, async () => {
          await fc.assert(
            fc.asyncProperty(scenarios, fc.constantFrom(1, 4), async (scenario, pages) => {
              server.use([scenario]);
              await checkList(client(server.url, pages), scenario);
              assert.deepStrictEqual(server.writes(), [], "a read never writes");
              assertBoundedReads(server.reads(), scenario, pages);
            }),
            fuzzParameters({ runs: 6, cost: 200 }),
          );
        });
      }
    } finally {
      await server.stop();
    }
  });
}

Deno.test("PolarisClient.listOwnedServices() property: the sweep's scan names the services of a valid answer, or rejects, in a bounded number of requests", async (t) => {
  const server = startScenarioServer();
  const owner = { clusterName: "other", source: "someone-else" }; // the rows' own metadata
  try {
    for (const [family, scenarios] of Object.entries(listFaults("instances"))) {
      await t.step(family, async () => {
        await fc.assert(
          fc.asyncProperty(scenarios, fc.constantFrom(1, 4), async (scenario, pages) => {
            server.use([scenario]);
            const { expected } = scenario;
            let services: { namespace: string; service: string }[] | undefined;
            let error: unknown;
            try {
              services = await client(server.url, pages).listOwnedServices(owner);
            } catch (caught) {
              error = caught;
            }
            assertBoundedReads(server.reads(), scenario, pages);
            assert.deepStrictEqual(server.writes(), []);
            if (expected.kind === "rows" && scenario.label.startsWith("valid")) {
              const named = expected.ids.length > 0 ? [{ namespace: "shop", service: "cart" }] : [];
              assert.deepStrictEqual(services, named, `${scenario.label}: ${String(error)}`);
            } else if (expected.kind === "protocol") {
              assert.ok(error instanceof PolarisProtocolError, `${scenario.label}: ${error}`);
            } else if (error !== undefined) {
              // Without ids the scan judges by counts; it only nominates services for a read.
              assert.ok(error instanceof PolarisRequestError, `${scenario.label}: ${error}`);
              assert.match(error.message, /^Cannot /);
            } else {
              assert.ok(services!.every((s) => s.namespace === "shop" && s.service === "cart"));
            }
          }),
          fuzzParameters({ runs: 3, cost: 400 }),
        );
      });
    }
  } finally {
    await server.stop();
  }
});

/** A batch write answer: valid, or any of the ways one can be wrong. */
const writeAnswer = fc.oneof(
  fc.record({
    status: fc.constantFrom(200, 400, 500),
    body: fc.oneof(
      adversarialText,
      fc.json(),
      fc.constantFrom(
        '{"code":200000}',
        '{"code":200000,"responses":null}',
        '{"code":200000,"responses":"x"}',
        '{"code":200000,"responses":[{"code":"200000"}]}',
        '{"code":200000,"responses":[5]}',
        '{"code":400000,"responses":[{"code":200000,"instance":{"host":5}}]}',
        '{"code":"200000","responses":[]}',
        '{"code":200000.5}',
        '{"code":200000,"size":"1"}',
      ),
    ),
  }),
);

/** True when the body is a batch answer whose shape the client can read. */
function readable(body: string): boolean {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return false;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return false;
  const answer = data as Record<string, unknown>;
  if (!Number.isInteger(answer.code)) return false;
  if (answer.size != null && !Number.isInteger(answer.size)) return false;
  if (answer.info != null && typeof answer.info !== "string") return false;
  const responses = answer.responses;
  if (responses == null) return true;
  return Array.isArray(responses) && responses.every((r) => r === null || isItem(r));
}

function isItem(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const item = value as Record<string, unknown>;
  const wholeOrNull = (v: unknown) => v == null || Number.isInteger(v);
  const textOrNull = (v: unknown) => v == null || typeof v === "string";
  if (!wholeOrNull(item.code) || !textOrNull(item.info)) return false;
  return ["instance", "service", "namespace", "alias"].every((key) => {
    const echo = item[key];
    if (echo == null) return true;
    if (typeof echo !== "object" || Array.isArray(echo)) return false;
    const e = echo as Record<string, unknown>;
    return ["id", "namespace", "service", "name", "host", "alias", "alias_namespace"]
      .every((k) => textOrNull(e[k])) && wholeOrNull(e.port);
  });
}

Deno.test("PolarisClient property: a write answer that does not validate never counts an item as applied", async () => {
  let answer = { status: 200, body: "" };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      await request.text();
      return new Response(answer.body, {
        status: answer.status,
        headers: { "content-type": "application/json" },
      });
    },
  );
  const { port } = server.addr as Deno.NetAddr;
  try {
    const polaris = client(`http://127.0.0.1:${port}`, 1);
    const items = [1, 2, 3].map((i) => ({
      namespace: "shop",
      service: "cart",
      host: `10.0.0.${i}`,
      port: 8080,
      protocol: "http/TCP",
      version: "",
      weight: 100,
      healthy: true,
      isolate: false,
      enableHealthCheck: false,
      metadata: { clusterName: "a", source: "polaris-controller" },
    }));
    await fc.assert(
      fc.asyncProperty(writeAnswer, async (next) => {
        answer = next;
        const results = await polaris.createInstances(items);
        assert.equal(results.length, items.length, "one result per item, whatever came back");
        if (!readable(next.body)) {
          assert.ok(results.every((r) => !r.ok), `${JSON.stringify(next)} applied nothing`);
        }
        for (const result of results) {
          if (!result.ok) assert.ok(result.message.trim().length > 0);
        }
      }),
      fuzzParameters({ runs: 150, cost: 5 }),
    );
  } finally {
    await server.shutdown();
  }
});

/** Metadata keys that are plain strings to Polaris and special to JavaScript objects. */
const trickyKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty"),
  fc.string({ minLength: 1, maxLength: 10 }),
  fc.string({ minLength: 1, maxLength: 6, unit: "grapheme" }),
);

Deno.test("PolarisClient property: what the controller registers, listed back, plans no write", async () => {
  const emulator = await startPolarisEmulator();
  try {
    const polaris = client(emulator.url, 1);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(trickyKey, fc.string({ maxLength: 12 }), { minKeys: 1, maxKeys: 6 }),
        fc.integer({ min: 0, max: 65_535 }),
        async (metadata, weight) => {
          const name = `cart-${run++}`;
          const { instances } = desiredInstances({
            clusterName: "cluster-a",
            source: "polaris-controller",
            service: {
              namespace: "shop",
              name,
              type: "ClusterIP",
              annotations: {
                "polarismesh.cn/metadata": JSON.stringify(metadata),
                "polarismesh.cn/weight": String(weight),
              },
            },
            groups: [{
              addresses: [{ address: "10.0.0.1", ready: true, terminating: false }],
              ports: [{ name: "http", port: 8080, protocol: "TCP" }],
            }],
            podLabels: () => undefined,
            podLabelPolicy: { kind: "none" },
          });
          const written = await polaris.createInstances(
            instances.map((i) => ({ ...i, enableHealthCheck: false })),
          );
          assert.ok(written.every((r) => r.ok), JSON.stringify(written));
          const listed = await polaris.listInstances({ namespace: "shop", service: name });
          const plan = planService({
            desired: instances,
            registered: listed,
            owner: { clusterNames: ["cluster-a"], source: "polaris-controller" },
            deletesAllowed: true,
          });
          assert.deepStrictEqual(
            plan.updates.map((u) => u.changed),
            [],
            `metadata ${JSON.stringify(metadata)} listed back as ${
              JSON.stringify(listed[0]?.metadata)
            }: every resync would write it again`,
          );
          assert.equal(plan.creates.length + plan.deletes.length, 0);
        },
      ),
      fuzzParameters({ runs: 40, cost: 20 }),
    );
  } finally {
    await emulator.stop();
  }
});
