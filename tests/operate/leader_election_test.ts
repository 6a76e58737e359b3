/**
 * Leader election with two controller processes on one real kube-apiserver and one Polaris
 * emulator: exactly one writes, SIGKILL of the leader hands over within a lease duration (plus a
 * retry period, as client-go's rules allow), nothing is written twice or lost, and SIGTERM
 * releases the Lease.
 */
import assert from "node:assert/strict";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { parseExposition } from "../metrics/parse_exposition.ts";
import { KubeClient, loadKubeConfig } from "../../adapters/kubernetes/kube_client.ts";
import { parseLease } from "../../adapters/leader/lease_record.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import { type ControllerProcess, meshConfig, startController } from "../e2e/controller_process.ts";

const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
const kube = new KubeClient(loadKubeConfig({ kubeconfigPath: plane.kubeconfigPath }));
await objects.createNode("node-1");
await objects.createNamespace("polaris-system");

const journey = { sanitizeOps: false, sanitizeResources: false };
const LEASE_MS = 4_000;
const RETRY_MS = 1_000;

function config(polarisUrl: string, identity: string): string {
  return meshConfig({
    polarisUrl,
    clusterName: "le-a",
    resyncPeriod: "2s",
    extra: [
      "leaderElection:",
      "  enabled: true",
      "  namespace: polaris-system",
      "  name: sync-lease",
      "  leaseDuration: 4s",
      "  renewDeadline: 3s",
      "  retryPeriod: 1s",
      `  identity: ${identity}`,
    ].join("\n"),
  });
}

async function role(controller: ControllerProcess): Promise<{ role: string; holder: string }> {
  const { body } = await controller.getJson("/readyz");
  const details = (body as { details: { role: string; leaseHolder: string | null } }).details;
  return { role: details.role, holder: details.leaseHolder ?? "" };
}

/** Polaris requests this replica sent, summed over `/metrics` (it parses, strictly). */
async function polarisRequests(controller: ControllerProcess): Promise<number> {
  const text = await (await fetch(`${controller.url}/metrics`)).text();
  const family = parseExposition(text).find((f) =>
    f.name === "polaris_sync_polaris_requests_total"
  );
  return (family?.samples ?? []).reduce((sum, s) => sum + s.value, 0);
}

async function leaderGauge(controller: ControllerProcess): Promise<number | undefined> {
  const text = await (await fetch(`${controller.url}/metrics`)).text();
  return parseExposition(text).find((f) => f.name === "polaris_sync_leader")?.samples[0]?.value;
}

async function lease() {
  const answer = await kube.request({
    method: "GET",
    path: "/apis/coordination.k8s.io/v1/namespaces/polaris-system/leases/sync-lease",
  });
  assert.deepStrictEqual(answer.status, 200);
  return parseLease(answer.body);
}

/** Instance writes the emulator saw, by "METHOD /path". */
function writes(emulator: Awaited<ReturnType<typeof startPolarisEmulator>>) {
  return Object.fromEntries(
    Object.entries(emulator.requests()).filter(([k]) =>
      k.startsWith("POST") || k.startsWith("PUT")
    ),
  );
}

async function addPod(name: string, ip: string): Promise<void> {
  await objects.createPod("leader1", name, { labels: { app: "web" }, nodeName: "node-1" });
  await objects.setPodReady("leader1", name, ip, true);
}

