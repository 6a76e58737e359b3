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
  } as unknown as Pick<PolarisApi, "listOwnedServices" | "listAliases">;
  const listing = await listSweepKeys(api, ["a", "b"], "pc");
  assert.deepStrictEqual(asked, ["a", "b"]);
  assert.deepStrictEqual([...listing.keys].sort(), ["shop/aliased", "shop/cart", "shop/old"]);
  assert.deepStrictEqual([...listing.aliased], ["shop/aliased"]);
});

Deno.test("listSweepKeys() rejects when a listing fails: nothing is taken as none", async () => {
  const api = {
    listOwnedServices: () => Promise.reject(new Error("503")),
    listAliases: () => Promise.resolve([]),
  } as unknown as Pick<PolarisApi, "listOwnedServices" | "listAliases">;
  let failed = false;
  try {
    await listSweepKeys(api, ["a"], "pc");
  } catch {
    failed = true;
  }
  assert.deepStrictEqual(failed, true);
});
