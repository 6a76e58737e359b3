/**
 * End-to-end: every row of sync-rules §2.2's table, the annotation flips in both directions,
 * ignored namespaces, ExternalName, headless and selector-less Services. Two controller processes
 * watch the same real control plane, one in mode `all` and one in mode `demand`, each writing to
 * its own real Polaris server (with a fault proxy in front), read as its store holds the instances
 * (`withStoreReads`: v1.18.1 keeps listing an instance deleted over 5 s after its last write); each
 * test works in its own namespaces.
 *
 * The resync period is long (10 minutes) on purpose: every change here must be followed from the
 * Kubernetes watch, promptly, never by a periodic resync.
 *
 * "Not synced" is only asserted after a sentinel Service created later in the same cluster has
 * been registered: the controller has then seen the earlier objects too.
 */
import assert from "node:assert/strict";
import { type PolarisTarget, startRealPolaris, withStoreReads } from "../polaris/polaris_target.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import { type ControllerProcess, meshConfig, startController } from "./controller_process.ts";
import {
  addService,
  CONVERGE_MS,
  ensureNode,
  instancesOf,
  ipPool,
  journey,
  pause,
  serviceDebug,
  SYNC,
  waitEndpoints,
  waitHosts,
  waitState,
} from "./journey_kit.ts";

const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
await ensureNode(objects);
const nextIp = ipPool(20);

interface Side {
  readonly polaris: PolarisTarget;
  readonly controller: ControllerProcess;
}

async function startSide(mode: "all" | "demand"): Promise<Side> {
  const polaris = withStoreReads(await startRealPolaris());
  const controller = await startController({
    config: meshConfig({
      polarisUrl: polaris.url,
      token: polaris.token,
      clusterName: `rules-${mode}`,
      mode,
      resyncPeriod: "10m",
    }),
    kubeconfig: plane.kubeconfigPath,
  });
  return { polaris, controller };
}

const all = await startSide("all");
const demand = await startSide("demand");
await Promise.all([all.controller.waitReady(), demand.controller.waitReady()]);

let sentinels = 0;

/**
 * Creates a Service annotated "true" (synced in any mode) in `namespace` and waits until both
 * controllers registered it, then lets one more debounce pass: anything created before it has been
 * seen by then.
 */
async function sentinel(namespace: string): Promise<void> {
  const name = `sentinel-${++sentinels}`;
  const ip = nextIp();
  await addService(objects, namespace, name, {
    annotations: { [SYNC]: "true" },
    pods: [{ name: `${name}-0`, ip }],
  });
  await Promise.all([
    waitHosts(all.polaris, namespace, name, [ip]),
    waitHosts(demand.polaris, namespace, name, [ip]),
  ]);
  await pause(500);
}

/** Asserts a Service has no instance and no actor in a controller. */
async function assertNotSynced(side: Side, namespace: string, name: string): Promise<void> {
  assert.deepStrictEqual(
    await instancesOf(side.polaris, namespace, name),
    [],
    `"${namespace}/${name}" instances`,
  );
  assert.deepStrictEqual(
    await serviceDebug(side.controller, namespace, name),
    undefined,
    `"${namespace}/${name}" has no actor`,
  );
  assert.ok(
    !(await side.polaris.services(namespace)).some((s) => s.name === name),
    `no Polaris service "${namespace}/${name}" is created`,
  );
}

/** Creates a Service with one ready Pod and waits for its Endpoints; returns the Pod's IP. */
async function serviceWithPod(
  namespace: string,
  name: string,
  annotations: Record<string, string> = {},
): Promise<string> {
  const ip = nextIp();
  await addService(objects, namespace, name, { annotations, pods: [{ name: `${name}-0`, ip }] });
  await waitEndpoints(objects, namespace, name, [ip]);
  return ip;
}

