import assert from "node:assert/strict";
import { phantomsToPurge, splitPhantoms, type Tombstone, tombstoneKey } from "./phantoms.ts";
import type { RegisteredInstance } from "./polaris.ts";
import { listedInstance } from "./_fixtures.ts";

const listed = (host: string, revision: string | undefined) =>
  listedInstance(host, revision ?? null);

const stones = (entries: Record<string, Tombstone>) => (key: string) => entries[key];
const hosts = (list: readonly RegisteredInstance[]) => list.map((i) => i.host);

Deno.test("tombstoneKey() names namespace, service and address", () => {
  assert.deepStrictEqual(tombstoneKey(listed("fd00::1", "r")), "shop/cart/fd00::1:8080");
});

const SPLIT_ROWS: readonly {
  readonly name: string;
  readonly revision: string | undefined;
  readonly tombstone?: Tombstone;
  readonly phantom: boolean;
}[] = [
  { name: "never deleted: live", revision: "r1", phantom: false },
  {
    name: "deleted at the listed revision: phantom",
    revision: "r1",
    tombstone: { revision: "r1", purged: false },
    phantom: true,
  },
  {
    name: "deleted, listed at another revision (written since): live",
    revision: "r2",
    tombstone: { revision: "r1", purged: false },
    phantom: false,
  },
  {
    name: "listed without a revision: live",
    revision: undefined,
    tombstone: { revision: "r1", purged: false },
    phantom: false,
  },
  {
    name: "purged before and still listed: still a phantom",
    revision: "r1",
    tombstone: { revision: "r1", purged: true },
    phantom: true,
  },
];

for (const row of SPLIT_ROWS) {
  Deno.test(`splitPhantoms(): ${row.name}`, () => {
    const instance = listed("10.0.0.1", row.revision);
    const other = listed("10.0.0.2", "r9");
    const split = splitPhantoms(
      [instance, other],
      stones(row.tombstone ? { [tombstoneKey(instance)]: row.tombstone } : {}),
    );
    assert.deepStrictEqual(hosts(split.phantoms), row.phantom ? ["10.0.0.1"] : []);
    assert.deepStrictEqual(
      hosts(split.live),
      row.phantom ? ["10.0.0.2"] : ["10.0.0.1", "10.0.0.2"],
    );
  });
}

Deno.test("phantomsToPurge() leaves out those wanted again and those purged once already", () => {
  const [wanted, once, fresh] = ["10.0.0.1", "10.0.0.2", "10.0.0.3"].map((h) => listed(h, "r1"));
  const purge = phantomsToPurge(
    [wanted, once, fresh],
    new Set([tombstoneKey(wanted)]),
    stones({
      [tombstoneKey(wanted)]: { revision: "r1", purged: false },
      [tombstoneKey(once)]: { revision: "r1", purged: true },
      [tombstoneKey(fresh)]: { revision: "r1", purged: false },
    }),
  );
  assert.deepStrictEqual(hosts(purge), ["10.0.0.3"]);
});
