import assert from "node:assert/strict";
import type { PolarisInstance } from "./polaris_objects.ts";
import { wrongfulWrites } from "./write_audit.ts";

const owner = {
  clusterNames: ["a", "b"],
  source: "polaris-controller",
  aliasMarker: "managed by polaris-k8s-sync",
};
const foreign: PolarisInstance = {
  id: "f1",
  namespace: "shop",
  service: "cart",
  host: "192.168.0.1",
  port: 8080,
  protocol: "http/TCP",
  version: "",
  weight: 100,
  healthy: true,
  isolate: false,
  enableHealthCheck: false,
  metadata: { clusterName: "someone-else" },
  revision: "r",
};
const baseline = {
  instances: [foreign],
  aliases: [{
    alias: "taken",
    aliasNamespace: "x",
    namespace: "o",
    service: "s",
    comment: "",
  }],
};
const ours = { clusterName: "a", source: "polaris-controller" };

Deno.test("wrongfulWrites() passes our own creates, updates and deletes", () => {
  const writes = [
    {
      method: "POST",
      path: "/naming/v1/instances",
      at: 1,
      body: [{ namespace: "shop", service: "cart", host: "10.0.0.1", port: 8080, metadata: ours }],
    },
    {
      method: "POST",
      path: "/naming/v1/instances/delete",
      at: 2,
      body: [{ namespace: "shop", service: "cart", host: "10.0.0.1", port: 8080 }],
    },
    {
      method: "POST",
      path: "/naming/v1/service/alias",
      at: 3,
      body: { alias: "mine", alias_namespace: "x", namespace: "shop", service: "cart" },
    },
  ];
  assert.deepStrictEqual(wrongfulWrites("r1", writes, owner, baseline), []);
});

Deno.test("wrongfulWrites() flags a write naming a foreign instance or alias, or foreign metadata", () => {
  const writes = [
    {
      method: "POST",
      path: "/naming/v1/instances/delete",
      at: 1,
      body: [{ namespace: "shop", service: "cart", host: "192.168.0.1", port: 8080 }],
    },
    { method: "POST", path: "/naming/v1/instances/delete", at: 2, body: [{ id: "f1" }] },
    {
      method: "PUT",
      path: "/naming/v1/instances",
      at: 3,
      body: [{
        namespace: "shop",
        service: "cart",
        host: "10.0.0.5",
        port: 8080,
        metadata: { clusterName: "a", source: "manual" },
      }],
    },
    {
      method: "POST",
      path: "/naming/v1/service/aliases/delete",
      at: 4,
      body: [{ alias: "taken", alias_namespace: "x" }],
    },
  ];
  assert.deepStrictEqual(
    wrongfulWrites("r1", writes, owner, baseline).map((w) => w.at),
    [1, 2, 3, 4],
  );
});