Deno.test({
  name: 'e2e: mode all syncs a Service whose Namespace has no sync annotation or says "true"',
  ...journey,
  async fn() {
    await objects.createNamespace("all-plain");
    await objects.createNamespace("all-yes", { [SYNC]: "true" });
    const plainIp = await serviceWithPod("all-plain", "web");
    const yesIp = await serviceWithPod("all-yes", "web");
    const plain = await waitHosts(all.polaris, "all-plain", "web", [plainIp]);
    await waitHosts(all.polaris, "all-yes", "web", [yesIp]);
    assert.deepStrictEqual(plain[0].metadata.clusterName, "rules-all");
    assert.deepStrictEqual(plain[0].metadata.k8s_namespace, "all-plain");
    assert.deepStrictEqual(plain[0].metadata.k8s_service, "web");
    assert.deepStrictEqual(plain[0].enableHealthCheck, false);
    assert.deepStrictEqual(plain[0].weight, 100);
    assert.deepStrictEqual(
      (await waitState(all.controller, "all-plain", "web", "synced")).lastError,
      null,
    );
  },
});

Deno.test({
  name: 'e2e: mode all does not sync a Service whose Namespace says "false"',
  ...journey,
  async fn() {
    await objects.createNamespace("all-no", { [SYNC]: "false" });
    await serviceWithPod("all-no", "web");
    await sentinel("all-no");
    await assertNotSynced(all, "all-no", "web");
  },
});

Deno.test({
  name: 'e2e: a Service saying "true" is synced in every mode, even in a Namespace saying "false"',
  ...journey,
  async fn() {
    await objects.createNamespace("svc-yes", { [SYNC]: "false" });
    const ip = await serviceWithPod("svc-yes", "web", { [SYNC]: "true" });
    await waitHosts(all.polaris, "svc-yes", "web", [ip]);
    await waitHosts(demand.polaris, "svc-yes", "web", [ip]);
    assert.deepStrictEqual(
      (await instancesOf(demand.polaris, "svc-yes", "web"))[0].metadata.clusterName,
      "rules-demand",
    );
  },
});

Deno.test({
  name:
    'e2e: a Service saying "false" is not synced in any mode, even in a Namespace saying "true"',
  ...journey,
  async fn() {
    await objects.createNamespace("svc-no", { [SYNC]: "true" });
    await serviceWithPod("svc-no", "web", { [SYNC]: "false" });
    await sentinel("svc-no");
    await assertNotSynced(all, "svc-no", "web");
    await assertNotSynced(demand, "svc-no", "web");
  },
});

Deno.test({
  name: 'e2e: mode demand syncs a Service whose Namespace says "true"',
  ...journey,
  async fn() {
    await objects.createNamespace("demand-yes", { [SYNC]: "true" });
    const ip = await serviceWithPod("demand-yes", "web");
    const [instance] = await waitHosts(demand.polaris, "demand-yes", "web", [ip]);
    assert.deepStrictEqual(instance.metadata.clusterName, "rules-demand");
    assert.deepStrictEqual(instance.port, 8080);
    assert.deepStrictEqual(instance.protocol, "http/TCP");
  },
});

Deno.test({
  name:
    'e2e: mode demand does not sync a Service whose Namespace has no annotation or says "false"',
  ...journey,
  async fn() {
    await objects.createNamespace("demand-plain");
    await objects.createNamespace("demand-no", { [SYNC]: "false" });
    const plainIp = await serviceWithPod("demand-plain", "web");
    await serviceWithPod("demand-no", "web");
    await sentinel("demand-plain");
    await sentinel("demand-no");
    await assertNotSynced(demand, "demand-plain", "web");
    await assertNotSynced(demand, "demand-no", "web");
    // The same objects under mode all: the plain Namespace is synced, the "false" one is not.
    await waitHosts(all.polaris, "demand-plain", "web", [plainIp]);
    await assertNotSynced(all, "demand-no", "web");
  },
});