Deno.test({
  name: "leader election: one writer, fast handover on SIGKILL, nothing written twice or lost",
  ...journey,
  async fn() {
    const emulator = await startPolarisEmulator();
    const a = await startController({
      config: config(emulator.url, "replica-a"),
      kubeconfig: plane.kubeconfigPath,
    });
    let b: ControllerProcess | null = null;
    try {
      await objects.createNamespace("leader1");
      await objects.createService("leader1", "web", {
        selector: { app: "web" },
        ports: [{ name: "http", port: 80, targetPort: 8080 as never, protocol: "TCP" }],
      });
      await addPod("web-1", "10.7.0.1");
      await addPod("web-2", "10.7.0.2");
      await a.waitReady(120_000);
      await waitFor(async () => (await role(a)).role === "leader", {
        what: "replica-a leads",
        timeoutMs: 60_000,
      });
      b = await startController({
        config: config(emulator.url, "replica-b"),
        kubeconfig: plane.kubeconfigPath,
      });
      await b.waitReady(120_000);
      await waitFor(async () => (await role(b!)).holder === "replica-a", {
        what: "replica-b sees replica-a as the holder",
        timeoutMs: 60_000,
      });
      assert.deepStrictEqual(await role(b), { role: "follower", holder: "replica-a" });
      assert.deepStrictEqual(await leaderGauge(a), 1);
      assert.deepStrictEqual(await leaderGauge(b), 0);

      const instances = () =>
        emulator.state.instances({ namespace: "leader1", service: "web" }).map((i) =>
          `${i.host}:${i.port}`
        ).sort();
      await waitFor(() => instances().length === 2, { what: "two instances", timeoutMs: 60_000 });
      await addPod("web-3", "10.7.0.3");
      await waitFor(() => instances().length === 3, { what: "web-3 by the leader" });
      assert.ok((await polarisRequests(a)) > 0, "the leader talks to Polaris");
      assert.deepStrictEqual(
        await polarisRequests(b),
        0,
        "the follower sends Polaris nothing at all",
      );
      const before = await lease();
      assert.deepStrictEqual(before.holderIdentity, "replica-a");
      assert.deepStrictEqual(before.leaseDurationSeconds, 4);

      // Kill the leader without any chance to release, then change the cluster in the gap.
      emulator.resetRequests();
      const killedAt = Date.now();
      await a.stop("SIGKILL");
      await addPod("web-4", "10.7.0.4");
      await waitFor(async () => (await role(b!)).role === "leader", {
        what: "replica-b takes over",
        timeoutMs: 30_000,
        intervalMs: 50,
      });
      const handoverMs = Date.now() - killedAt;
      console.log(`handover after SIGKILL: ${handoverMs} ms (lease ${LEASE_MS} ms)`);
      // client-go's rule: expiry counts from when the follower last saw the Lease change, so the
      // bound is a lease plus one retry period (with jitter); 2 s more for a loaded machine.
      assert.ok(handoverMs <= LEASE_MS + 1.2 * RETRY_MS + 2_000, `handover took ${handoverMs} ms`);
      const after = await lease();
      assert.deepStrictEqual(after.holderIdentity, "replica-b");
      assert.deepStrictEqual(after.leaseTransitions, before.leaseTransitions + 1);

      await waitFor(() => instances().length === 4, { what: "web-4 registered by replica-b" });
      assert.deepStrictEqual(instances(), [
        "10.7.0.1:8080",
        "10.7.0.2:8080",
        "10.7.0.3:8080",
        "10.7.0.4:8080",
      ]);
      const metadata = emulator.state.instances({ namespace: "leader1", service: "web" })
        .map((i) => i.metadata.clusterName);
      assert.deepStrictEqual(metadata, ["le-a", "le-a", "le-a", "le-a"]);
      // Let the new leader run a few resyncs: it must not rewrite what is already there.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const seen = writes(emulator);
      const creates = seen["POST /naming/v1/instances"] ?? 0;
      assert.deepStrictEqual(
        creates,
        1,
        `one create request, for web-4 only: ${JSON.stringify(seen)}`,
      );
      assert.deepStrictEqual(seen["POST /naming/v1/instances/delete"] ?? 0, 0, "nothing deleted");
      assert.deepStrictEqual(seen["PUT /naming/v1/instances"] ?? 0, 0, "nothing rewritten");

      // SIGTERM: the leader releases the Lease for a fast successor.
      assert.deepStrictEqual(await b.stop("SIGTERM"), 0);
      const released = await lease();
      assert.deepStrictEqual(released.holderIdentity, "");
      assert.ok(b.output().includes("Released the Lease"), "the release is logged");
      assert.deepStrictEqual(instances().length, 4, "SIGTERM deregisters nothing");
    } finally {
      await a.stop();
      await b?.stop();
      await emulator.stop();
    }
  },
});

Deno.test({
  name: "leader election: a released Lease is taken at the next retry, not after a lease",
  ...journey,
  async fn() {
    const emulator = await startPolarisEmulator();
    const c = await startController({
      config: config(emulator.url, "replica-c"),
      kubeconfig: plane.kubeconfigPath,
    });
    try {
      await waitFor(async () => (await fetch(`${c.url}/healthz`)).ok, {
        what: "replica-c answers HTTP",
        timeoutMs: 60_000,
        intervalMs: 50,
      });
      const up = Date.now();
      await waitFor(async () => (await role(c)).role === "leader", {
        what: "replica-c leads",
        timeoutMs: 60_000,
        intervalMs: 50,
      });
      const tookMs = Date.now() - up;
      console.log(`replica-c leads ${tookMs} ms after its HTTP server came up`);
      // An unreleased Lease would make it wait a full lease from its first look at it.
      assert.ok(tookMs < LEASE_MS, `took ${tookMs} ms: the Lease was not released`);
      assert.deepStrictEqual((await lease()).holderIdentity, "replica-c");
      await waitFor(() => emulator.state.instances({ namespace: "leader1" }).length === 4, {
        what: "the new leader registers the cluster's four Pods in a fresh Polaris",
        timeoutMs: 60_000,
      });
    } finally {
      await c.stop();
      await emulator.stop();
    }
  },
});

Deno.test({
  name: "leader election: teardown",
  ...journey,
  async fn() {
    await kube.close();
    await objects.close();
    await plane.stop();
  },
});
