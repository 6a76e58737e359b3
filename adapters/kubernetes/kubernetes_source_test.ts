import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { ClusterChange } from "../../domain/cluster.ts";
import { KubeApiError } from "./kube_client.ts";
import { createKubernetesSource, type KubernetesSourceOptions } from "./kubernetes_source.ts";
import { FakeApi, ManualClock, object, settle } from "./testdata/fake_api.ts";

const SLICES_V1 = "/apis/discovery.k8s.io/v1/endpointslices";

function setup(
  options: Partial<KubernetesSourceOptions> = {},
  discovery: string[] | "absent" = ["v1", "v1beta1"],
) {
  const api = new FakeApi();
  if (discovery === "absent") {
    api.failures.set(
      "/apis/discovery.k8s.io",
      new KubeApiError("Cannot GET", 404, "NotFound", "not found"),
    );
  } else {
    api.documents.set("/apis/discovery.k8s.io", {
      kind: "APIGroup",
      versions: discovery.map((version) => ({
        groupVersion: `discovery.k8s.io/${version}`,
        version,
      })),
    });
  }
  const clock = new ManualClock();
  const source = createKubernetesSource({ clusterName: "c1", transport: api, clock, ...options });
  const changes: ClusterChange[] = [];
  source.subscribe((change) => changes.push(change));
  return { api, clock, source, changes };
}

const slice = (name: string, service: string, pods: [string, string, boolean][]) =>
  object("shop", name, "5", {
    labels: { "kubernetes.io/service-name": service },
    addressType: "IPv4",
    endpoints: pods.map(([pod, ip, ready]) => ({
      addresses: [ip],
      conditions: { ready },
      targetRef: { kind: "Pod", namespace: "shop", name: pod },
    })),
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  });

Deno.test("createKubernetesSource() is synced only after every resource, endpoints included, listed", async () => {
  const { api, source, changes } = setup();
  api.objects.set("/api/v1/services", [object("shop", "web", "3", { spec: {} })]);
  await source.start();
  await settle();
  ok(source.synced);
  deepStrictEqual(changes, [{ kind: "service", namespace: "shop", name: "web" }, {
    kind: "synced",
  }]);
  deepStrictEqual(source.status().resources.map((status) => status.resource), [
    "namespaces",
    "services",
    "endpointslices",
    "pods",
  ]);
  ok(api.requests.includes(`list ${SLICES_V1}`));
  await source.stop();
  ok(!api.closed, "a client given to the source is closed by its owner, not by the source");
});

Deno.test("createKubernetesSource() picks v1beta1 slices, or Endpoints when discovery has no slices", async () => {
  for (
    const [discovery, path] of [
      [["v1beta1"], "/apis/discovery.k8s.io/v1beta1/endpointslices"],
      ["absent", "/api/v1/endpoints"],
    ] as const
  ) {
    const { api, source } = setup({}, discovery === "absent" ? "absent" : [...discovery]);
    await source.start();
    await settle();
    ok(api.requests.includes(`list ${path}`), `${discovery}: ${api.requests.join(", ")}`);
    ok(source.synced);
    await source.stop();
  }
});

Deno.test("createKubernetesSource() routes slices and Pod label changes to their Services", async () => {
  const { api, source, changes } = setup();
  api.objects.set(SLICES_V1, [
    slice("web-1", "web", [["web-a", "10.0.0.1", true]]),
    slice("web-2", "web", [["web-b", "10.0.0.2", false]]),
    slice("api-1", "api", [["web-a", "10.0.0.1", true]]),
  ]);
  api.objects.set("/api/v1/pods", [object("shop", "web-a", "1", { labels: { version: "v1" } })]);
  await source.start();
  await settle();
  equal(source.endpoints("shop", "web").length, 2);
  deepStrictEqual(source.podLabels("shop", "web-a"), { version: "v1" });
  changes.length = 0;
  api.send("/api/v1/pods", {
    type: "MODIFIED",
    object: object("shop", "web-a", "9", { labels: { version: "v1" } }),
  });
  deepStrictEqual(changes, [], "same labels: no change");
  api.send("/api/v1/pods", {
    type: "MODIFIED",
    object: object("shop", "web-a", "10", { labels: { version: "v2" } }),
  });
  deepStrictEqual(changes, [
    { kind: "service", namespace: "shop", name: "web" },
    { kind: "service", namespace: "shop", name: "api" },
  ]);
  changes.length = 0;
  api.send(SLICES_V1, { type: "DELETED", object: slice("web-2", "web", []) });
  deepStrictEqual(changes, [{ kind: "service", namespace: "shop", name: "web" }]);
  equal(source.endpoints("shop", "web").length, 1);
  await source.stop();
});

Deno.test("createKubernetesSource() marks the address of a Pod being deleted terminating, with a change", async () => {
  const { api, source, changes } = setup();
  api.objects.set(SLICES_V1, [
    slice("web-1", "web", [["web-a", "10.0.0.1", true], ["web-b", "10.0.0.2", true]]),
  ]);
  api.objects.set("/api/v1/pods", [
    object("shop", "web-a", "1", { labels: {} }),
    object("shop", "web-b", "1", { labels: {} }),
  ]);
  await source.start();
  await settle();
  const states = () =>
    source.endpoints("shop", "web").flatMap((g) =>
      g.addresses.map((a) => `${a.podName} ${a.terminating ? "terminating" : "serving"}`)
    );
  deepStrictEqual(states(), ["web-a serving", "web-b serving"]);
  changes.length = 0;
  // The slice still says ready (v1beta1, Endpoints, publishNotReadyAddresses): the Pod says not.
  const deleting = object("shop", "web-b", "2", { labels: {} });
  api.send("/api/v1/pods", {
    type: "MODIFIED",
    object: {
      ...deleting,
      metadata: { ...deleting.metadata, deletionTimestamp: "2026-12-04T00:00:00Z" },
    },
  });
  deepStrictEqual(changes, [{ kind: "service", namespace: "shop", name: "web" }]);
  deepStrictEqual(states(), ["web-a serving", "web-b terminating"]);
  await source.stop();
});

Deno.test("createKubernetesSource() emits the differences of a relist, then relisted", async () => {
  const { api, source, changes } = setup();
  api.objects.set("/api/v1/namespaces", [
    object(undefined, "shop", "1", { annotations: { a: "1" } }),
  ]);
  await source.start();
  await settle();
  changes.length = 0;
  api.objects.set("/api/v1/namespaces", [object(undefined, "shop", "2", { annotations: {} })]);
  api.send("/api/v1/namespaces", { type: "ERROR", object: { kind: "Status", code: 410 } });
  await settle();
  deepStrictEqual(changes, [{ kind: "namespace", name: "shop" }, { kind: "relisted" }]);
  deepStrictEqual(source.namespace("shop")?.annotations, {});
  await source.stop();
});

Deno.test("createKubernetesSource() shows a failing discovery in status and retries it", async () => {
  const { api, clock, source } = setup({ backoffBaseMs: 100 });
  api.failures.set("/apis/discovery.k8s.io", new Error("connection refused"));
  await source.start();
  await settle();
  const pending = source.status().resources.find((status) =>
    status.resource.startsWith("endpoints")
  );
  equal(pending?.phase, "backoff");
  ok(pending?.lastError?.includes("connection refused"));
  ok(!source.synced);
  api.failures.delete("/apis/discovery.k8s.io");
  api.documents.set("/apis/discovery.k8s.io", { versions: [{ version: "v1" }] });
  await clock.advance(100);
  ok(source.synced);
  await source.stop();
});