Deno.test({
  name:
    "e2e: an invalid sync value holds the Service: reported on /debug, nothing registered is removed",
  ...journey,
  async fn() {
    await objects.createNamespace("invalid-svc");
    const ip = await serviceWithPod("invalid-svc", "web");
    await waitHosts(all.polaris, "invalid-svc", "web", [ip]);

    await objects.setServiceAnnotations("invalid-svc", "web", { [SYNC]: "yes" });
    const held = await waitState(all.controller, "invalid-svc", "web", "invalid");
    assert.ok(held.lastError?.includes('"yes"'), `lastError names the value: ${held.lastError}`);
    assert.ok(
      held.report?.problems.some((p) =>
        p.code === "invalid-annotation" && p.message.includes("yes")
      ),
      `report.problems names the value: ${JSON.stringify(held.report)}`,
    );
    const list = await all.controller.getJson("/debug/services?namespace=invalid-svc");
    assert.ok(JSON.stringify(list.body).includes('"invalid"'), "the list shows the state");
    await pause(1_000);
    assert.deepStrictEqual(
      (await instancesOf(all.polaris, "invalid-svc", "web")).map((i) => i.host),
      [ip],
      "the registered instance is kept while the input is invalid",
    );
    // Mode demand holds it the same way (the Service's own annotation is read in any mode).
    await waitState(demand.controller, "invalid-svc", "web", "invalid");

    // An invalid Namespace value: its Services are held and the reason is reported.
    await objects.createNamespace("invalid-ns", { [SYNC]: "maybe" });
    await serviceWithPod("invalid-ns", "web");
    const nsHeld = await waitState(all.controller, "invalid-ns", "web", "invalid");
    assert.ok(
      nsHeld.lastError?.includes('"maybe"'),
      `lastError names the value: ${nsHeld.lastError}`,
    );
    assert.deepStrictEqual(await instancesOf(all.polaris, "invalid-ns", "web"), []);

    // Fixed input is synced again.
    await objects.setServiceAnnotations("invalid-svc", "web", { [SYNC]: "true" });
    await waitState(all.controller, "invalid-svc", "web", "synced");
    await waitHosts(demand.polaris, "invalid-svc", "web", [ip]);
  },
});

Deno.test({
  name: "e2e: an invalid sync value and a conflict are reported as Warning Events on the Service",
  ...journey,
  async fn() {
    await objects.createNamespace("events");
    const clashIp = nextIp();
    await all.polaris.seedInstances([{
      namespace: "events",
      service: "clash",
      host: clashIp,
      port: 8080,
      metadata: { clusterName: "someone-else", source: "polaris-controller" },
    }]);
    await serviceWithPod("events", "bad", { [SYNC]: "yes" });
    await addService(objects, "events", "clash", { pods: [{ name: "clash-0", ip: clashIp }] });
    await waitState(all.controller, "events", "clash", "conflict");
    const eventFor = async (service: string, reason: string, text: string) =>
      await waitFor(async () => {
        const list = await objects.core.listNamespacedEvent({ namespace: "events" });
        return list.items.find((e) =>
          e.involvedObject.kind === "Service" && e.involvedObject.name === service &&
          e.reason === reason && e.type === "Warning" && (e.message ?? "").includes(text)
        );
      }, { what: `a ${reason} Event on Service "events/${service}"`, timeoutMs: CONVERGE_MS });
    await eventFor("bad", "SyncInvalid", '"yes"');
    await eventFor("clash", "SyncConflict", clashIp);
    assert.deepStrictEqual(
      (await instancesOf(all.polaris, "events", "clash")).map((i) => i.metadata.clusterName),
      ["someone-else"],
    );
  },
});

Deno.test({
  name: "e2e: a Service annotation flipped true→false removes its instances, false→true registers",
  ...journey,
  async fn() {
    await objects.createNamespace("flip-svc");
    const ip = await serviceWithPod("flip-svc", "web", { [SYNC]: "true" });
    await waitHosts(all.polaris, "flip-svc", "web", [ip]);
    await waitHosts(demand.polaris, "flip-svc", "web", [ip]);

    await objects.setServiceAnnotations("flip-svc", "web", { [SYNC]: "false" });
    await waitHosts(all.polaris, "flip-svc", "web", []);
    await waitHosts(demand.polaris, "flip-svc", "web", []);
    assert.ok(
      (await all.polaris.services("flip-svc")).some((s) => s.name === "web"),
      "the Polaris service itself is kept",
    );

    await objects.setServiceAnnotations("flip-svc", "web", { [SYNC]: "true" });
    await waitHosts(all.polaris, "flip-svc", "web", [ip]);
    await waitHosts(demand.polaris, "flip-svc", "web", [ip]);
  },
});

