import fc from "fast-check";
import assert from "node:assert/strict";
import { instanceKey } from "./keys.ts";
import { changedFields, isEmptyPlan, isOwned, planService, type ServicePlan } from "./plan.ts";
import {
  type DesiredInstance,
  HIDDEN_METADATA_KEYS,
  type Owner,
  type RegisteredInstance,
} from "./polaris.ts";

const A = "cluster-a";
const B = "cluster-b";
const C = "cluster-c";
const SOURCE = "polaris-controller";
const ownerA: Owner = { clusterNames: [A], source: SOURCE };
const ownerAB: Owner = { clusterNames: [A, B], source: SOURCE };

// ---------------------------------------------------------------------------------------------
// Fixtures, named by what sets them apart.

function desired(
  host: string,
  port: number,
  cluster: string,
  fields: Partial<DesiredInstance> = {},
): DesiredInstance {
  return {
    namespace: "shop",
    service: "cart",
    host,
    port,
    protocol: "http/TCP",
    version: "v1",
    weight: 100,
    healthy: true,
    isolate: false,
    ...fields,
    metadata: {
      app: "cart",
      k8s_namespace: "shop",
      k8s_service: "cart",
      clusterName: cluster,
      source: SOURCE,
      ...fields.metadata,
    },
  };
}

/** The Polaris instance id of a desired instance (a readable stand-in for the real sha1). */
function idOf(i: { namespace: string; service: string; host: string; port: number }): string {
  return `${i.namespace}##${i.service}##${i.host}##${i.port}`;
}

/** A desired instance as the Polaris console lists it once written: hidden keys stripped. */
function listed(d: DesiredInstance, fields: Partial<RegisteredInstance> = {}): RegisteredInstance {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata)) {
    if (!HIDDEN_METADATA_KEYS.has(k)) metadata[k] = v;
  }
  return {
    id: idOf(d),
    namespace: d.namespace,
    service: d.service,
    host: d.host,
    port: d.port,
    protocol: d.protocol,
    version: d.version,
    weight: d.weight,
    healthy: d.healthy,
    isolate: d.isolate,
    enableHealthCheck: false,
    vpcId: "",
    metadata,
    ...fields,
  };
}

const podA_clusterA = desired("10.0.0.1", 8080, A);
const podA_notReady_clusterA = desired("10.0.0.1", 8080, A, { isolate: true });
const podA_weight50_clusterA = desired("10.0.0.1", 8080, A, { weight: 50 });
const podA_grpc_clusterA = desired("10.0.0.1", 8080, A, { protocol: "grpc/TCP" });
const podA_v2_clusterA = desired("10.0.0.1", 8080, A, { version: "v2" });
const podA_teamLabel_clusterA = desired("10.0.0.1", 8080, A, { metadata: { team: "payments" } });
const podA_hiddenKeys_clusterA = desired("10.0.0.1", 8080, A, {
  metadata: { version: "v1", protocol: "http", region: "r1", zone: "z1", campus: "c1" },
});
const podA_clusterB = desired("10.0.0.1", 8080, B);
const podA_clusterC = desired("10.0.0.1", 8080, C);
const podB_clusterA = desired("10.0.0.2", 8080, A);
const podB_clusterB = desired("10.0.0.2", 8080, B);
const podC_clusterA = desired("10.0.0.3", 8080, A);
const podA_grpcPort_clusterA = desired("10.0.0.1", 9090, A);
const podV6_clusterA = desired("fd00::1", 8080, A);

