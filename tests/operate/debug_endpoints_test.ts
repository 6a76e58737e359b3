/**
 * The `/debug` JSON endpoints of a running controller process, as docs/operating.md documents
 * them: times are ISO-8601 strings, lists are sorted (services by key, clusters by name, instances
 * by address, transitions oldest first), and every field they answer is named in that page.
 */
import assert from "node:assert/strict";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { waitFor } from "../cluster/objects.ts";
import { startController } from "../e2e/controller_process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The words inside backticks of docs/operating.md: where a field is documented. */
function documentedWords(markdown: string): Set<string> {
  const words = new Set<string>();
  const prose = markdown.replace(/^```[\s\S]*?^```$/gm, "");
  for (const [, span] of prose.matchAll(/`([^`]+)`/g)) {
    for (const word of span.split(/[^A-Za-z0-9_]+/)) if (word !== "") words.add(word);
  }
  return words;
}

/** Every key of the JSON value's objects, recursively, except under maps keyed by data. */
function keysOf(value: unknown, skip: ReadonlySet<string>, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) keysOf(item, skip, into);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      into.add(key);
      if (!skip.has(key)) keysOf(item, skip, into);
    }
  }
  return into;
}

function sorted<T>(items: readonly T[], by: (item: T) => string): boolean {
  const texts = items.map(by);
  return texts.every((text, i) => i === 0 || texts[i - 1] <= text);
}

const address = (i: { host: string; port: number }) =>
  i.host.split(".").map((n) => n.padStart(3, "0")).join(".") +
  `:${String(i.port).padStart(5, "0")}`;

Deno.test({
  name: "/debug endpoints answer ISO-8601 times and sorted lists, every field documented",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const emulator = await startPolarisEmulator();
    const controller = await startController({
      config: [
        `serverAddress: ${emulator.url}`,
        "clusters:",
        `  - { clusterName: cluster-b, manifests: ${ROOT}examples/cluster-b }`,
        `  - { clusterName: cluster-a, manifests: ${ROOT}examples/cluster-a }`,
        "serviceSync:",
        "  debounce: 50ms",
        "",
      ].join("\n"),
    });
    try {
      await controller.waitReady(120_000);
      const page = await waitFor(async () => {
        const answer = (await controller.getJson("/debug/services")).body as {
          total: number;
          items: { key: string; state: string; lastSyncAt: string | null }[];
        };
        // 11 synced example Services, and the 3 no cluster syncs (listed with their reason).
        const synced = answer.items.filter((s) => s.state !== "unsynced");
        return answer.total === 14 && synced.length === 11 &&
          synced.every((s) => s.lastSyncAt !== null) && answer;
      }, { what: "every example service reconciled", timeoutMs: 60_000 });
      assert.ok(sorted(page.items, (s) => s.key), page.items.map((s) => s.key).join());
      for (const item of page.items) {
        if (item.state === "unsynced") assert.equal(item.lastSyncAt, null);
        else assert.match(String(item.lastSyncAt), ISO);
      }

      const second = (await controller.getJson("/debug/services?limit=3&offset=3")).body as {
        items: { key: string }[];
      };
      assert.deepEqual(second.items.map((s) => s.key), page.items.slice(3, 6).map((s) => s.key));

      const { status, body } = await controller.getJson("/debug/services/shop/cart");
      assert.equal(status, 200);
      const detail = body as {
        transitions: { at: string }[];
        desired: { host: string; port: number }[];
        registered: { host: string; port: number }[];
        clusters: { clusterName: string }[];
      };
      assert.ok(detail.transitions.length >= 2);
      for (const t of detail.transitions) assert.match(t.at, ISO);
      assert.ok(sorted(detail.transitions, (t) => t.at), "transitions oldest first");
      assert.ok(sorted(detail.desired, address), JSON.stringify(detail.desired.map(address)));
      assert.ok(sorted(detail.registered, address), "registered by address");
      assert.deepEqual(detail.clusters.map((c) => c.clusterName), ["cluster-a", "cluster-b"]);

      const clusters = (await controller.getJson("/debug/clusters")).body as {
        clusterName: string;
      }[];
      assert.deepEqual(clusters.map((c) => c.clusterName), ["cluster-a", "cluster-b"]);

      // Every field of every answer is named in docs/operating.md (maps keyed by data are not).
      const documented = documentedWords(await Deno.readTextFile(`${ROOT}docs/operating.md`));
      const skip = new Set(["metadata", "states", "clusters"]);
      const answers = {
        "/readyz": (await controller.getJson("/readyz")).body,
        "/debug/overview": (await controller.getJson("/debug/overview")).body,
        "/debug/services": page,
        "/debug/services/shop/cart": detail,
        "/debug/clusters": clusters,
      };
      for (const [path, answer] of Object.entries(answers)) {
        const keys = keysOf(answer, path === "/readyz" ? skip : new Set(["metadata", "states"]));
        const missing = [...keys].filter((key) => !documented.has(key));
        assert.deepEqual(missing, [], `fields of ${path} missing in docs/operating.md`);
      }
      assert.equal(await controller.stop(), 0);
    } finally {
      await controller.stop();
      await emulator.stop();
    }
  },
});
