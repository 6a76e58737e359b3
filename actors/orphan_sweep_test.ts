import assert from "node:assert/strict";
import { aliasMarker } from "../domain/plan_alias.ts";
import { listSweepKeys } from "./orphan_sweep.ts";
import type { PolarisApi } from "./polaris_api.ts";

Deno.test("listSweepKeys() gathers owned services per cluster and the targets of our aliases", async () => {
  const asked: string[] = [];
  const api = {
    listOwnedServices: ({ clusterName }: { clusterName: string }) => {
      asked.push(clusterName);
      return Promise.resolve(
        clusterName === "a"
          ? [{ namespace: "shop", service: "cart" }]
          : [{ namespace: "shop", service: "cart" }, { namespace: "shop", service: "old" }],
      );
    },
    listAliases: () =>
      Promise.resolve([
        {
          alias: "x",
          aliasNamespace: "n",
          namespace: "shop",
          service: "aliased",
          comment: aliasMarker("pc"),
        },
        {
          alias: "y",
          aliasNamespace: "n",
          namespace: "shop",
          service: "theirs",
          comment: "by hand",
        },
      ]),
  } as unknown as Pick<PolarisApi, "listOwnedServices" | "listAliases" | "listNamespaces">;
  const listing = await listSweepKeys(api, ["a", "b"], "pc");
  assert.deepStrictEqual(asked, ["a", "b"]);
  assert.deepStrictEqual([...listing.keys].sort(), ["shop/aliased", "shop/cart", "shop/old"]);
  assert.deepStrictEqual([...listing.aliased], ["shop/aliased"]);
});

Deno.test("listSweepKeys() rejects when a listing fails: nothing is taken as none", async () => {
  const api = {
    listOwnedServices: () => Promise.reject(new Error("503")),
    listAliases: () => Promise.resolve([]),
  } as unknown as Pick<PolarisApi, "listOwnedServices" | "listAliases" | "listNamespaces">;
  let failed = false;
  try {
    await listSweepKeys(api, ["a"], "pc");
  } catch {
    failed = true;
  }
  assert.deepStrictEqual(failed, true);
});

Deno.test("listSweepKeys() with namespaces listed whole already asks only about the others, per cluster", async () => {
  const asked: string[] = [];
  const api = {
    listNamespaces: () =>
      Promise.resolve([{ name: "covered" }, { name: "left" }, { name: "gone" }]),
    listOwnedServices: (
      { clusterName, namespace }: { clusterName: string; namespace?: string },
    ) => {
      asked.push(`${clusterName} ${namespace ?? "(all)"}`);
      return Promise.resolve(
        namespace === "gone" && clusterName === "b" ? [{ namespace: "gone", service: "old" }] : [],
      );
    },
    listAliases: () => Promise.resolve([]),
  } as unknown as Pick<PolarisApi, "listOwnedServices" | "listAliases" | "listNamespaces">;
  const scope = { covered: new Set(["covered"]), ownedSeen: 1_000 };
  const listing = await listSweepKeys(api, ["a", "b"], "pc", scope);
  assert.deepStrictEqual(asked, ["a left", "b left", "a gone", "b gone"]);
  assert.deepStrictEqual([...listing.keys], ["gone/old"]);

  // More namespaces to ask about than a scan of every owned instance would read: a scan.
  asked.length = 0;
  await listSweepKeys(api, ["a", "b"], "pc", { covered: new Set(["covered"]), ownedSeen: 50 });
  assert.deepStrictEqual(asked, ["a (all)", "b (all)"]);
});