const reg_podA_clusterA = listed(podA_clusterA);
const reg_podA_clusterB = listed(podA_clusterB);
const reg_podA_clusterC = listed(podA_clusterC);
const reg_podB_clusterA = listed(podB_clusterA);
const reg_podV6_clusterA = listed(podV6_clusterA);
const reg_podA_unhealthy_clusterA = listed(podA_clusterA, { healthy: false });
const reg_podA_healthCheck_clusterA = listed(podA_clusterA, { enableHealthCheck: true });
const reg_podA_foreignKey_clusterA = listed(podA_clusterA, {
  metadata: { ...reg_podA_clusterA.metadata, addedByHand: "yes" },
});
const reg_podA_otherSource = listed(podA_clusterA, {
  metadata: { ...reg_podA_clusterA.metadata, source: "someone-else" },
});
const reg_podB_otherSource = listed(podB_clusterA, {
  metadata: { ...reg_podB_clusterA.metadata, source: "someone-else" },
});
const reg_podA_vpc_clusterA = listed(podA_clusterA, {
  id: "vpc-1##" + idOf(podA_clusterA),
  vpcId: "vpc-1",
});
const reg_podB_vpc_clusterA = listed(podB_clusterA, {
  id: "vpc-1##" + idOf(podB_clusterA),
  vpcId: "vpc-1",
});
const reg_podB_noMetadata = listed(podB_clusterA, { metadata: {} });
const reg_podB_clusterC = listed(desired("10.0.0.2", 8080, C));

// ---------------------------------------------------------------------------------------------
// The scenario table.

interface Expect {
  readonly creates?: readonly string[];
  readonly updates?: readonly (readonly [string, readonly string[]])[];
  readonly deletes?: readonly string[];
  readonly conflicts?: readonly (readonly [string, "foreign-owner" | "cross-cluster"])[];
  readonly skipped?: readonly string[];
}

interface Row {
  readonly name: string;
  readonly desired: readonly DesiredInstance[];
  readonly registered: readonly RegisteredInstance[];
  readonly owner: Owner;
  /** Defaults to true (every cluster source has listed). */
  readonly deletesAllowed?: boolean;
  readonly expect: Expect;
}

