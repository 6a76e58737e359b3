import assert from "node:assert/strict";
import type { ServiceInfo } from "./kubernetes.ts";
import { parseLabelSelector } from "./label_selector.ts";
import { type ServiceFilter, shouldSync, type SyncMode } from "./should_sync.ts";

const IGNORED = ["kube-system", "kube-public", "kube-node-lease", "istio-system", "polaris-system"];

type Ann = string | undefined;
function ann(value: Ann): Record<string, string> {
  return value === undefined ? {} : { "polarismesh.cn/sync": value };
}

interface Row {
  readonly name: string;
  readonly mode: SyncMode;
  readonly namespaceAnnotation: Ann;
  readonly serviceAnnotation: Ann;
  readonly expect: true | string;
}

// sync-rules §2.2's table, one row per line of it, expanded over "any" and "absent/false".
const table: readonly Row[] = [
  // all | absent or "true" | absent | yes
  {
    name: "all, ns absent, svc absent",
    mode: "all",
    namespaceAnnotation: undefined,
    serviceAnnotation: undefined,
    expect: true,
  },
  {
    name: "all, ns true, svc absent",
    mode: "all",
    namespaceAnnotation: "true",
    serviceAnnotation: undefined,
    expect: true,
  },
  // all | "false" | absent | no
  {
    name: "all, ns false, svc absent",
    mode: "all",
    namespaceAnnotation: "false",
    serviceAnnotation: undefined,
    expect: "namespace-annotation-false",
  },
  // any | any | "true" | yes
  {
    name: "all, ns false, svc true",
    mode: "all",
    namespaceAnnotation: "false",
    serviceAnnotation: "true",
    expect: true,
  },
  {
    name: "all, ns absent, svc true",
    mode: "all",
    namespaceAnnotation: undefined,
    serviceAnnotation: "true",
    expect: true,
  },
  {
    name: "demand, ns absent, svc true",
    mode: "demand",
    namespaceAnnotation: undefined,
    serviceAnnotation: "true",
    expect: true,
  },
  {
    name: "demand, ns false, svc true",
    mode: "demand",
    namespaceAnnotation: "false",
    serviceAnnotation: "true",
    expect: true,
  },
  {
    name: "demand, ns invalid, svc true",
    mode: "demand",
    namespaceAnnotation: "yes",
    serviceAnnotation: "true",
    expect: true,
  },
  // any | any | "false" | no
  {
    name: "all, ns true, svc false",
    mode: "all",
    namespaceAnnotation: "true",
    serviceAnnotation: "false",
    expect: "service-annotation-false",
  },
  {
    name: "all, ns absent, svc false",
    mode: "all",
    namespaceAnnotation: undefined,
    serviceAnnotation: "false",
    expect: "service-annotation-false",
  },
  {
    name: "demand, ns true, svc false",
    mode: "demand",
    namespaceAnnotation: "true",
    serviceAnnotation: "false",
    expect: "service-annotation-false",
  },
  // demand | "true" | absent | yes
  {
    name: "demand, ns true, svc absent",
    mode: "demand",
    namespaceAnnotation: "true",
    serviceAnnotation: undefined,
    expect: true,
  },
  // demand | absent/"false" | absent | no
  {
    name: "demand, ns absent, svc absent",
    mode: "demand",
    namespaceAnnotation: undefined,
    serviceAnnotation: undefined,
    expect: "demand-not-enabled",
  },
  {
    name: "demand, ns false, svc absent",
    mode: "demand",
    namespaceAnnotation: "false",
    serviceAnnotation: undefined,
    expect: "namespace-annotation-false",
  },
  // invalid values are reported, never treated as a boolean
  {
    name: "all, svc True (capital)",
    mode: "all",
    namespaceAnnotation: undefined,
    serviceAnnotation: "True",
    expect: "invalid-annotation",
  },
  {
    name: "demand, svc empty string",
    mode: "demand",
    namespaceAnnotation: "true",
    serviceAnnotation: "",
    expect: "invalid-annotation",
  },
  {
    name: "all, ns yes, svc absent",
    mode: "all",
    namespaceAnnotation: "yes",
    serviceAnnotation: undefined,
    expect: "invalid-annotation",
  },
  {
    name: "demand, ns 1, svc absent",
    mode: "demand",
    namespaceAnnotation: "1",
    serviceAnnotation: undefined,
    expect: "invalid-annotation",
  },
];

for (const row of table) {
  Deno.test(`shouldSync() table: ${row.name}`, () => {
    const decision = shouldSync(
      { mode: row.mode, ignoredNamespaces: IGNORED },
      { name: "shop", annotations: ann(row.namespaceAnnotation) },
      {
        namespace: "shop",
        name: "cart",
        type: "ClusterIP",
        annotations: ann(row.serviceAnnotation),
      },
    );
    assert.deepStrictEqual(decision.sync ? true : decision.reason.code, row.expect);
  });
}

