import assert from "node:assert/strict";
import type { AliasIntent } from "./alias_intent.ts";
import { aliasMarker, type AliasPlan, type AliasRecord, planAlias } from "./plan_alias.ts";

const TARGET = { namespace: "shop", service: "cart" };
const OURS = aliasMarker("polaris-controller");
const OTHER_SOURCE = aliasMarker("someone-else");

function alias(
  aliasNamespace: string,
  name: string,
  pointsTo: string,
  comment: string,
): AliasRecord {
  const [namespace, service] = pointsTo.split("/");
  return { alias: name, aliasNamespace, namespace, service, comment };
}

// Aliases, named by what sets them apart: who made them, their name, where they point.
const ours_basket_toCart = alias("shared", "basket", "shop/cart", OURS);
const ours_trolley_toCart = alias("shared", "trolley", "shop/cart", OURS);
const ours_basketInLegacyNs_toCart = alias("legacy", "basket", "shop/cart", OURS);
const ours_basket_toOrders = alias("shared", "basket", "shop/orders", OURS);
const unmarked_basket_toCart = alias("shared", "basket", "shop/cart", "");
const unmarked_legacy_toCart = alias("shared", "legacy", "shop/cart", "made by hand");
const otherSource_legacy_toCart = alias("shared", "legacy", "shop/cart", OTHER_SOURCE);
const theirs_basket_toOrders = alias("shared", "basket", "shop/orders", "made by hand");
const theirs_trolley_toOrders = alias("shared", "trolley", "shop/orders", "");

const wantBasket: AliasIntent = { kind: "alias", aliasNamespace: "shared", alias: "basket" };
const wantTrolley: AliasIntent = { kind: "alias", aliasNamespace: "shared", alias: "trolley" };
const none: AliasIntent = { kind: "none" };
const invalid: AliasIntent = { kind: "invalid", message: "alias annotations must come in pairs" };

interface Row {
  readonly name: string;
  readonly intent: AliasIntent;
  readonly pointing: readonly AliasRecord[];
  readonly occupant: AliasRecord | undefined;
  /** The occupant's service still asks for the alias (default false). */
  readonly occupantClaimed?: boolean;
  readonly expect: AliasPlan;
}