const table: readonly Row[] = [
  {
    name: "idempotent: registered = desired → empty plan",
    desired: [podA_clusterA, podB_clusterA, podV6_clusterA],
    registered: [reg_podA_clusterA, reg_podB_clusterA, reg_podV6_clusterA],
    owner: ownerA,
    expect: {},
  },
  {
    name: "idempotent across two of our clusters",
    desired: [podA_clusterA, podB_clusterB],
    registered: [reg_podA_clusterA, listed(podB_clusterB)],
    owner: ownerAB,
    expect: {},
  },
  {
    name: "nothing desired, nothing registered",
    desired: [],
    registered: [],
    owner: ownerA,
    expect: {},
  },
  {
    name: "create what Polaris lacks",
    desired: [podA_clusterA, podB_clusterA],
    registered: [reg_podA_clusterA],
    owner: ownerA,
    expect: { creates: ["10.0.0.2:8080"] },
  },
  {
    name: "create another port of a registered host",
    desired: [podA_clusterA, podA_grpcPort_clusterA],
    registered: [reg_podA_clusterA],
    owner: ownerA,
    expect: { creates: ["10.0.0.1:9090"] },
  },
  {
    name: "update weight",
    desired: [podA_weight50_clusterA],
    registered: [reg_podA_clusterA],
    owner: ownerA,
    expect: { updates: [["10.0.0.1:8080", ["weight"]]] },
  },
  {
    name: "update isolate",
    desired: [podA_notReady_clusterA],
    registered: [reg_podA_clusterA],
    owner: ownerA,
    expect: { updates: [["10.0.0.1:8080", ["isolate"]]] },
  },
  {
    name: "update healthy",
    desired: [podA_clusterA],
    registered: [reg_podA_unhealthy_clusterA],
    owner: ownerA,
    expect: { updates: [["10.0.0.1:8080", ["healthy"]]] },
  },
  {
    name: "update enableHealthCheck (we never heartbeat)",
    desired: [podA_clusterA],
    registered: [reg_podA_healthCheck_clusterA],
    owner: ownerA,
    expect: { updates: [["10.0.0.1:8080", ["enableHealthCheck"]]] },
  },
  {
    name: "update protocol",
    desired: [podA_grpc_clusterA],
    registered: [reg_podA_clusterA],
    owner: ownerA,
    expect: { updates: [["10.0.0.1:8080", ["protocol"]]] },
  },
  {
    name: "update version",
    desired: [podA_v2_clusterA],
    registered: [reg_podA_clusterA],
    owner: ownerA,
    expect: { updates: [["10.0.0.1:8080", ["version"]]] },
  },
  {
    name: "update metadata: a label added",
    desired: [podA_teamLabel_clusterA],
    registered: [reg_podA_clusterA],
    owner: ownerA,
    expect: { updates: [["10.0.0.1:8080", ["metadata"]]] },
  },
  {
    name: "update metadata: a label removed",
    desired: [podA_clusterA],
    registered: [listed(podA_teamLabel_clusterA)],
    owner: ownerA,
    expect: { updates: [["10.0.0.1:8080", ["metadata"]]] },
  },
  {
    name: "update metadata: a foreign key added by hand to our instance",
    desired: [podA_clusterA],
    registered: [reg_podA_foreignKey_clusterA],
    owner: ownerA,
    expect: { updates: [["10.0.0.1:8080", ["metadata"]]] },
  },
  {
    name: "update lists every changed field, in a fixed order",
    desired: [desired("10.0.0.1", 8080, A, { weight: 5, isolate: true, version: "v9" })],
    registered: [listed(podA_grpc_clusterA, { healthy: false, enableHealthCheck: true })],
    owner: ownerA,
    expect: {
      updates: [[
        "10.0.0.1:8080",
        ["weight", "isolate", "healthy", "enableHealthCheck", "protocol", "version"],
      ]],
    },
  },
  {
    name: "hidden console keys in desired metadata → no update",
    desired: [podA_hiddenKeys_clusterA],
    registered: [listed(podA_hiddenKeys_clusterA)],
    owner: ownerA,
    expect: {},
  },
  {
    name: "hidden console keys the server did return → still no update",
    desired: [podA_clusterA],
    registered: [
      listed(podA_clusterA, { metadata: { ...reg_podA_clusterA.metadata, zone: "z9" } }),
    ],
    owner: ownerA,
    expect: {},
  },
  {
    name: "delete an owned instance nobody desires",
    desired: [podA_clusterA],
    registered: [reg_podA_clusterA, reg_podB_clusterA],
    owner: ownerA,
    expect: { deletes: ["10.0.0.2:8080"] },
  },
  {
    name: "delete every owned instance when the Service has no endpoints",
    desired: [],
    registered: [reg_podA_clusterA, reg_podB_clusterA, reg_podB_clusterC],
    owner: ownerA,
    expect: { deletes: ["10.0.0.1:8080", "10.0.0.2:8080"] },
  },
  {
    name: "foreign owner: another source's instance is never deleted",
    desired: [],
    registered: [reg_podB_otherSource],
    owner: ownerA,
    expect: {},
  },
  {
    name: "foreign owner: another cluster's instance is never deleted",
    desired: [],
    registered: [reg_podB_clusterC],
    owner: ownerA,
    expect: {},
  },
  {
    name: "foreign owner: an instance with a vpc_id is never deleted",
    desired: [],
    registered: [reg_podB_vpc_clusterA],
    owner: ownerA,
    expect: {},
  },
  {
    name: "foreign owner: an instance without metadata is never deleted",
    desired: [],
    registered: [reg_podB_noMetadata],
    owner: ownerA,
    expect: {},
  },
  {
    name: "deletes held while a cluster source has not listed; creates and updates go on",
    desired: [podA_weight50_clusterA, podC_clusterA],
    registered: [reg_podA_clusterA, reg_podB_clusterA, reg_podV6_clusterA, reg_podB_clusterC],
    owner: ownerA,
    deletesAllowed: false,
    expect: {
      creates: ["10.0.0.3:8080"],
      updates: [["10.0.0.1:8080", ["weight"]]],
      skipped: ["10.0.0.2:8080", "fd00::1:8080"],
    },
  },
  {
    name: "foreign owner: desired host:port registered by another cluster → conflict",
    desired: [podA_clusterA, podB_clusterA],
    registered: [reg_podA_clusterC],
    owner: ownerA,
    expect: { creates: ["10.0.0.2:8080"], conflicts: [["10.0.0.1:8080", "foreign-owner"]] },
  },
  {
    name: "foreign owner: desired host:port registered by another source → conflict",
    desired: [podA_clusterA],
    registered: [reg_podA_otherSource],
    owner: ownerA,
    expect: { conflicts: [["10.0.0.1:8080", "foreign-owner"]] },
  },
  {
    name: "foreign owner: desired host:port registered with a vpc_id → conflict",
    desired: [podA_clusterA],
    registered: [reg_podA_vpc_clusterA],
    owner: ownerA,
    expect: { conflicts: [["10.0.0.1:8080", "foreign-owner"]] },
  },
  {
    name: "foreign owner: cluster-b is foreign to a controller that syncs only cluster-a",
    desired: [podA_clusterA],
    registered: [reg_podA_clusterB],
    owner: ownerA,
    expect: { conflicts: [["10.0.0.1:8080", "foreign-owner"]] },
  },
  {
    name: "our instance and a vpc_id one on the same host:port: ours is managed",
    desired: [podA_weight50_clusterA],
    registered: [reg_podA_vpc_clusterA, reg_podA_clusterA],
    owner: ownerA,
    expect: { updates: [["10.0.0.1:8080", ["weight"]]] },
  },
  {
    name: "cross-cluster: same host:port desired by two of our clusters → neither written",
    desired: [podA_clusterA, podA_clusterB, podB_clusterA],
    registered: [],
    owner: ownerAB,
    expect: { creates: ["10.0.0.2:8080"], conflicts: [["10.0.0.1:8080", "cross-cluster"]] },
  },
  {
    name: "cross-cluster: the existing instance is neither updated nor deleted",
    desired: [podA_weight50_clusterA, podA_clusterB],
    registered: [reg_podA_clusterA],
    owner: ownerAB,
    expect: { conflicts: [["10.0.0.1:8080", "cross-cluster"]] },
  },
  {
    name: "two of our clusters: an instance moves from cluster-a to cluster-b → update",
    desired: [podA_clusterB],
    registered: [reg_podA_clusterA],
    owner: ownerAB,
    expect: { updates: [["10.0.0.1:8080", ["metadata"]]] },
  },
  {
    name: "sorted output whatever the input order",
    desired: [podV6_clusterA, podC_clusterA, podA_weight50_clusterA, podA_grpcPort_clusterA],
    registered: [reg_podB_clusterA, reg_podA_clusterA, reg_podA_clusterC],
    owner: ownerA,
    expect: {
      creates: ["10.0.0.1:9090", "10.0.0.3:8080", "fd00::1:8080"],
      updates: [["10.0.0.1:8080", ["weight"]]],
      deletes: ["10.0.0.2:8080"],
    },
  },
];

