import assert from "node:assert/strict";
import type { ClusterView } from "./cluster.ts";
import type { NamespaceInfo, ServiceInfo } from "./kubernetes.ts";
import { serviceWanted } from "./service_intent.ts";
import { type ClusterSyncReason, noneSyncs, syncReasons } from "./sync_reasons.ts";

/** A cluster holding the given Namespaces and Services, with no endpoints. */
function cluster(
  clusterName: string,
  namespaces: readonly NamespaceInfo[],
  services: readonly ServiceInfo[],
): ClusterView {
  return {
    clusterName,
    namespace: (name) => namespaces.find((n) => n.name === name),
    service: (namespace, name) =>
      services.find((s) => s.namespace === namespace && s.name === name),
    services: () => services,
    servicesInNamespace: (namespace) => services.filter((s) => s.namespace === namespace),
    endpoints: () => [],
    podLabels: () => undefined,
  };
}

function svc(
  namespace: string,
  name: string,
  annotations: Record<string, string> = {},
  type = "ClusterIP",
): ServiceInfo {
  return { namespace, name, type, annotations };
}

const shopOn = { name: "shop", annotations: { "polarismesh.cn/sync": "true" } };
const legacyOff = { name: "legacy", annotations: { "polarismesh.cn/sync": "false" } };

interface Row {
  readonly name: string;
  readonly mode: "all" | "demand";
  readonly services: readonly ServiceInfo[];
  readonly key: readonly [string, string];
  readonly expect: readonly (readonly [string, string])[];
  readonly noneSyncs: boolean;
}

const table: readonly Row[] = [
  {
    name: "synced in mode all",
    mode: "all",
    services: [svc("shop", "cart")],
    key: ["shop", "cart"],
    expect: [["a", "synced"]],
    noneSyncs: false,
  },
  {
    name: "opted out by the Service",
    mode: "all",
    services: [svc("shop", "cart", { "polarismesh.cn/sync": "false" })],
    key: ["shop", "cart"],
    expect: [["a", "service-annotation-false"]],
    noneSyncs: true,
  },
  {
    name: "opted out by the Namespace",
    mode: "all",
    services: [svc("legacy", "inventory")],
    key: ["legacy", "inventory"],
    expect: [["a", "namespace-annotation-false"]],
    noneSyncs: true,
  },
  {
    name: "ignored namespace",
    mode: "all",
    services: [svc("kube-system", "kube-dns")],
    key: ["kube-system", "kube-dns"],
    expect: [["a", "ignored-namespace"]],
    noneSyncs: true,
  },
  {
    name: "ExternalName",
    mode: "all",
    services: [svc("shop", "cdn", {}, "ExternalName")],
    key: ["shop", "cdn"],
    expect: [["a", "external-name"]],
    noneSyncs: true,
  },
  {
    name: "demand mode without the annotation",
    mode: "demand",
    services: [svc("payments", "gateway")],
    key: ["payments", "gateway"],
    expect: [["a", "demand-not-enabled"]],
    noneSyncs: true,
  },
  {
    name: "an invalid sync value is held: an actor is wanted",
    mode: "all",
    services: [svc("payments", "ledger", { "polarismesh.cn/sync": "yes" })],
    key: ["payments", "ledger"],
    expect: [["a", "invalid-annotation"]],
    noneSyncs: false,
  },
  {
    name: "unknown Service: no cluster has it",
    mode: "all",
    services: [],
    key: ["shop", "nothing"],
    expect: [],
    noneSyncs: true,
  },
];

for (const row of table) {
  Deno.test(`syncReasons() table: ${row.name}`, () => {
    const deps = {
      views: [cluster("a", [shopOn, legacyOff], row.services)],
      policy: { mode: row.mode, ignoredNamespaces: ["kube-system"] },
    };
    const reasons = syncReasons(deps, ...row.key);
    assert.deepStrictEqual(reasons.map((r) => [r.clusterName, r.code]), row.expect);
    assert.ok(reasons.every((r) => r.message.length > 0), "every reason has its message");
    assert.deepStrictEqual(noneSyncs(reasons), row.noneSyncs);
    if (reasons.length > 0) {
      assert.deepStrictEqual(noneSyncs(reasons), !serviceWanted(deps, ...row.key));
    }
  });
}

Deno.test("syncReasons() names each cluster that has the Service, in the views' order", () => {
  const reasons: ClusterSyncReason[] = syncReasons(
    {
      views: [
        cluster("b", [], [svc("shop", "cart", { "polarismesh.cn/sync": "false" })]),
        cluster("c", [], []),
        cluster("a", [], [svc("shop", "cart")]),
      ],
      policy: { mode: "all", ignoredNamespaces: [] },
    },
    "shop",
    "cart",
  );
  assert.deepStrictEqual(reasons.map((r) => [r.clusterName, r.code]), [
    ["b", "service-annotation-false"],
    ["a", "synced"],
  ]);
  assert.deepStrictEqual(reasons[1].message, 'mode "all"');
  assert.deepStrictEqual(noneSyncs(reasons), false);
});