Deno.test({
  name: "e2e: a Namespace annotation flip moves every Service in it, without waiting for a resync",
  ...journey,
  async fn() {
    await objects.createNamespace("flip-ns");
    const ipA = await serviceWithPod("flip-ns", "a");
    const ipB = await serviceWithPod("flip-ns", "b");
    await waitHosts(all.polaris, "flip-ns", "a", [ipA]);
    await waitHosts(all.polaris, "flip-ns", "b", [ipB]);
    assert.deepStrictEqual(await instancesOf(demand.polaris, "flip-ns", "a"), []);

    await objects.setNamespaceAnnotations("flip-ns", { [SYNC]: "true" });
    await waitHosts(demand.polaris, "flip-ns", "a", [ipA]);
    await waitHosts(demand.polaris, "flip-ns", "b", [ipB]);

    await objects.setNamespaceAnnotations("flip-ns", { [SYNC]: "false" });
    for (const side of [all, demand]) {
      await waitHosts(side.polaris, "flip-ns", "a", []);
      await waitHosts(side.polaris, "flip-ns", "b", []);
    }

    await objects.setNamespaceAnnotations("flip-ns", {});
    await waitHosts(all.polaris, "flip-ns", "a", [ipA]);
    await waitHosts(all.polaris, "flip-ns", "b", [ipB]);
    await pause(500);
    assert.deepStrictEqual(
      await instancesOf(demand.polaris, "flip-ns", "a"),
      [],
      "demand: absent is not a yes",
    );
  },
});

Deno.test({
  name: "e2e: Services in an ignored namespace and ExternalName Services are never synced",
  ...journey,
  async fn() {
    await objects.createNamespace("polaris-system");
    await serviceWithPod("polaris-system", "controller", { [SYNC]: "true" });
    await objects.createNamespace("external");
    await objects.core.createNamespacedService({
      namespace: "external",
      body: {
        metadata: { name: "db", namespace: "external", annotations: { [SYNC]: "true" } },
        spec: { type: "ExternalName", externalName: "db.example.com" },
      },
    });
    await sentinel("external");
    for (const side of [all, demand]) {
      await assertNotSynced(side, "polaris-system", "controller");
      await assertNotSynced(side, "external", "db");
    }
  },
});

Deno.test({
  name: "e2e: headless and selector-less Services are synced from their endpoints",
  ...journey,
  async fn() {
    await objects.createNamespace("shapes");
    const headlessIps = [nextIp(), nextIp()];
    await objects.core.createNamespacedService({
      namespace: "shapes",
      body: {
        metadata: { name: "headless", namespace: "shapes" },
        spec: {
          clusterIP: "None",
          selector: { app: "headless" },
          ports: [{ name: "tcp", port: 7000, targetPort: 7000 as never, protocol: "TCP" }],
        },
      },
    });
    for (const [i, ip] of headlessIps.entries()) {
      await objects.createPod("shapes", `headless-${i}`, {
        labels: { app: "headless" },
        nodeName: "node-1",
      });
      await objects.setPodReady("shapes", `headless-${i}`, ip, true);
    }
    const headless = await waitHosts(all.polaris, "shapes", "headless", headlessIps);
    assert.ok(headless.every((i) => i.port === 7000 && i.protocol === "tcp/TCP"), "headless ports");

    // No selector: the user writes the Endpoints; Kubernetes mirrors them into an EndpointSlice.
    const manualIp = nextIp();
    await objects.core.createNamespacedService({
      namespace: "shapes",
      body: {
        metadata: { name: "manual", namespace: "shapes" },
        spec: { ports: [{ name: "pg", port: 5432, targetPort: 5432 as never, protocol: "TCP" }] },
      },
    });
    await objects.core.createNamespacedEndpoints({
      namespace: "shapes",
      body: {
        metadata: { name: "manual", namespace: "shapes" },
        subsets: [{
          addresses: [{ ip: manualIp }],
          ports: [{ name: "pg", port: 5432, protocol: "TCP" }],
        }],
      },
    });
    const [manual] = await waitHosts(all.polaris, "shapes", "manual", [manualIp]);
    assert.deepStrictEqual(manual.port, 5432);
    assert.deepStrictEqual(manual.protocol, "pg/TCP");
    assert.deepStrictEqual(manual.isolate, false);
  },
});

Deno.test({
  name: "e2e: teardown (sync rules)",
  ...journey,
  async fn() {
    for (const side of [all, demand]) {
      assert.deepStrictEqual(await side.controller.stop(), 0);
      await side.polaris.stop();
    }
    await objects.close();
    await plane.stop();
  },
});
