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