function summary(plan: ServicePlan): Required<Expect> {
  return {
    creates: plan.creates.map((d) => instanceKey(d.host, d.port)),
    updates: plan.updates.map((u) => [instanceKey(u.desired.host, u.desired.port), u.changed]),
    deletes: plan.deletes.map((r) => instanceKey(r.host, r.port)),
    conflicts: plan.conflicts.map((c) => [c.key, c.code]),
    skipped: plan.skipped.map((s) => s.key),
  };
}

for (const row of table) {
  Deno.test(`planService() table: ${row.name}`, () => {
    const plan = planService({
      desired: row.desired,
      registered: row.registered,
      owner: row.owner,
      deletesAllowed: row.deletesAllowed ?? true,
    });
    assert.deepStrictEqual(summary(plan), {
      creates: [],
      updates: [],
      deletes: [],
      conflicts: [],
      skipped: [],
      ...row.expect,
    });
    const writes = (row.expect.creates?.length ?? 0) + (row.expect.updates?.length ?? 0) +
      (row.expect.deletes?.length ?? 0);
    assert.deepStrictEqual(isEmptyPlan(plan), writes === 0);
  });
}

Deno.test("planService() creates the desired instance as is", () => {
  const plan = planService({
    desired: [podA_hiddenKeys_clusterA],
    registered: [],
    owner: ownerA,
    deletesAllowed: true,
  });
  assert.deepStrictEqual(plan.creates, [podA_hiddenKeys_clusterA]);
});

Deno.test("planService() updates carry the registered instance (its id) and the desired one", () => {
  const plan = planService({
    desired: [podA_clusterB],
    registered: [reg_podA_clusterA],
    owner: ownerAB,
    deletesAllowed: true,
  });
  assert.deepStrictEqual(plan.updates, [{
    desired: podA_clusterB,
    registered: reg_podA_clusterA,
    changed: ["metadata"],
  }]);
});

