/**
 * End-to-end: the instance lifecycle and SPEC §3's safety rules with one cluster: foreign instances
 * untouched, a restart with changes made while the controller was down, a Polaris outage, an idle
 * resync that writes nothing, drift repair, `--dry-run` and `--once`. One real control plane serves
 * the file; each test has its own namespace, real Polaris server (with a fault proxy in front) and
 * controller process.
 */
import assert from "node:assert/strict";
import {
  type PolarisTarget,
  type RegisteredInstance,
  startRealPolaris,
} from "../polaris/polaris_target.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import { type ControllerProcess, meshConfig, startController } from "./controller_process.ts";
import {
  addPod,
  addService,
  CONVERGE_MS,
  deletedHosts,
  ensureNode,
  hostsOf,
  instancesOf,
  journey,
  leaseHolder,
  pause,
  readCount,
  serviceDebug,
  SYNC,
  waitEndpoints,
  waitHosts,
  waitState,
  withController as withPlaneController,
  type WithControllerOptions,
  writeCount,
} from "./journey_kit.ts";

const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
await ensureNode(objects);

/** `withController` on this file's control plane. */
const withController = (
  options: WithControllerOptions,
  fn: (polaris: PolarisTarget, controller: ControllerProcess) => Promise<void>,
) => withPlaneController(plane.kubeconfigPath, options, fn);

/**
 * Watches that none of `hosts` (of one service) is ever removed: no delete request the controller
 * sends names one, and a poll of the server every 50 ms always finds each with its first creation
 * time. A delete followed by a create within one of the server's cache refreshes would not show in
 * reads, so the delete requests are the stronger check.
 */
async function watchNeverRemoved(
  polaris: PolarisTarget,
  namespace: string,
  service: string,
  hosts: readonly string[],
): Promise<{ stop(): Promise<string[]> }> {
  const first = new Map(
    (await instancesOf(polaris, namespace, service)).map((i) => [i.host, i.ctime] as const),
  );
  for (const host of hosts) {
    assert.ok(first.has(host), `"${host}" is registered when watching starts`);
  }
  const before = new Set(deletedHosts(polaris, namespace, service));
  const violations: string[] = [];
  let running = true;
  const poll = (async () => {
    while (running) {
      const now = new Map(
        (await instancesOf(polaris, namespace, service)).map((i) => [i.host, i.ctime] as const),
      );
      for (const host of hosts) {
        if (!now.has(host)) violations.push(`${namespace}/${service} ${host} missing`);
        else if (now.get(host) !== first.get(host)) {
          violations.push(`${namespace}/${service} ${host} re-created`);
        }
      }
      await pause(50);
    }
  })();
  return {
    async stop() {
      running = false;
      await poll;
      for (const host of deletedHosts(polaris, namespace, service)) {
        if (hosts.includes(host) && !before.has(host)) {
          violations.push(`${namespace}/${service} ${host} deleted`);
        }
      }
      return [...new Set(violations)];
    },
  };
}

Deno.test({
  name: "e2e: not-ready pods are isolated, deleted pods and a deleted Service's instances removed",
  ...journey,
  async fn() {
    await withController({ clusterName: "life" }, async (polaris, controller) => {
      await objects.createNamespace("life");
      await addService(objects, "life", "web", {
        pods: [{ name: "web-1", ip: "10.40.0.1" }, { name: "web-2", ip: "10.40.0.2" }],
      });
      await controller.waitReady();
      await waitHosts(polaris, "life", "web", ["10.40.0.1", "10.40.0.2"]);

      await objects.setPodReady("life", "web-1", "10.40.0.1", false);
      await waitFor(
        async () =>
          (await instancesOf(polaris, "life", "web")).find((i) => i.host === "10.40.0.1")?.isolate,
        { what: "web-1 isolated", timeoutMs: CONVERGE_MS },
      );
      assert.deepStrictEqual(
        (await instancesOf(polaris, "life", "web")).length,
        2,
        "isolated, not removed",
      );

      await objects.deletePod("life", "web-2");
      await waitHosts(polaris, "life", "web", ["10.40.0.1"]);

      await objects.deleteService("life", "web");
      await waitHosts(polaris, "life", "web", []);
      assert.ok(
        (await polaris.services("life")).some((s) => s.name === "web"),
        "the Polaris service is kept (other clusters may share it)",
      );
    });
  },
});

