/**
 * The controller runs on a read-only root filesystem and writes nothing at run time, as the
 * Deployment runs it (`readOnlyRootFilesystem: true`, an emptyDir on `/tmp`): the image's
 * entrypoint with the permissions of `deploy/deno_permissions.txt`, the Deployment's arguments,
 * uid 1993, the root filesystem and the Deno cache mounted read-only (`in_cluster_controller.ts`,
 * which needs root for its mount namespace). No API server is needed: the cluster is a manifest
 * folder in the ConfigMap volume and Polaris is the emulator. The controller must sync, stop
 * cleanly, say nothing about the cache or the filesystem, and leave `/tmp` empty.
 *
 * This stands in for running the image, which this machine cannot do (no container runtime):
 * the image's Deno cache is what `deno cache` fills at build time, here the host's.
 */
import assert from "node:assert/strict";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { freePort } from "../cluster/free_ports.ts";
import { CONFIG_DIR, startInClusterController } from "./in_cluster_controller.ts";
import { manifestOf } from "./manifests.ts";

const SHOP = `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Service
metadata: { name: cart, namespace: shop }
spec:
  ports: [{ name: http, port: 80, targetPort: 8080 }]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: cart-1
  namespace: shop
  labels: { kubernetes.io/service-name: cart }
addressType: IPv4
endpoints:
  - addresses: [10.9.0.1]
    conditions: { ready: true }
ports: [{ name: http, port: 8080, protocol: TCP }]
`;

/** The Deployment's container arguments, listening on a free loopback port instead of 0.0.0.0. */
function deploymentArgs(port: number): string[] {
  const deployment = manifestOf<{
    spec: { template: { spec: { containers: { args: string[] }[] } } };
  }>("Deployment");
  const args = [...deployment.spec.template.spec.containers[0].args];
  args[args.indexOf("--listen") + 1] = `127.0.0.1:${port}`;
  return args;
}

Deno.test({
  name: "the container's controller syncs on a read-only root and leaves its /tmp empty",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const emulator = await startPolarisEmulator();
    const port = freePort();
    const controller = await startInClusterController({
      // Unused: the one cluster is a manifest folder; KUBERNETES_SERVICE_HOST is set all the same.
      server: "https://127.0.0.1:6443",
      caPem: "",
      token: "",
      namespace: "polaris-system",
      mesh: [
        `serverAddress: ${emulator.url}`,
        "clusters:",
        `  - { clusterName: read-only, manifests: ${CONFIG_DIR}/manifests }`,
        "serviceSync: { debounce: 20ms }",
        "",
      ].join("\n"),
      configFiles: { "manifests/shop.yaml": SHOP },
      args: deploymentArgs(port),
      env: { MEMORY_LIMIT_MB: "512" },
    });
    try {
      const deadline = Date.now() + 30_000;
      while (emulator.state.instances({ namespace: "shop", service: "cart" }).length === 0) {
        if (Date.now() > deadline) assert.fail(`No instance registered:\n${controller.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(ready.status, 200, await ready.text());
      assert.equal(await controller.stop(), 0, controller.output());
      const output = controller.output();
      assert.doesNotMatch(
        output,
        /read-only file system|EROFS|permission denied|NotCapable|Download|warning/i,
        output,
      );
      assert.deepEqual(controller.tmpEntries(), [], "nothing is written to /tmp");
    } finally {
      await controller.stop();
      await emulator.stop();
    }
  },
});
