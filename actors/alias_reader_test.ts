import assert from "node:assert/strict";
import { AliasReader } from "./alias_reader.ts";
import type { PolarisAliasRecord } from "./polaris_api.ts";

const ALIASES: PolarisAliasRecord[] = [
  { alias: "a1", aliasNamespace: "shared", service: "cart", namespace: "shop", comment: "" },
  { alias: "a2", aliasNamespace: "shared", service: "pay", namespace: "shop", comment: "" },
  { alias: "a1", aliasNamespace: "other", service: "cart", namespace: "shop", comment: "" },
];

function reader(threshold: number) {
  const asked: string[] = [];
  const api = {
    listAliases: (filter: Record<string, string>) => {
      asked.push(JSON.stringify(filter));
      const match = ALIASES.filter((a) =>
        Object.entries(filter).every(([k, v]) => (a as unknown as Record<string, string>)[k] === v)
      );
      return Promise.resolve(match);
    },
  };
  return { asked, reader: new AliasReader({ api, lingerMs: 0, threshold }) };
}

Deno.test("AliasReader answers many reads together with one listing of every alias", async () => {
  const { asked, reader: r } = reader(3);
  const [pointing, holders, none] = await Promise.all([
    r.read({ service: "cart", namespace: "shop" }),
    r.read({ alias: "a1", aliasNamespace: "shared" }),
    r.read({ service: "gone", namespace: "shop" }),
  ]);
  assert.deepStrictEqual(asked, ["{}"]);
  assert.deepStrictEqual(pointing.map((a) => `${a.aliasNamespace}/${a.alias}`), [
    "shared/a1",
    "other/a1",
  ]);
  assert.deepStrictEqual(holders.map((a) => a.service), ["cart"]);
  assert.deepStrictEqual(none, []);
});

Deno.test("AliasReader keeps a lone read filtered, and rejects every read when a listing fails", async () => {
  const { asked, reader: r } = reader(3);
  const [pay] = await Promise.all([r.read({ service: "pay", namespace: "shop" })]);
  assert.deepStrictEqual(asked, ['{"service":"pay","namespace":"shop"}']);
  assert.deepStrictEqual(pay.map((a) => a.alias), ["a2"]);
  const failing = new AliasReader({
    api: { listAliases: () => Promise.reject(new Error("503")) },
    lingerMs: 0,
    threshold: 2,
  });
  const reads = [
    failing.read({ service: "pay", namespace: "shop" }),
    failing.read({ alias: "a1", aliasNamespace: "shared" }),
  ];
  for (const read of reads) await assert.rejects(read, /503/);
});

Deno.test("AliasReader: reads spread over time switch to one listing once they outnumber its pages, and see this controller's writes", async () => {
  let now = 0;
  const clock = {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (id: unknown) => clearTimeout(id as number),
  };
  const asked: string[] = [];
  const store = [...ALIASES];
  const api = {
    listAliases: (filter: Record<string, string>) => {
      asked.push(JSON.stringify(filter));
      return Promise.resolve(
        store.filter((a) =>
          Object.entries(filter).every(([k, v]) =>
            (a as unknown as Record<string, string>)[k] === v
          )
        ),
      );
    },
  };
  const r = new AliasReader({ api, lingerMs: 0, threshold: 3, snapshotMaxAgeMs: 10_000, clock });
  // One at a time, as slots free up: two filtered reads, then the third takes a full listing.
  for (let i = 0; i < 3; i++) {
    now += 100;
    await r.read({ service: "cart", namespace: "shop" });
  }
  assert.deepStrictEqual(asked.slice(2), ["{}"]);
  // Answered from it while it is young; our own create shows in it.
  r.noteWrite("upsert", {
    alias: "a3",
    aliasNamespace: "shared",
    service: "cart",
    namespace: "shop",
  });
  now += 5_000;
  const pointing = await r.read({ service: "cart", namespace: "shop" });
  assert.deepStrictEqual(pointing.map((a) => `${a.aliasNamespace}/${a.alias}`).sort(), [
    "other/a1",
    "shared/a1",
    "shared/a3",
  ]);
  r.noteWrite("delete", {
    alias: "a1",
    aliasNamespace: "other",
    service: "cart",
    namespace: "shop",
  });
  assert.deepStrictEqual(
    (await r.read({ alias: "a1", aliasNamespace: "other" })).length,
    0,
  );
  assert.equal(asked.length, 3, "no request while the listing is young");
  // Old: filtered again.
  now += 10_000;
  await r.read({ alias: "a2", aliasNamespace: "shared" });
  assert.equal(asked.length, 4);
  assert.equal(asked[3], '{"alias":"a2","aliasNamespace":"shared"}');
});
