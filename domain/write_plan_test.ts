import assert from "node:assert/strict";
import { aliasMarker } from "./plan_alias.ts";
import type { Tombstone } from "./phantoms.ts";
import { desiredInstance, listedInstance } from "./_fixtures.ts";
import { planWrites, type WritePlanInput } from "./write_plan.ts";

const owner = { clusterNames: ["a"], source: "polaris-controller" };
const MARK = aliasMarker("polaris-controller");

const desired = (host: string) => desiredInstance(host);
const listed = listedInstance;

function input(fields: Partial<WritePlanInput>): WritePlanInput {
  return {
    target: { namespace: "shop", service: "cart" },
    desired: [],
    read: [],
    owner,
    deletesAllowed: true,
    tombstone: () => undefined,
    ...fields,
  };
}

const summary = (i: WritePlanInput) => {
  const p = planWrites(i);
  return {
    namespaces: p.namespaces,
    services: p.services.map((s) => `${s.namespace}/${s.name}`),
    creates: p.instances.creates.map((c) => c.host),
    deletes: p.instances.deletes.map((d) => d.host),
    phantoms: p.phantoms.map((x) => x.host),
    purge: p.purge.map((x) => x.host),
    alias: p.aliases.create ?? p.aliases.repoint ?? null,
  };
};

const ROWS: readonly { name: string; input: WritePlanInput; expect: ReturnType<typeof summary> }[] =
  [
    {
      name: "nothing wanted, nothing held: nothing to write or create",
      input: input({}),
      expect: {
        namespaces: [],
        services: [],
        creates: [],
        deletes: [],
        phantoms: [],
        purge: [],
        alias: null,
      },
    },
    {
      name: "an instance to create needs its namespace and service",
      input: input({ desired: [desired("10.0.0.1")] }),
      expect: {
        namespaces: ["shop"],
        services: ["shop/cart"],
        creates: ["10.0.0.1"],
        deletes: [],
        phantoms: [],
        purge: [],
        alias: null,
      },
    },
    {
      name: "an alias in another namespace needs both namespaces and the service",
      input: input({
        desired: [desired("10.0.0.1")],
        read: [listed("10.0.0.1")],
        alias: {
          intent: { kind: "alias", alias: "basket", aliasNamespace: "shared" },
          pointing: [],
          occupant: undefined,
          marker: MARK,
        },
      }),
      expect: {
        namespaces: ["shop", "shared"],
        services: ["shop/cart"],
        creates: [],
        deletes: [],
        phantoms: [],
        purge: [],
        alias: { alias: "basket", aliasNamespace: "shared" },
      },
    },
    {
      name: "a phantom of ours is left out and purged; a live one not wanted is deleted",
      input: input({
        read: [listed("10.0.0.1", "r1"), listed("10.0.0.2", "r5")],
        tombstone: (key): Tombstone | undefined =>
          key === "shop/cart/10.0.0.1:8080" ? { revision: "r1", purged: false } : undefined,
      }),
      expect: {
        namespaces: [],
        services: [],
        creates: [],
        deletes: ["10.0.0.2"],
        phantoms: ["10.0.0.1"],
        purge: ["10.0.0.1"],
        alias: null,
      },
    },
    {
      name: "a phantom wanted again is created, not purged",
      input: input({
        desired: [desired("10.0.0.1")],
        read: [listed("10.0.0.1", "r1")],
        tombstone: () => ({ revision: "r1", purged: false }),
      }),
      expect: {
        namespaces: ["shop"],
        services: ["shop/cart"],
        creates: ["10.0.0.1"],
        deletes: [],
        phantoms: ["10.0.0.1"],
        purge: [],
        alias: null,
      },
    },
    {
      name: "before every cluster has listed, nothing is deleted",
      input: input({ read: [listed("10.0.0.2")], deletesAllowed: false }),
      expect: {
        namespaces: [],
        services: [],
        creates: [],
        deletes: [],
        phantoms: [],
        purge: [],
        alias: null,
      },
    },
  ];

for (const row of ROWS) {
  Deno.test(`planWrites(): ${row.name}`, () => {
    assert.deepStrictEqual(summary(row.input), row.expect);
  });
}
