import { assertEquals } from "../domain/_assert.ts";
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
  assertEquals(asked, ["a", "b"]);
  assertEquals([...listing.keys].sort(), ["shop/aliased", "shop/cart", "shop/old"]);
  assertEquals([...listing.aliased], ["shop/aliased"]);
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
  assertEquals(failed, true);
});