Deno.test("planService() deletes the registered instance itself, id included", () => {
  const plan = planService({
    desired: [],
    registered: [reg_podB_clusterA],
    owner: ownerA,
    deletesAllowed: true,
  });
  assert.deepStrictEqual(plan.deletes, [reg_podB_clusterA]);
});

Deno.test("planService() names who holds a conflicting host:port", () => {
  const foreign = planService({
    desired: [podA_clusterA],
    registered: [reg_podA_vpc_clusterA],
    owner: ownerA,
    deletesAllowed: true,
  }).conflicts[0].message;
  assert.ok(foreign.includes("10.0.0.1:8080"), foreign);
  assert.ok(foreign.includes('vpc_id="vpc-1"'), foreign);
  const cross = planService({
    desired: [podA_clusterB, podA_clusterA],
    registered: [],
    owner: ownerAB,
    deletesAllowed: true,
  }).conflicts[0].message;
  assert.ok(cross.includes('"cluster-a" and "cluster-b"'), cross);
});

Deno.test("planService() names the same holder whatever order Polaris listed them in", () => {
  const registered = [reg_podA_vpc_clusterA, reg_podA_clusterC];
  const messages = [registered, [...registered].reverse()].map((list) =>
    planService({ desired: [podA_clusterA], registered: list, owner: ownerA, deletesAllowed: true })
      .conflicts.map((c) => c.message)
  );
  assert.deepStrictEqual(messages[0], messages[1]);
  assert.ok(messages[0][0].includes('clusterName="cluster-c"'), messages[0][0]);
});

Deno.test("planService() says why a delete is held", () => {
  const plan = planService({
    desired: [],
    registered: [reg_podB_clusterA],
    owner: ownerA,
    deletesAllowed: false,
  });
  assert.deepStrictEqual(plan.deletes, []);
  assert.deepStrictEqual(plan.skipped.length, 1);
  assert.ok(plan.skipped[0].reason.includes("listed"), plan.skipped[0].reason);
  assert.ok(isEmptyPlan(plan), "a held delete is not a write");
});

interface OwnedRow {
  readonly name: string;
  readonly instance: RegisteredInstance;
  readonly owner: Owner;
  readonly expect: boolean;
}

const ownedTable: readonly OwnedRow[] = [
  { name: "our cluster and source", instance: reg_podA_clusterA, owner: ownerA, expect: true },
  { name: "second of our clusters", instance: reg_podA_clusterB, owner: ownerAB, expect: true },
  { name: "another cluster", instance: reg_podA_clusterB, owner: ownerA, expect: false },
  { name: "another source", instance: reg_podA_otherSource, owner: ownerA, expect: false },
  {
    name: "our metadata but a vpc_id",
    instance: reg_podA_vpc_clusterA,
    owner: ownerA,
    expect: false,
  },
  { name: "no metadata", instance: reg_podB_noMetadata, owner: ownerA, expect: false },
  {
    name: "our source without clusterName",
    instance: listed(podA_clusterA, { metadata: { source: SOURCE } }),
    owner: ownerA,
    expect: false,
  },
];

for (const row of ownedTable) {
  Deno.test(`isOwned() table: ${row.name}`, () => {
    assert.deepStrictEqual(isOwned(row.instance, row.owner), row.expect);
  });
}

Deno.test("changedFields() ignores only the hidden console keys", () => {
  for (const key of HIDDEN_METADATA_KEYS) {
    const d = desired("10.0.0.1", 8080, A, { metadata: { [key]: "x" } });
    assert.deepStrictEqual(changedFields(d, reg_podA_clusterA), [], key);
  }
  const d = desired("10.0.0.1", 8080, A, { metadata: { k8s_pod: "cart-1" } });
  assert.deepStrictEqual(changedFields(d, reg_podA_clusterA), ["metadata"]);
});

Deno.test("isOwned() reads polaris-controller's legacy platform key as its source marker", () => {
  const owner = { clusterNames: [A], source: SOURCE };
  const legacy = { ...reg_podA_clusterA, metadata: { clusterName: A, platform: SOURCE } };
  assert.equal(isOwned(legacy, owner), true);
  assert.equal(
    isOwned({ ...legacy, metadata: { clusterName: B, platform: SOURCE } }, owner),
    false,
    "another cluster's",
  );
  assert.equal(
    isOwned({ ...legacy, metadata: { clusterName: A, platform: "other" } }, owner),
    false,
    "another registrar's",
  );
});