Deno.test({
  name: "e2e: foreign instances in a synced service survive every sync and the Service's deletion",
  ...journey,
  async fn() {
    await withController({ clusterName: "mine" }, async (polaris, controller) => {
      const base = { namespace: "mixed", service: "web", port: 8080 };
      await polaris.seedInstances([
        {
          ...base,
          host: "192.0.2.1",
          metadata: { clusterName: "theirs", source: "polaris-controller" },
        },
        { ...base, host: "192.0.2.2", metadata: { clusterName: "mine", source: "other-tool" } },
        { ...base, host: "192.0.2.3" },
        // Ours, for a pod that no longer exists: deleting it shows deletes do happen here.
        {
          ...base,
          host: "192.0.2.4",
          metadata: { clusterName: "mine", source: "polaris-controller" },
        },
      ]);
      const foreign = async () =>
        (await instancesOf(polaris, "mixed", "web")).filter((i) =>
          ["192.0.2.1", "192.0.2.2", "192.0.2.3"].includes(i.host)
        );
      const before = await foreign();
      assert.deepStrictEqual(before.length, 3);

      await objects.createNamespace("mixed");
      await addService(objects, "mixed", "web", { pods: [{ name: "web-1", ip: "10.41.0.1" }] });
      await controller.waitReady();
      const foreignHosts = ["192.0.2.1", "192.0.2.2", "192.0.2.3"];
      await waitHosts(polaris, "mixed", "web", [...foreignHosts, "10.41.0.1"]);

      await addPod(objects, "mixed", "web", { name: "web-2", ip: "10.41.0.2" });
      await waitHosts(polaris, "mixed", "web", [...foreignHosts, "10.41.0.1", "10.41.0.2"]);
      await objects.setPodReady("mixed", "web-1", "10.41.0.1", false);
      await objects.deletePod("mixed", "web-2");
      await waitHosts(polaris, "mixed", "web", [...foreignHosts, "10.41.0.1"]);

      await objects.deleteService("mixed", "web");
      await waitHosts(polaris, "mixed", "web", foreignHosts);
      assert.deepStrictEqual(
        await foreign(),
        before,
        "foreign instances are byte for byte unchanged",
      );
    });
  },
});

Deno.test({
  name:
    "e2e: a restart after changes made while down sweeps, converges and never drops a healthy one",
  ...journey,
  async fn() {
    const polaris = await startRealPolaris();
    const config = meshConfig({
      polarisUrl: polaris.url,
      token: polaris.token,
      clusterName: "restart",
    });
    let controller = await startController({ config, kubeconfig: plane.kubeconfigPath });
    let monitors: Awaited<ReturnType<typeof watchNeverRemoved>>[] = [];
    try {
      await objects.createNamespace("restart");
      await addService(objects, "restart", "keep", {
        pods: [{ name: "keep-1", ip: "10.42.0.1" }, { name: "keep-2", ip: "10.42.0.2" }],
      });
      await addService(objects, "restart", "gone", { pods: [{ name: "gone-1", ip: "10.42.1.1" }] });
      await addService(objects, "restart", "churn", {
        pods: [{ name: "churn-1", ip: "10.42.2.1" }, { name: "churn-2", ip: "10.42.2.2" }],
      });
      await addService(objects, "restart", "off", { pods: [{ name: "off-1", ip: "10.42.3.1" }] });
      await controller.waitReady();
      await waitHosts(polaris, "restart", "keep", ["10.42.0.1", "10.42.0.2"]);
      await waitHosts(polaris, "restart", "gone", ["10.42.1.1"]);
      await waitHosts(polaris, "restart", "churn", ["10.42.2.1", "10.42.2.2"]);
      await waitHosts(polaris, "restart", "off", ["10.42.3.1"]);

      assert.deepStrictEqual(await controller.stop("SIGTERM"), 0);
      await objects.deleteService("restart", "gone");
      await objects.deletePod("restart", "churn-1");
      await addPod(objects, "restart", "churn", { name: "churn-3", ip: "10.42.2.3" });
      await objects.setServiceAnnotations("restart", "off", { [SYNC]: "false" });
      await waitEndpoints(objects, "restart", "churn", ["10.42.2.2", "10.42.2.3"]);
      // Nothing changed in Polaris while the controller was down.
      assert.deepStrictEqual(hostsOf(await instancesOf(polaris, "restart", "gone")), ["10.42.1.1"]);

      monitors = [
        await watchNeverRemoved(polaris, "restart", "keep", ["10.42.0.1", "10.42.0.2"]),
        await watchNeverRemoved(polaris, "restart", "churn", ["10.42.2.2"]),
      ];
      controller = await startController({ config, kubeconfig: plane.kubeconfigPath });
      await controller.waitReady();
      await waitHosts(polaris, "restart", "gone", []);
      await waitHosts(polaris, "restart", "churn", ["10.42.2.2", "10.42.2.3"]);
      await waitHosts(polaris, "restart", "off", []);
      await waitHosts(polaris, "restart", "keep", ["10.42.0.1", "10.42.0.2"]);
      await pause(1_000);
      const violations = (await Promise.all(monitors.map((m) => m.stop()))).flat();
      assert.deepStrictEqual(violations, [], "no healthy instance disappeared during the restart");
    } finally {
      for (const m of monitors) await m.stop();
      await controller.stop();
      await polaris.stop();
    }
  },
});

