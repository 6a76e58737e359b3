/**
 * `--events-emit` (`events.emit`): the controller process writes a Normal `Synced` Event on a
 * Service when its instances are first registered and `InstancesChanged` when they change, and
 * none without the flag (external-dns' `--events-emit` habit). The Kubernetes API is a small
 * in-process stand-in over HTTP: lists, watches that the test feeds, and the Events POSTed to it;
 * Polaris is the in-process emulator. Warning Events against a real kube-apiserver are
 * `tests/operate/events_test.ts`.
 */
import assert from "node:assert/strict";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { waitFor } from "../cluster/objects.ts";
import { startController } from "../e2e/controller_process.ts";

const SLICES = "/apis/discovery.k8s.io/v1/endpointslices";

function slice(addresses: readonly string[], resourceVersion: string) {
  return {
    kind: "EndpointSlice",
    apiVersion: "discovery.k8s.io/v1",
    metadata: {
      name: "web-abcde",
      namespace: "shop",
      resourceVersion,
      labels: { "kubernetes.io/service-name": "web" },
    },
    addressType: "IPv4",
    endpoints: addresses.map((address) => ({
      addresses: [address],
      conditions: { ready: true, serving: true, terminating: false },
    })),
    ports: [{ name: "http", protocol: "TCP", port: 8080 }],
  };
}

const SERVICE = {
  kind: "Service",
  apiVersion: "v1",
  metadata: { name: "web", namespace: "shop", uid: "uid-web", resourceVersion: "2" },
  spec: { type: "ClusterIP", ports: [{ name: "http", port: 80, targetPort: 8080 }] },
};

/** A Kubernetes API stand-in: one Service with one EndpointSlice, Events recorded. */
function fakeKubernetes() {
  const lists: Record<string, unknown[]> = {
    "/api/v1/namespaces": [{ metadata: { name: "shop", resourceVersion: "1" } }],
    "/api/v1/services": [SERVICE],
    [SLICES]: [slice(["10.0.0.1", "10.0.0.2"], "3")],
  };
  const events: { type: string; reason: string; message: string; uid?: string }[] = [];
  const sliceWatches = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    const path = url.pathname;
    const json = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json" },
      });
    if (path === "/apis/discovery.k8s.io") return json({ versions: [{ version: "v1" }] });
    if (request.method === "POST" && path === "/api/v1/namespaces/shop/events") {
      return request.json().then((event) => {
        events.push({
          type: event.type,
          reason: event.reason,
          message: event.message,
          uid: event.involvedObject?.uid,
        });
        return json(event, 201);
      });
    }
    if (path === "/api/v1/namespaces/shop/services/web") return json(SERVICE);
    if (!(path in lists) && path !== "/api/v1/pods") return json({ message: "not found" }, 404);
    if (url.searchParams.get("watch") === "true") {
      let controller: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          controller = c;
          if (path === SLICES) sliceWatches.add(c);
        },
        cancel() {
          sliceWatches.delete(controller);
        },
      });
      return new Response(body, { headers: { "content-type": "application/json" } });
    }
    return json({ metadata: { resourceVersion: "10" }, items: lists[path] ?? [] });
  });
  return {
    kubeconfig: [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{name: fake, cluster: {server: "http://127.0.0.1:${server.addr.port}", insecure-skip-tls-verify: true}}]`,
      "users: [{name: u, user: {token: t}}]",
      "contexts: [{name: fake, context: {cluster: fake, user: u}}]",
      "current-context: fake",
    ].join("\n"),
    events,
    /** Sends a MODIFIED EndpointSlice to every open watch of slices. */
    changeSlice(addresses: readonly string[]) {
      const line = JSON.stringify({ type: "MODIFIED", object: slice(addresses, "11") }) + "\n";
      for (const watch of sliceWatches) watch.enqueue(new TextEncoder().encode(line));
      return sliceWatches.size;
    },
    stop: () => server.shutdown(),
  };
}

async function withController(
  args: readonly string[],
  fn: (kube: ReturnType<typeof fakeKubernetes>, output: () => string) => Promise<void>,
) {
  const kube = fakeKubernetes();
  const emulator = await startPolarisEmulator();
  const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-sync-events-" });
  await Deno.writeTextFile(`${dir}/kube.yaml`, kube.kubeconfig);
  const controller = await startController({
    config: [
      `serverAddress: ${emulator.url}`,
      "clusterName: east",
      "serviceSync:",
      "  debounce: 50ms",
      "  podLabels: none",
      "",
    ].join("\n"),
    kubeconfig: `${dir}/kube.yaml`,
    extraArgs: args,
  });
  try {
    await controller.waitReady(60_000);
    await waitFor(() => emulator.state.instances().length === 2, {
      what: "the two instances registered",
      timeoutMs: 30_000,
    });
    await fn(kube, controller.output);
    assert.equal(await controller.stop(), 0);
  } finally {
    await controller.stop();
    await emulator.stop();
    await kube.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

const journey = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  ...journey,
  name: "--events-emit writes a Normal Synced Event, then InstancesChanged when endpoints change",
  async fn() {
    await withController(["--events-emit", "Synced,InstancesChanged"], async (kube, output) => {
      await waitFor(() => kube.events.length >= 1, { what: "a Synced Event", timeoutMs: 20_000 });
      assert.deepEqual(kube.events, [{
        type: "Normal",
        reason: "Synced",
        message: 'Registered 2 instances in Polaris service "shop/web"',
        uid: "uid-web",
      }]);
      await waitFor(() => kube.changeSlice(["10.0.0.1", "10.0.0.2", "10.0.0.3"]) > 0, {
        what: "an open watch of EndpointSlices",
      });
      await waitFor(() => kube.events.length >= 2, {
        what: `an InstancesChanged Event:\n${output()}`,
        timeoutMs: 20_000,
      });
      assert.deepEqual(kube.events[1], {
        type: "Normal",
        reason: "InstancesChanged",
        message: 'Polaris instances of "shop/web" changed: 1 created, 0 updated, 0 deleted; 3 now',
        uid: "uid-web",
      });
    });
  },
});

Deno.test({
  ...journey,
  name: "without --events-emit the controller writes no Normal Event",
  async fn() {
    await withController([], async (kube) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(kube.events, []);
    });
  },
});