Deno.test("changedFields() with a heartbeat TTL compares the check and its TTL, never healthy", () => {
  const d = desired("10.0.0.1", 8080, A, { healthy: false, healthCheckTtl: 10 });
  const checked = { ...reg_podA_clusterA, enableHealthCheck: true, healthCheckTtl: 10 };
  assert.deepStrictEqual(changedFields(d, { ...checked, healthy: true }), []);
  assert.deepStrictEqual(changedFields(d, { ...checked, healthy: false }), []);
  assert.deepStrictEqual(changedFields(d, { ...checked, healthCheckTtl: 5 }), ["healthCheck"]);
  assert.deepStrictEqual(changedFields(d, reg_podA_clusterA), ["healthCheck"]);
  // The annotation removed: the check goes, and healthy is ours again.
  const plain = desired("10.0.0.1", 8080, A);
  assert.deepStrictEqual(changedFields(plain, { ...checked, healthy: false }), [
    "healthy",
    "enableHealthCheck",
  ]);
});

// ---------------------------------------------------------------------------------------------
// Properties over arbitrary desired and registered sets, in small domains so keys collide.

const HOSTS = ["10.0.0.1", "10.0.0.2", "fd00::1"];
const PORTS = [80, 8080];
const CLUSTERS = [A, B, C];
const SOURCES = [SOURCE, "other-registrar"];
// Includes hidden console keys, which Polaris stores but never lists.
const META_KEYS = ["app", "team", "version", "zone"];

const arbOwner: fc.Arbitrary<Owner> = fc.record({
  clusterNames: fc.subarray(CLUSTERS, { minLength: 1 }),
  source: fc.constantFrom(...SOURCES),
});

const arbCommon = {
  host: fc.constantFrom(...HOSTS),
  port: fc.constantFrom(...PORTS),
  weight: fc.constantFrom(0, 100),
  isolate: fc.boolean(),
  protocol: fc.constantFrom("http/TCP", "grpc/TCP"),
  version: fc.constantFrom("", "v1"),
  extra: fc.dictionary(fc.constantFrom(...META_KEYS), fc.constantFrom("x", "y"), { maxKeys: 2 }),
};

/**
 * Desired instances of every cluster; at most one per cluster and host:port (as desiredInstances
 * gives).
 */
const arbDesiredRaw = fc.uniqueArray(
  fc.record({ cluster: fc.constantFrom(...CLUSTERS), ...arbCommon }),
  { selector: (d) => `${d.cluster}|${d.host}|${d.port}`, maxLength: 12 },
);

/** Registered instances: unique Polaris ids (host, port, vpc_id); owners of every kind. */
const arbRegistered: fc.Arbitrary<RegisteredInstance[]> = fc.uniqueArray(
  fc.record({
    ...arbCommon,
    vpcId: fc.constantFrom("", "", "vpc-1"),
    cluster: fc.option(fc.constantFrom(...CLUSTERS), { nil: undefined }),
    source: fc.option(fc.constantFrom(...SOURCES), { nil: undefined }),
    healthy: fc.boolean(),
    enableHealthCheck: fc.boolean(),
  }),
  { selector: (r) => `${r.host}|${r.port}|${r.vpcId}`, maxLength: 8 },
).map((list) =>
  list.map((r): RegisteredInstance => {
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.extra)) if (!HIDDEN_METADATA_KEYS.has(k)) metadata[k] = v;
    if (r.cluster !== undefined) metadata.clusterName = r.cluster;
    if (r.source !== undefined) metadata.source = r.source;
    const base = { namespace: "shop", service: "cart", host: r.host, port: r.port };
    return {
      ...base,
      id: r.vpcId === "" ? idOf(base) : `${r.vpcId}##${idOf(base)}`,
      protocol: r.protocol,
      version: r.version,
      weight: r.weight,
      healthy: r.healthy,
      isolate: r.isolate,
      enableHealthCheck: r.enableHealthCheck,
      vpcId: r.vpcId,
      metadata,
    };
  })
);