Deno.test("shouldSync() never syncs an ignored namespace, even with sync=true", () => {
  for (const ns of IGNORED) {
    const d = shouldSync(
      { mode: "all", ignoredNamespaces: IGNORED },
      { name: ns, annotations: ann("true") },
      { namespace: ns, name: "x", type: "ClusterIP", annotations: ann("true") },
    );
    assert.deepStrictEqual(d.sync ? "synced" : d.reason.code, "ignored-namespace");
  }
});

Deno.test("shouldSync() never syncs an ExternalName Service", () => {
  const d = shouldSync(
    { mode: "all", ignoredNamespaces: IGNORED },
    { name: "shop", annotations: {} },
    { namespace: "shop", name: "ext", type: "ExternalName", annotations: ann("true") },
  );
  assert.deepStrictEqual(d.sync ? "synced" : d.reason.code, "external-name");
});

Deno.test("shouldSync() syncs headless and NodePort Services like any other", () => {
  for (const type of ["ClusterIP", "NodePort", "LoadBalancer"]) {
    const d = shouldSync(
      { mode: "all", ignoredNamespaces: [] },
      { name: "shop", annotations: {} },
      { namespace: "shop", name: "h", type, annotations: {} },
    );
    assert.deepStrictEqual(d.sync, true);
  }
});

Deno.test("shouldSync() names the object and the bad value in an invalid-annotation reason", () => {
  const d = shouldSync(
    { mode: "all", ignoredNamespaces: [] },
    { name: "shop", annotations: {} },
    { namespace: "shop", name: "cart", type: "ClusterIP", annotations: ann("yes") },
  );
  assert.ok(!d.sync && d.reason.code === "invalid-annotation", "expected invalid");
  assert.deepStrictEqual(d.reason.object, "Service");
  assert.deepStrictEqual(d.reason.value, "yes");
  assert.deepStrictEqual(
    d.reason.message,
    'Service "shop/cart" has polarismesh.cn/sync="yes"; expected "true" or "false"',
  );
});

Deno.test("shouldSync() treats an unknown Namespace as one without annotations", () => {
  const policy = { mode: "all" as const, ignoredNamespaces: [] };
  const svc = { namespace: "gone", name: "a", type: "ClusterIP", annotations: {} };
  assert.deepStrictEqual(shouldSync(policy, undefined, svc).sync, true);
  assert.deepStrictEqual(shouldSync({ ...policy, mode: "demand" }, undefined, svc).sync, false);
});

Deno.test("shouldSync() scenario table: the operator's filter comes before any annotation", () => {
  const parsed = parseLabelSelector("app=web,!legacy");
  if (!("selector" in parsed)) throw new Error(parsed.error);
  const filter: ServiceFilter = {
    allowNamespaces: ["shop", "pay"],
    denyNamespaces: ["pay"],
    labelSelector: parsed.selector,
    serviceTypes: ["ClusterIP", "NodePort"],
  };
  const rows: Array<[string, ServiceInfo, string]> = [
    ["allowed, matching", svc("shop", "ClusterIP", { app: "web" }), "synced"],
    [
      "not in the allow list",
      svc("other", "ClusterIP", { app: "web" }),
      "not in serviceSync.allowNamespaces",
    ],
    [
      "allowed but denied: deny wins",
      svc("pay", "ClusterIP", { app: "web" }),
      "in serviceSync.denyNamespaces",
    ],
    [
      "a type left out",
      svc("shop", "LoadBalancer", { app: "web" }),
      "of type LoadBalancer, not in serviceSync.serviceTypes",
    ],
    [
      "labels that do not match",
      svc("shop", "NodePort", { app: "db" }),
      'does not match serviceSync.labelSelector "app=web,!legacy"',
    ],
    [
      "no labels at all",
      svc("shop", "ClusterIP", undefined),
      "does not match serviceSync.labelSelector",
    ],
    [
      "a label the selector excludes",
      svc("shop", "ClusterIP", { app: "web", legacy: "1" }),
      "does not match",
    ],
  ];
  for (const [name, service, want] of rows) {
    // polarismesh.cn/sync "true" on the Service does not get past the filter.
    const d = shouldSync(
      { mode: "all", ignoredNamespaces: IGNORED, filter },
      undefined,
      { ...service, annotations: ann("true") },
    );
    if (want === "synced") assert.ok(d.sync, name);
    else {
      assert.ok(!d.sync, name);
      assert.equal(d.reason.code, "filtered", name);
      assert.ok(d.reason.message.includes(want), `${name}: ${d.reason.message}`);
    }
  }
  // An empty filter lets everything through.
  const open = shouldSync(
    {
      mode: "all",
      ignoredNamespaces: [],
      filter: { allowNamespaces: [], denyNamespaces: [], serviceTypes: [] },
    },
    undefined,
    svc("any", "LoadBalancer", undefined),
  );
  assert.ok(open.sync);
});

function svc(
  namespace: string,
  type: string,
  labels: Record<string, string> | undefined,
): ServiceInfo {
  return { namespace, name: "web", type, annotations: {}, ...(labels ? { labels } : {}) };
}