Deno.test({
  name: "e2e: a Polaris outage while pods change converges after it, losing nothing",
  ...journey,
  async fn() {
    const extra = "polaris:\n  timeout: 2s\n  maxRetries: 2\n";
    await withController({ clusterName: "outage", extra }, async (polaris, controller) => {
      await objects.createNamespace("outage");
      await addService(objects, "outage", "web", {
        pods: [{ name: "web-1", ip: "10.43.0.1" }, { name: "web-2", ip: "10.43.0.2" }],
      });
      await controller.waitReady();
      await waitHosts(polaris, "outage", "web", ["10.43.0.1", "10.43.0.2"]);
      const monitor = await watchNeverRemoved(polaris, "outage", "web", ["10.43.0.1"]);

      polaris.injectFault({ kind: "status", code: 500000, match: { method: "GET" } });
      polaris.injectFault({ kind: "drop", match: { method: "POST" } });
      polaris.injectFault({ kind: "status", code: 500000, match: { method: "PUT" } });
      await addPod(objects, "outage", "web", { name: "web-3", ip: "10.43.0.3" });
      await objects.deletePod("outage", "web-2");
      await objects.setPodReady("outage", "web-1", "10.43.0.1", false);
      await waitEndpoints(objects, "outage", "web", ["10.43.0.1", "10.43.0.3"]);
      await waitState(controller, "outage", "web", "backoff");
      // The operator endpoints keep answering during the outage.
      const health = await fetch(`${controller.url}/healthz`);
      assert.deepStrictEqual(health.status, 200);
      await health.body?.cancel();
      assert.ok(
        [200, 503].includes((await controller.getJson("/readyz")).status),
        "/readyz answers",
      );
      assert.deepStrictEqual((await controller.getJson("/debug/services")).status, 200);
      const metrics = await fetch(`${controller.url}/metrics`);
      assert.deepStrictEqual(metrics.status, 200);
      await metrics.body?.cancel();
      await pause(3_000);
      assert.deepStrictEqual(hostsOf(await instancesOf(polaris, "outage", "web")), [
        "10.43.0.1",
        "10.43.0.2",
      ]);

      polaris.clearFaults();
      const after = await waitHosts(polaris, "outage", "web", ["10.43.0.1", "10.43.0.3"]);
      await waitFor(
        async () =>
          (await instancesOf(polaris, "outage", "web")).find((i) => i.host === "10.43.0.1")
            ?.isolate,
        { what: "web-1 isolated after the outage", timeoutMs: CONVERGE_MS },
      );
      assert.deepStrictEqual(after.find((i) => i.host === "10.43.0.3")?.isolate, false);
      await waitState(controller, "outage", "web", "synced");
      assert.deepStrictEqual(await monitor.stop(), [], "no instance of a living pod was removed");
      assert.deepStrictEqual((await controller.getJson("/readyz")).status, 200);
    });
  },
});