const arbScenario = fc.record({
  owner: arbOwner,
  desiredRaw: arbDesiredRaw,
  registered: arbRegistered,
}).map(({ owner, desiredRaw, registered }) => ({
  owner,
  registered,
  // A controller only desires instances of its own clusters, marked with its own source.
  desired: desiredRaw.filter((d) => owner.clusterNames.includes(d.cluster)).map((d) =>
    desired(d.host, d.port, d.cluster, {
      weight: d.weight,
      isolate: d.isolate,
      protocol: d.protocol,
      version: d.version,
      metadata: { ...d.extra, source: owner.source },
    })
  ),
}));

/** Metadata as the console lists it: the hidden keys never come back. */
function visible(metadata: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).filter(([k]) => !HIDDEN_METADATA_KEYS.has(k)));
}

/**
 * Ownership as sync-rules §1 states it, written out here so the properties do not trust isOwned().
 */
function ownedBySpec(r: RegisteredInstance, owner: Owner): boolean {
  return r.vpcId === "" && r.metadata.source === owner.source &&
    owner.clusterNames.some((c) => c === r.metadata.clusterName);
}

const keyOf = (i: { host: string; port: number }) => instanceKey(i.host, i.port);

/** The keys nobody may write, as sync-rules §2.7 states them. */
function conflictKeysBySpec(
  desiredList: readonly DesiredInstance[],
  registered: readonly RegisteredInstance[],
  owner: Owner,
): Set<string> {
  const clustersByKey = new Map<string, Set<string>>();
  for (const d of desiredList) {
    const set = clustersByKey.get(keyOf(d)) ?? new Set();
    set.add(d.metadata.clusterName);
    clustersByKey.set(keyOf(d), set);
  }
  const out = new Set<string>();
  for (const [key, clusters] of clustersByKey) {
    const here = registered.filter((r) => keyOf(r) === key);
    const heldByOthers = here.length > 0 && !here.some((r) => ownedBySpec(r, owner));
    if (clusters.size > 1 || heldByOthers) out.add(key);
  }
  return out;
}

