import assert from "node:assert/strict";
import { buildManifestSnapshot, snapshotChanges } from "./manifest_snapshot.ts";
import { parseManifestFile } from "./parse_manifest_file.ts";

function snapshot(...texts: string[]) {
  return buildManifestSnapshot(
    texts.map((text, i) => ({ fileName: `f${i}.yaml`, content: parseManifestFile(text, `f${i}`) })),
  );
}

const cartService = `
apiVersion: v1
kind: Service
metadata: { name: cart, namespace: shop }
spec: { selector: { app: cart }, ports: [{ name: http, port: 80, targetPort: 8080 }] }
`;

function cartPod(labels: string, ready = "True") {
  return `
apiVersion: v1
kind: Pod
metadata: { name: cart-0, namespace: shop, labels: ${labels} }
status: { podIP: 10.1.0.5, conditions: [{ type: Ready, status: "${ready}" }] }
`;
}

Deno.test("buildManifestSnapshot() makes namespaces that objects live in exist without annotations", () => {
  const { snapshot: s } = snapshot(
    cartService,
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: web, annotations: {a: b}}\n",
  );
  assert.deepEqual(s.namespaces.get("shop"), { name: "shop", annotations: {} });
  assert.deepEqual(s.namespaces.get("web"), { name: "web", annotations: { a: "b" } });
  assert.equal(s.namespaces.get("default"), undefined);
  assert.deepEqual(s.servicesByNamespace.get("shop")?.map((svc) => svc.name), ["cart"]);
});

Deno.test("buildManifestSnapshot() derives endpoints from Pods when no file spells them out", () => {
  const { snapshot: s } = snapshot(cartService, cartPod("{ app: cart, version: v1 }"));
  assert.deepEqual(s.endpoints.get("shop/cart"), [{
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    addresses: [{ address: "10.1.0.5", ready: true, terminating: false, podName: "cart-0" }],
  }]);
  assert.deepEqual(s.podLabels.get("shop/cart-0"), { app: "cart", version: "v1" });
});

Deno.test("buildManifestSnapshot() prefers explicit EndpointSlices, then Endpoints, to Pods", () => {
  const slice = `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: cart-x, namespace: shop, labels: { kubernetes.io/service-name: cart } }
endpoints: [{ addresses: [10.9.9.9] }]
ports: [{ name: http, port: 1 }]
`;
  const endpoints = `
apiVersion: v1
kind: Endpoints
metadata: { name: cart, namespace: shop }
subsets: [{ addresses: [{ ip: 10.8.8.8 }], ports: [{ port: 2 }] }]
`;
  const pod = cartPod("{ app: cart }");
  const withSlice = snapshot(cartService, pod, endpoints, slice).snapshot;
  assert.equal(withSlice.endpoints.get("shop/cart")?.[0].addresses[0].address, "10.9.9.9");
  const withEndpoints = snapshot(cartService, pod, endpoints).snapshot;
  assert.equal(withEndpoints.endpoints.get("shop/cart")?.[0].addresses[0].address, "10.8.8.8");
});

Deno.test("buildManifestSnapshot() lets a later file win and reports the duplicate", () => {
  const annotated = cartService.replace(
    "namespace: shop }",
    "namespace: shop, annotations: {x: y} }",
  );
  const { snapshot: s, duplicates } = snapshot(cartService, annotated);
  assert.deepEqual(s.services.get("shop/cart")?.annotations, { x: "y" });
  assert.deepEqual(duplicates, [
    `Service "shop/cart" is declared in "f0.yaml" and "f1.yaml"; the later one wins`,
  ]);
});

Deno.test("snapshotChanges() names each key whose reduced state differs, and only those", () => {
  const before = snapshot(cartService, cartPod("{ app: cart, version: v1 }")).snapshot;
  const cases = [
    {
      name: "same content in another key order",
      after: snapshot(cartService, cartPod("{ version: v1, app: cart }")).snapshot,
      expect: [],
    },
    {
      name: "a Pod label behind the endpoints",
      after: snapshot(cartService, cartPod("{ app: cart, version: v2 }")).snapshot,
      expect: [{ kind: "service", namespace: "shop", name: "cart" }],
    },
    {
      name: "Pod readiness",
      after: snapshot(cartService, cartPod("{ app: cart, version: v1 }", "False")).snapshot,
      expect: [{ kind: "service", namespace: "shop", name: "cart" }],
    },
    {
      name: "namespace annotations",
      after: snapshot(
        cartService,
        cartPod("{ app: cart, version: v1 }"),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, annotations: {a: b}}\n",
      ).snapshot,
      expect: [{ kind: "namespace", name: "shop" }],
    },
    {
      name: "everything deleted",
      after: snapshot().snapshot,
      expect: [
        { kind: "namespace", name: "shop" },
        { kind: "service", namespace: "shop", name: "cart" },
      ],
    },
  ];
  for (const { name, after, expect } of cases) {
    assert.deepEqual(snapshotChanges(before, after), expect, name);
  }
});