Deno.test({
  name: "e2e: an idle resync reads Polaris and writes nothing",
  ...journey,
  async fn() {
    await withController(
      { clusterName: "idle", resyncPeriod: "1s" },
      async (polaris, controller) => {
        await objects.createNamespace("idle");
        await addService(objects, "idle", "web", {
          pods: [{ name: "web-1", ip: "10.44.0.1" }, {
            name: "web-2",
            ip: "10.44.0.2",
            ready: false,
          }],
        });
        await addService(objects, "idle", "api", { pods: [{ name: "api-1", ip: "10.44.1.1" }] });
        await controller.waitReady();
        await waitHosts(polaris, "idle", "web", ["10.44.0.1", "10.44.0.2"]);
        await waitHosts(polaris, "idle", "api", ["10.44.1.1"]);
        await waitState(controller, "idle", "web", "synced");
        await waitState(controller, "idle", "api", "synced");
        await pause(500);

        polaris.resetRequests();
        await pause(3_500);
        const requests = polaris.requests();
        assert.deepStrictEqual(
          writeCount(polaris),
          0,
          `no write during an idle resync: ${JSON.stringify(requests)}`,
        );
        assert.ok(
          readCount(polaris) >= 3,
          `the resync ran and read Polaris: ${JSON.stringify(requests)}`,
        );
      },
    );
  },
});

Deno.test({
  name: "e2e: the periodic resync repairs instances deleted or edited in Polaris by hand",
  ...journey,
  async fn() {
    await withController(
      { clusterName: "drift", resyncPeriod: "1s" },
      async (polaris, controller) => {
        await objects.createNamespace("drift");
        await addService(objects, "drift", "web", {
          pods: [{ name: "web-1", ip: "10.45.0.1" }, { name: "web-2", ip: "10.45.0.2" }],
        });
        await controller.waitReady();
        const [first] = await waitHosts(polaris, "drift", "web", ["10.45.0.1", "10.45.0.2"]);
        await waitState(controller, "drift", "web", "synced");
        const target = (host: string) => ({ namespace: "drift", service: "web", host, port: 8080 });
        await polaris.deleteInstance(target("10.45.0.1"));
        await polaris.updateInstance(target("10.45.0.2"), { weight: 7 });

        const repaired = await waitFor(async () => {
          const list = await instancesOf(polaris, "drift", "web");
          return list.length === 2 && list.every((i) => i.weight === 100) ? list : false;
        }, { what: "the resync restoring both instances", timeoutMs: CONVERGE_MS });
        const restored = repaired.find((i) => i.host === first.host) as RegisteredInstance;
        assert.deepStrictEqual(restored.metadata.clusterName, "drift");
        assert.deepStrictEqual(restored.isolate, false);
      },
    );
  },
});

Deno.test({
  name: "e2e: --dry-run logs the plan and sends Polaris no write",
  ...journey,
  async fn() {
    await withController(
      { clusterName: "dry", args: ["--dry-run"] },
      async (polaris, controller) => {
        await polaris.seedInstances([{
          namespace: "dry",
          service: "orphan",
          host: "192.0.2.9",
          port: 8080,
          metadata: { clusterName: "dry", source: "polaris-controller" },
        }]);
        polaris.resetRequests();
        await objects.createNamespace("dry");
        await addService(objects, "dry", "web", {
          annotations: {
            "polarismesh.cn/aliasService": "web-alias",
            "polarismesh.cn/aliasNamespace": "dry-alias",
          },
          pods: [{ name: "web-1", ip: "10.46.0.1" }],
        });
        await waitEndpoints(objects, "dry", "web", ["10.46.0.1"]);
        await controller.waitReady();
        await waitFor(
          () => controller.output().includes("dry run") && controller.output().includes("dry/web"),
          { what: "the plan of dry/web in the log", timeoutMs: CONVERGE_MS },
        );
        await waitFor(() => controller.output().includes("dry/orphan"), {
          what: "the sweep's delete of dry/orphan in the log",
          timeoutMs: CONVERGE_MS,
        });
        assert.ok(controller.output().includes("10.46.0.1"), "the planned instance is logged");
        await pause(1_000);
        assert.deepStrictEqual(
          writeCount(polaris),
          0,
          `no write: ${JSON.stringify(polaris.requests())}`,
        );
        assert.ok(readCount(polaris) > 0, "Polaris was read to plan");
        assert.deepStrictEqual(await instancesOf(polaris, "dry", "web"), []);
        assert.deepStrictEqual((await instancesOf(polaris, "dry", "orphan")).length, 1);
        assert.deepStrictEqual(await polaris.aliases("dry-alias"), []);
      },
    );
  },
});