/** Applies a plan the way Polaris would: creates add, updates replace, deletes remove. */
function apply(
  registered: readonly RegisteredInstance[],
  plan: ServicePlan,
): RegisteredInstance[] {
  const byId = new Map(registered.map((r) => [r.id, r]));
  for (const r of plan.deletes) {
    assert.ok(byId.get(r.id) === r, `delete of ${r.id}, which is not registered`);
    byId.delete(r.id);
  }
  for (const u of plan.updates) {
    assert.ok(
      byId.get(u.registered.id) === u.registered,
      `update of ${u.registered.id}, not registered`,
    );
    byId.set(u.registered.id, listed(u.desired, { id: u.registered.id }));
  }
  for (const d of plan.creates) {
    // Instance create is an upsert: a create over an existing id would overwrite it.
    assert.ok(!byId.has(idOf(d)), `create of ${idOf(d)} would overwrite a registered instance`);
    byId.set(idOf(d), listed(d));
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const byId = (list: readonly RegisteredInstance[]) =>
  [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

Deno.test("planService() property: applied, the owned part is exactly the desired set minus conflicts", () => {
  fc.assert(
    fc.property(arbScenario, ({ owner, desired: want, registered }) => {
      deepFreeze(want);
      deepFreeze(registered);
      const plan = planService({ desired: want, registered, owner, deletesAllowed: true });
      const conflictKeys = conflictKeysBySpec(want, registered, owner);
      assert.deepStrictEqual(
        new Set(plan.conflicts.map((c) => c.key)),
        conflictKeys,
        "conflict keys",
      );

      const applied = apply(registered, plan);
      const ownedAfter = applied.filter((r) => ownedBySpec(r, owner));
      const wanted = want.filter((d) => !conflictKeys.has(keyOf(d)));
      // Outside conflicts: one owned instance per desired key, equal in every managed field.
      assert.deepStrictEqual(
        ownedAfter.filter((r) => !conflictKeys.has(keyOf(r))).map(keyOf).sort(),
        wanted.map(keyOf).sort(),
        "owned keys outside conflicts",
      );
      for (const d of wanted) {
        const r = ownedAfter.find((r) => keyOf(r) === keyOf(d))!;
        const managed = (i: DesiredInstance | RegisteredInstance) => ({
          weight: i.weight,
          isolate: i.isolate,
          healthy: i.healthy,
          protocol: i.protocol,
          version: i.version,
          metadata: visible(i.metadata),
        });
        assert.deepStrictEqual(managed(r), managed(d), keyOf(d));
        assert.deepStrictEqual(r.enableHealthCheck, false, keyOf(d));
      }
      // At conflicting keys: what we owned before stays exactly as it was.
      const atConflicts = (list: readonly RegisteredInstance[]) =>
        byId(list.filter((r) => ownedBySpec(r, owner) && conflictKeys.has(keyOf(r))));
      assert.deepStrictEqual(
        atConflicts(applied),
        atConflicts(registered),
        "owned at conflicting keys",
      );
    }),
    { numRuns: 500 },
  );
});

Deno.test("planService() property: foreign instances are never updated or deleted", () => {
  fc.assert(
    fc.property(arbScenario, fc.boolean(), ({ owner, desired: want, registered }, allowed) => {
      const plan = planService({ desired: want, registered, owner, deletesAllowed: allowed });
      for (const u of plan.updates) assert.ok(ownedBySpec(u.registered, owner), "foreign update");
      for (const r of plan.deletes) assert.ok(ownedBySpec(r, owner), "foreign delete");
      const foreign = (list: readonly RegisteredInstance[]) =>
        byId(list.filter((r) => !ownedBySpec(r, owner)));
      assert.deepStrictEqual(foreign(apply(registered, plan)), foreign(registered));
    }),
    { numRuns: 500 },
  );
});

Deno.test("planService() property: a second plan against the applied result is empty", () => {
  fc.assert(
    fc.property(arbScenario, ({ owner, desired: want, registered }) => {
      const first = planService({ desired: want, registered, owner, deletesAllowed: true });
      const applied = apply(registered, first);
      const second = planService({
        desired: want,
        registered: applied,
        owner,
        deletesAllowed: true,
      });
      assert.ok(isEmptyPlan(second), `not converged: ${JSON.stringify(summary(second))}`);
      assert.deepStrictEqual(second.skipped, []);
      assert.deepStrictEqual(
        summary(second).conflicts,
        summary(first).conflicts,
        "conflicts persist",
      );
    }),
    { numRuns: 500 },
  );
});

Deno.test("planService() property: with deletes held, every delete becomes a skip and nothing else changes", () => {
  fc.assert(
    fc.property(arbScenario, ({ owner, desired: want, registered }) => {
      const allowed = summary(
        planService({ desired: want, registered, owner, deletesAllowed: true }),
      );
      const held = summary(
        planService({ desired: want, registered, owner, deletesAllowed: false }),
      );
      assert.deepStrictEqual(held, { ...allowed, deletes: [], skipped: allowed.deletes });
    }),
    { numRuns: 300 },
  );
});

Deno.test("planService() property: output is sorted and does not depend on input order", () => {
  fc.assert(
    fc.property(arbScenario, ({ owner, desired: want, registered }) => {
      const plan = summary(planService({ desired: want, registered, owner, deletesAllowed: true }));
      const reversed = summary(planService({
        desired: [...want].reverse(),
        registered: [...registered].reverse(),
        owner,
        deletesAllowed: true,
      }));
      assert.deepStrictEqual(reversed, plan);
      assert.deepStrictEqual(
        planService({
          desired: [...want].reverse(),
          registered: [...registered].reverse(),
          owner,
          deletesAllowed: true,
        }).conflicts,
        planService({ desired: want, registered, owner, deletesAllowed: true }).conflicts,
        "conflict messages",
      );
      const sorted = (keys: readonly string[]) => assert.deepStrictEqual(keys, [...keys].sort());
      sorted(plan.creates);
      sorted(plan.updates.map(([key]) => key));
      sorted(plan.deletes);
      sorted(plan.conflicts.map(([key]) => key));
    }),
    { numRuns: 300 },
  );
});