const table: readonly Row[] = [
  {
    name: "create when the name is free",
    intent: wantBasket,
    pointing: [],
    occupant: undefined,
    expect: { deletes: [], create: { alias: "basket", aliasNamespace: "shared" } },
  },
  {
    name: "idempotent: our alias already in place → nothing",
    intent: wantBasket,
    pointing: [ours_basket_toCart],
    occupant: ours_basket_toCart,
    expect: { deletes: [] },
  },
  {
    name: "adopt: an unmarked alias already points to us → no write",
    intent: wantBasket,
    pointing: [unmarked_basket_toCart],
    occupant: unmarked_basket_toCart,
    expect: { deletes: [] },
  },
  {
    name: "repoint our own alias that points elsewhere",
    intent: wantBasket,
    pointing: [],
    occupant: ours_basket_toOrders,
    expect: { deletes: [], repoint: { alias: "basket", aliasNamespace: "shared" } },
  },
  {
    name: "two Services ask for one alias: the one holding it keeps it, the other has a conflict",
    intent: wantBasket,
    pointing: [],
    occupant: ours_basket_toOrders,
    occupantClaimed: true,
    expect: {
      deletes: [],
      conflict:
        'alias "shared/basket" is asked for by "shop/orders" too, which holds it first; it stays there',
    },
  },
  {
    name: "moving to an alias another Service holds and asks for: our old alias stays",
    intent: wantBasket,
    pointing: [ours_trolley_toCart],
    occupant: ours_basket_toOrders,
    occupantClaimed: true,
    expect: {
      deletes: [],
      conflict:
        'alias "shared/basket" is asked for by "shop/orders" too, which holds it first; it stays there',
    },
  },
  {
    name: "moving to our alias whose Service no longer asks for it: old deleted, repointed",
    intent: wantBasket,
    pointing: [ours_trolley_toCart],
    occupant: ours_basket_toOrders,
    occupantClaimed: false,
    expect: {
      deletes: [ours_trolley_toCart],
      repoint: { alias: "basket", aliasNamespace: "shared" },
    },
  },
  {
    name: "foreign owner: someone else's alias holds the name → conflict, never overwritten",
    intent: wantBasket,
    pointing: [],
    occupant: theirs_basket_toOrders,
    expect: {
      deletes: [],
      conflict:
        'alias "shared/basket" already points to "shop/orders" and was not created by this controller; left untouched',
    },
  },
  {
    name: "foreign owner: another source's marker is not ours",
    intent: wantBasket,
    pointing: [],
    occupant: alias("shared", "basket", "shop/orders", OTHER_SOURCE),
    expect: {
      deletes: [],
      conflict:
        'alias "shared/basket" already points to "shop/orders" and was not created by this controller; left untouched',
    },
  },
  {
    name: "annotation moves to a new name: delete our old alias, create the new one",
    intent: wantTrolley,
    pointing: [ours_basket_toCart],
    occupant: undefined,
    expect: {
      deletes: [ours_basket_toCart],
      create: { alias: "trolley", aliasNamespace: "shared" },
    },
  },
  {
    name: "annotation moves to another alias namespace: the old one is deleted",
    intent: wantBasket,
    pointing: [ours_basketInLegacyNs_toCart],
    occupant: undefined,
    expect: {
      deletes: [ours_basketInLegacyNs_toCart],
      create: { alias: "basket", aliasNamespace: "shared" },
    },
  },
  {
    name: "annotation moves back to a name we still hold: only the other one is deleted",
    intent: wantBasket,
    pointing: [ours_basket_toCart, ours_trolley_toCart],
    occupant: ours_basket_toCart,
    expect: { deletes: [ours_trolley_toCart] },
  },
  {
    // Check first, then move: the old alias keeps working until the new name can be taken.
    name: "annotation moves to a name someone else holds: the old one stays, conflict reported",
    intent: wantTrolley,
    pointing: [ours_basket_toCart],
    occupant: theirs_trolley_toOrders,
    expect: {
      deletes: [],
      conflict:
        'alias "shared/trolley" already points to "shop/orders" and was not created by this controller; left untouched',
    },
  },
  {
    name: "annotations removed: delete our alias",
    intent: none,
    pointing: [ours_basket_toCart],
    occupant: undefined,
    expect: { deletes: [ours_basket_toCart] },
  },
  {
    name: "annotations removed: never delete a non-marked alias",
    intent: none,
    pointing: [unmarked_basket_toCart, unmarked_legacy_toCart, otherSource_legacy_toCart],
    occupant: undefined,
    expect: { deletes: [] },
  },
  {
    name: "annotations removed: only the marked alias among several goes",
    intent: none,
    pointing: [unmarked_legacy_toCart, ours_basket_toCart, otherSource_legacy_toCart],
    occupant: undefined,
    expect: { deletes: [ours_basket_toCart] },
  },
  {
    name: "new name wanted while a non-marked alias points to us: it stays",
    intent: wantTrolley,
    pointing: [unmarked_legacy_toCart],
    occupant: undefined,
    expect: { deletes: [], create: { alias: "trolley", aliasNamespace: "shared" } },
  },
  {
    name: "no annotations, no aliases → nothing",
    intent: none,
    pointing: [],
    occupant: undefined,
    expect: { deletes: [] },
  },
  {
    name: "invalid intent changes nothing, not even our alias",
    intent: invalid,
    pointing: [ours_basket_toCart, ours_trolley_toCart],
    occupant: undefined,
    expect: { deletes: [] },
  },
  {
    name: "invalid intent does not repoint or report a conflict",
    intent: invalid,
    pointing: [],
    occupant: theirs_basket_toOrders,
    expect: { deletes: [] },
  },
];

for (const row of table) {
  Deno.test(`planAlias() table: ${row.name}`, () => {
    const plan = planAlias({
      target: TARGET,
      intent: row.intent,
      pointing: row.pointing,
      occupant: row.occupant,
      marker: OURS,
      occupantClaimed: row.occupantClaimed ?? false,
    });
    assert.deepStrictEqual(plan, row.expect);
  });
}

Deno.test("aliasMarker() differs per source, so one controller never deletes another's alias", () => {
  assert.deepStrictEqual(aliasMarker("a") === aliasMarker("b"), false);
  assert.deepStrictEqual(aliasMarker("a"), aliasMarker("a"));
});