Deno.test({
  name:
    "e2e: --once converges, prints a JSON summary and exits 0; a conflict makes it exit non-zero",
  ...journey,
  async fn() {
    await objects.createNamespace("once");
    await addService(objects, "once", "web", { pods: [{ name: "web-1", ip: "10.47.0.1" }] });
    await addService(objects, "once", "api", { pods: [{ name: "api-1", ip: "10.47.1.1" }] });
    await waitEndpoints(objects, "once", "web", ["10.47.0.1"]);
    await waitEndpoints(objects, "once", "api", ["10.47.1.1"]);

    const run = async (polaris: PolarisTarget) => {
      const controller = await startController({
        config: meshConfig({ polarisUrl: polaris.url, token: polaris.token, clusterName: "once" }),
        kubeconfig: plane.kubeconfigPath,
        extraArgs: ["--once"],
      });
      const timer = setTimeout(() => controller.stop("SIGKILL"), 60_000);
      const code = await controller.exited;
      clearTimeout(timer);
      const summary = controller.output().split("\n").find((line) => line.includes('"summary"'));
      assert.ok(summary, `a JSON summary line is printed:\n${controller.output()}`);
      return { code, summary: JSON.parse(summary) as Record<string, unknown> };
    };

    const clean = await startRealPolaris();
    try {
      const { code, summary } = await run(clean);
      assert.deepStrictEqual(code, 0, `exit code; summary ${JSON.stringify(summary)}`);
      assert.deepStrictEqual(hostsOf(await instancesOf(clean, "once", "web")), ["10.47.0.1"]);
      assert.deepStrictEqual(hostsOf(await instancesOf(clean, "once", "api")), ["10.47.1.1"]);
    } finally {
      await clean.stop();
    }

    const conflicted = await startRealPolaris();
    try {
      await conflicted.seedInstances([{
        namespace: "once",
        service: "web",
        host: "10.47.0.1",
        port: 8080,
        metadata: { clusterName: "someone-else", source: "polaris-controller" },
      }]);
      const { code, summary } = await run(conflicted);
      assert.ok(code !== 0, `a conflict exits non-zero; summary ${JSON.stringify(summary)}`);
      const [seeded] = await instancesOf(conflicted, "once", "web");
      assert.deepStrictEqual(
        seeded.metadata.clusterName,
        "someone-else",
        "the foreign instance is kept",
      );
      assert.deepStrictEqual(hostsOf(await instancesOf(conflicted, "once", "api")), ["10.47.1.1"]);
    } finally {
      await conflicted.stop();
    }
  },
});

