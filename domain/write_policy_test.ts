import assert from "node:assert/strict";
import { planService } from "./plan.ts";
import { desiredInstance, listedInstance } from "./_fixtures.ts";
import type { DesiredInstance, RegisteredInstance } from "./polaris.ts";
import { applyAliasPolicy, applyWritePolicy, mayDelete, mayUpdate } from "./write_policy.ts";

const OWNER = { clusterNames: ["a"], source: "polaris-controller" };
function desired(host: string, weight = 100): DesiredInstance {
  return desiredInstance(host, { weight });
}

function registered(host: string, weight = 100): RegisteredInstance {
  return { ...listedInstance(host), weight };
}

// One create (new), one update (weight), one delete (gone).
const PLAN = planService({
  desired: [desired("10.0.0.1"), desired("10.0.0.2", 50)],
  registered: [registered("10.0.0.2"), registered("10.0.0.3")],
  owner: OWNER,
  deletesAllowed: true,
});

Deno.test("applyWritePolicy() scenario table: what each policy keeps and what it turns into skips", () => {
  const rows = [
    { policy: "sync", creates: 1, updates: 1, deletes: 1, skipped: [] },
    {
      policy: "upsert-only",
      creates: 1,
      updates: 1,
      deletes: 0,
      skipped: ["10.0.0.3:8080 delete not made: --policy upsert-only"],
    },
    {
      policy: "create-only",
      creates: 1,
      updates: 0,
      deletes: 0,
      skipped: [
        "10.0.0.2:8080 update of weight not made: --policy create-only",
        "10.0.0.3:8080 delete not made: --policy create-only",
      ],
    },
  ] as const;
  for (const row of rows) {
    const plan = applyWritePolicy(PLAN, row.policy);
    assert.deepStrictEqual(
      [plan.creates.length, plan.updates.length, plan.deletes.length],
      [row.creates, row.updates, row.deletes],
      row.policy,
    );
    assert.deepStrictEqual(plan.skipped.map((s) => `${s.key} ${s.reason}`), row.skipped);
  }
  assert.equal(applyWritePolicy(PLAN, "sync"), PLAN, "sync changes nothing");
  assert.deepStrictEqual(
    [mayUpdate("sync"), mayUpdate("upsert-only"), mayUpdate("create-only")],
    [true, true, false],
  );
  assert.deepStrictEqual(
    [mayDelete("sync"), mayDelete("upsert-only"), mayDelete("create-only")],
    [true, false, false],
  );
});

Deno.test("applyAliasPolicy(): upsert-only keeps a repoint and drops deletes; create-only keeps creates only", () => {
  const old = {
    alias: "old",
    aliasNamespace: "shop",
    service: "cart",
    namespace: "shop",
    comment: "",
  };
  const plan = {
    create: { alias: "new", aliasNamespace: "shop" },
    repoint: { alias: "moved", aliasNamespace: "shop" },
    deletes: [old],
  };
  assert.deepStrictEqual(applyAliasPolicy(plan, "sync"), plan);
  assert.deepStrictEqual(applyAliasPolicy(plan, "upsert-only"), { ...plan, deletes: [] });
  assert.deepStrictEqual(applyAliasPolicy(plan, "create-only"), {
    create: plan.create,
    deletes: [],
  });
});
