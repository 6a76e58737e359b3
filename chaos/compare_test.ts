import assert from "node:assert/strict";
import { compareRegistry, type ForeignBaseline } from "./compare.ts";
import type { Expectation, ExpectedInstance } from "./expectation.ts";
import type { ChaosOwner, PolarisInstance } from "./polaris_objects.ts";

const owner: ChaosOwner = {
  clusterNames: ["a", "b"],
  source: "polaris-controller",
  aliasMarker: "managed by polaris-k8s-sync",
};
const noForeign: ForeignBaseline = { instances: [], aliases: [] };

const wanted: ExpectedInstance = {
  namespace: "shop",
  service: "cart",
  host: "10.0.0.1",
  port: 8080,
  protocol: "http/TCP",
  version: "",
  weight: 100,
  healthy: true,
  isolate: false,
  metadata: { clusterName: "a", source: "polaris-controller", k8s_namespace: "shop" },
};

function held(expected: ExpectedInstance, patch: Partial<PolarisInstance> = {}): PolarisInstance {
  return {
    id: `${expected.host}:${expected.port}`,
    revision: "r1",
    enableHealthCheck: false,
    ...expected,
    ...patch,
  };
}

function expecting(instances: ExpectedInstance[], aliases: [string, string][] = []): Expectation {
  const byService = new Map<string, Map<string, ExpectedInstance>>();
  for (const i of instances) {
    const key = `${i.namespace}/${i.service}`;
    byService.set(key, (byService.get(key) ?? new Map()).set(`${i.host}:${i.port}`, i));
  }
  return { instances: byService, aliases: new Map(aliases), conflicts: [] };
}

Deno.test("compareRegistry() finds nothing when Polaris holds exactly what is wanted", () => {
  const result = compareRegistry(
    expecting([wanted]),
    {
      instances: [held(wanted)],
      aliases: [],
    },
    owner,
    noForeign,
  );
  assert.deepStrictEqual(result.findings, []);
});

Deno.test("compareRegistry() counts lost, leaked, duplicate and wrong fields", () => {
  const other = { ...wanted, host: "10.0.0.2" };
  const leaked = { ...wanted, host: "10.0.0.9" };
  const result = compareRegistry(
    expecting([wanted, other]),
    {
      instances: [
        held(wanted, { weight: 5, isolate: true }),
        held(wanted, { id: "dup" }),
        held(leaked),
        // Hidden console keys never count: the listing leaves them out.
        held({ ...leaked, host: "10.0.0.8" }, { metadata: { clusterName: "x", source: "y" } }),
      ],
      aliases: [],
    },
    owner,
    noForeign,
  );
  assert.deepStrictEqual(result.counts, {
    lost: 1,
    leaked: 1,
    wrongful: 0,
    duplicates: 1,
    wrongFields: 1,
    aliasLost: 0,
    aliasLeaked: 0,
  });
  assert.match(result.findings.find((f) => f.kind === "wrongFields")!.detail, /weight.*isolate/);
});

Deno.test("compareRegistry() counts a foreign instance changed or deleted as wrongful, never leaked", () => {
  const foreign = held(
    { ...wanted, host: "192.168.0.1", metadata: { clusterName: "someone-else" } },
    { id: "f1" },
  );
  const gone = held({ ...foreign, host: "192.168.0.2" }, { id: "f2" });
  const baseline: ForeignBaseline = { instances: [foreign, gone], aliases: [] };
  const result = compareRegistry(
    expecting([]),
    {
      instances: [{ ...foreign, revision: "r2", weight: 0 }],
      aliases: [],
    },
    owner,
    baseline,
  );
  assert.deepStrictEqual(result.counts.wrongful, 2);
  assert.deepStrictEqual(result.counts.leaked, 0);
  const untouched = compareRegistry(expecting([]), { instances: [foreign], aliases: [] }, owner, {
    instances: [foreign],
    aliases: [],
  });
  assert.deepStrictEqual(untouched.findings, []);
});

Deno.test("compareRegistry() judges aliases: wanted, ours not wanted, a foreign one kept", () => {
  const foreignAlias = {
    alias: "taken",
    aliasNamespace: "x",
    namespace: "other",
    service: "svc",
    comment: "",
  };
  const ours = (alias: string, service: string) => ({
    alias,
    aliasNamespace: "x",
    namespace: "shop",
    service,
    comment: "managed by polaris-k8s-sync (source=polaris-controller)",
  });
  const result = compareRegistry(
    expecting([], [["x/a1", "shop/cart"], ["x/a2", "shop/cart"], ["x/taken", "shop/cart"]]),
    {
      instances: [],
      aliases: [ours("a1", "cart"), ours("a3", "cart"), foreignAlias, ours("a2", "other")],
    },
    owner,
    { instances: [], aliases: [foreignAlias] },
  );
  assert.deepStrictEqual(
    result.findings.map((f) => [f.kind, f.key]),
    [["aliasLost", "x/a2"], ["aliasLeaked", "x/a3"]],
  );
});