Deno.test({
  name: "e2e: a 4xx verdict from Polaris is reported on the service's actor, not retried blindly",
  ...journey,
  async fn() {
    const extra = "polaris:\n  maxRetries: 2\n";
    await withController(
      { clusterName: "verdict", resyncPeriod: "10m", extra },
      async (polaris, controller) => {
        await objects.createNamespace("verdict");
        await controller.waitReady();
        const create = "POST /naming/v1/instances";
        polaris.injectFault({
          kind: "status",
          code: 400103,
          match: { method: "POST", path: "/naming/v1/instances" },
        });
        await addService(objects, "verdict", "web", { pods: [{ name: "web-1", ip: "10.48.0.1" }] });
        const invalid = await waitState(controller, "verdict", "web", "invalid");
        assert.ok(
          (invalid.lastError ?? "").includes("400103"),
          `lastError names the code: ${invalid.lastError}`,
        );
        // The controller also syncs the other tests' Services on this cluster, so request counts
        // are not this Service's alone: the actor's own reconcile count shows whether it retried.
        // (That the client never retries a 4xx is pinned by the contract tests.)
        const before = await serviceDebug(controller, "verdict", "web");
        const sent = polaris.requests()[create] ?? 0;
        assert.ok(sent >= 1, "the create was sent");
        await pause(2_000);
        const after = await serviceDebug(controller, "verdict", "web");
        assert.deepStrictEqual(after?.state, "invalid", "still invalid");
        assert.deepStrictEqual(
          after?.reconciles,
          before?.reconciles,
          "no retry loop on a 4xx verdict",
        );
        assert.deepStrictEqual(polaris.requests()[create] ?? 0, sent, "nothing sent meanwhile");
        assert.deepStrictEqual(await instancesOf(polaris, "verdict", "web"), []);

        // The next change is tried again and goes through once Polaris accepts it.
        polaris.clearFaults();
        await addPod(objects, "verdict", "web", { name: "web-2", ip: "10.48.0.2" });
        await waitHosts(polaris, "verdict", "web", ["10.48.0.1", "10.48.0.2"]);
        await waitState(controller, "verdict", "web", "synced");
      },
    );
  },
});

Deno.test({
  name: "e2e: with leader election only the Lease holder writes; a follower takes over on exit",
  ...journey,
  async fn() {
    await objects.createNamespace("leases");
    const polaris = await startRealPolaris();
    const config = (identity: string) =>
      meshConfig({
        polarisUrl: polaris.url,
        token: polaris.token,
        clusterName: "elected",
        extra: [
          "leaderElection:",
          "  enabled: true",
          "  namespace: leases",
          "  name: e2e-lock",
          "  leaseDuration: 3s",
          "  renewDeadline: 2s",
          "  retryPeriod: 500ms",
          `  identity: ${identity}`,
        ].join("\n"),
      });
    const role = async (c: ControllerProcess) => {
      const details = ((await c.getJson("/readyz")).body as { details?: { role?: string } })
        .details;
      return details?.role;
    };
    let a: ControllerProcess | undefined;
    let b: ControllerProcess | undefined;
    try {
      a = await startController({ config: config("replica-a"), kubeconfig: plane.kubeconfigPath });
      await objects.createNamespace("elect");
      await addService(objects, "elect", "web", { pods: [{ name: "web-1", ip: "10.49.0.1" }] });
      await waitFor(async () => (await role(a!)) === "leader", {
        what: "replica-a leading",
        timeoutMs: CONVERGE_MS,
      });
      await waitHosts(polaris, "elect", "web", ["10.49.0.1"]);

      b = await startController({ config: config("replica-b"), kubeconfig: plane.kubeconfigPath });
      await waitFor(async () => (await role(b!)) === "follower", {
        what: "replica-b following",
        timeoutMs: CONVERGE_MS,
      });
      assert.deepStrictEqual(
        await leaseHolder(plane.kubeconfigPath, "leases", "e2e-lock"),
        "replica-a",
      );
      // `/debug/services` also lists the Services no cluster syncs (restart/off): count actors.
      assert.deepStrictEqual(
        await b.getJson("/debug/overview").then((r) => r.body).then((body) =>
          (body as { services: number }).services
        ),
        0,
        "a follower runs no service actor",
      );
      const listed = (await b.getJson("/debug/services")).body as { items: { state: string }[] };
      assert.ok(
        listed.items.every((item) => item.state === "unsynced"),
        `a follower lists no actor: ${JSON.stringify(listed.items)}`,
      );

      assert.deepStrictEqual(await a.stop("SIGTERM"), 0);
      await waitFor(async () => (await role(b!)) === "leader", {
        what: "replica-b taking over",
        timeoutMs: CONVERGE_MS,
      });
      await addPod(objects, "elect", "web", { name: "web-2", ip: "10.49.0.2" });
      await waitHosts(polaris, "elect", "web", ["10.49.0.1", "10.49.0.2"]);
    } finally {
      await a?.stop();
      await b?.stop();
      await polaris.stop();
    }
  },
});

Deno.test({
  name: "e2e: teardown (safety rules)",
  ...journey,
  async fn() {
    await objects.close();
    await plane.stop();
  },
});
