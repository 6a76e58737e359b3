/**
 * The Kubernetes cluster source against a real current kube-apiserver that misbehaves on purpose:
 * watches closed every 2–4 s (`--min-request-timeout=2`), no watch cache (so a compaction turns
 * the next watch into 410 Gone), a frozen server, RBAC without `watch`, and a second control
 * plane watched from the same process.
 */

import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import type { ClusterChange, ClusterSource } from "../../domain/cluster.ts";
import { startControlPlane } from "../../tests/cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../../tests/cluster/objects.ts";
import { createKubernetesSource, type KubernetesSourceOptions } from "./kubernetes_source.ts";

function start(kubeconfigPath: string, options: Partial<KubernetesSourceOptions> = {}) {
  const changes: ClusterChange[] = [];
  const logs: string[] = [];
  const source: ClusterSource = createKubernetesSource({
    clusterName: "cluster-a",
    kubeconfigPath,
    backoffBaseMs: 100,
    backoffMaxMs: 500,
    log: (level, message) => logs.push(`${level} ${message}`),
    ...options,
  });
  source.subscribe((change) => changes.push(change));
  return { source, changes, logs, started: source.start() };
}

function countFor(changes: readonly ClusterChange[], namespace: string, name: string): number {
  return changes.filter((change) =>
    change.kind === "service" && change.namespace === namespace && change.name === name
  ).length;
}

async function sameServices(source: ClusterSource, objects: ClusterObjects): Promise<void> {
  const listed = await objects.core.listServiceForAllNamespaces();
  deepStrictEqual(
    [...source.services()].map((service) => `${service.namespace}/${service.name}`).sort(),
    listed.items.map((service) => `${service.metadata?.namespace}/${service.metadata?.name}`)
      .sort(),
  );
}

Deno.test("createKubernetesSource() against a kube-apiserver that closes, forgets and freezes", async (t) => {
  const plane = await startControlPlane({
    withControllerManager: false,
    minRequestTimeoutSeconds: 2,
    watchCache: false,
  });
  const objects = new ClusterObjects(plane.kubeconfigPath);
  try {
    await t.step("reconnects without loss when the server ends watches every 2–4 s", async () => {
      const ns = "short-watches";
      await objects.createNamespace(ns);
      // timeoutSeconds 0: the server picks the watch length from --min-request-timeout.
      const { source, changes, started } = start(plane.kubeconfigPath, { watchTimeoutSeconds: 0 });
      await started;
      try {
        await waitFor(() => source.synced, { what: "synced" });
        const names = Array.from({ length: 24 }, (_, index) => `svc-${index}`);
        for (const name of names) {
          await objects.createService(ns, name);
          await new Promise((resolve) => setTimeout(resolve, 250)); // spread writes over reconnects
        }
        await waitFor(() => names.every((name) => source.service(ns, name)), {
          what: "every Service",
        });
        // The server ends each watch after 2–4 s; wait until the source has reconnected at least
        // twice (on a loaded machine the writes above may fit in fewer), then check that the
        // reconnects neither lost nor repeated a change.
        const restarts = () =>
          source.status().resources.find((status) => status.resource === "services")?.restarts ?? 0;
        await waitFor(() => restarts() >= 2, { what: "two watch reconnects", timeoutMs: 30_000 });
        for (const name of names) {
          equal(countFor(changes, ns, name), 1, `${name} seen exactly once`);
        }
        ok(!changes.some((change) => change.kind === "relisted"), "no relist needed");
      } finally {
        await source.stop();
      }
    });

    await t.step("relists after a compaction makes its resourceVersion too old (410)", async () => {
      const ns = "compaction";
      await objects.createNamespace(ns);
      await objects.createService(ns, "before");
      const { source, changes, started } = start(plane.kubeconfigPath, { watchTimeoutSeconds: 0 });
      await started;
      try {
        await waitFor(() => source.service(ns, "before"), { what: "the first Service" });
        // Two unwatched writes, then a compaction at the last one: a watch resumed from the
        // source's resourceVersion R starts at R+1, which is now compacted away.
        for (const name of ["bump-1", "bump-2"]) {
          await objects.core.createNamespacedConfigMap({
            namespace: ns,
            body: { metadata: { name } },
          });
        }
        await plane.compact();
        await waitFor(() => changes.some((change) => change.kind === "relisted"), {
          what: "a relist after the compaction",
          timeoutMs: 15_000,
        });
        equal(countFor(changes, ns, "before"), 1, "the relist found no difference for it");
        await objects.createService(ns, "after");
        await waitFor(() => source.service(ns, "after"), {
          what: "a Service created after the relist",
        });
        await sameServices(source, objects);
      } finally {
        await source.stop();
      }
    });

    await t.step("restarts watches of a frozen server through the watchdog", async () => {
      const ns = "frozen";
      await objects.createNamespace(ns);
      const { source, started } = start(plane.kubeconfigPath, {
        watchTimeoutSeconds: 0,
        watchdogMs: 1000,
      });
      await started;
      try {
        await waitFor(() => source.synced, { what: "synced" });
        plane.pauseApiserver();
        try {
          await waitFor(
            () =>
              source.status().resources.every((status) =>
                /silent|no answer/.test(status.lastError ?? "")
              ),
            { what: "every watch restarted by the watchdog", timeoutMs: 10_000 },
          );
        } finally {
          plane.resumeApiserver();
        }
        await objects.createService(ns, "thawed");
        await waitFor(() => source.service(ns, "thawed"), {
          what: "a Service after the thaw",
          timeoutMs: 15_000,
        });
        await sameServices(source, objects);
      } finally {
        await source.stop();
      }
    });

    await t.step("reports a missing RBAC watch or list permission instead of hanging", async () => {
      await objects.grantClusterWide("lister", ["get", "list"], [
        "namespaces",
        "services",
        "endpoints",
        "pods",
      ]);
      const lister = start(await plane.makeUserKubeconfig("lister", ["testers"]));
      const nobody = start(await plane.makeUserKubeconfig("nobody"));
      await Promise.all([lister.started, nobody.started]);
      try {
        await waitFor(
          () =>
            lister.source.status().resources.filter((status) => status.resource !== "pods")
              .length === 3,
          { what: "every watcher of the lister" },
        );
        const services = await waitFor(
          () =>
            lister.source.status().resources.find((status) =>
              status.lastError?.includes("watch services")
            ),
          { what: "the watch error of the lister" },
        );
        match(
          services.lastError ?? "",
          /^Cannot watch services: forbidden by RBAC.*403.*"lister" cannot watch/,
        );
        ok(
          lister.logs.some((line) =>
            line.startsWith("error") && line.includes("Cannot watch services")
          ),
        );
        const namespaces = await waitFor(
          () =>
            nobody.source.status().resources.find((status) =>
              status.lastError?.includes("list namespaces")
            ),
          { what: "the list error of nobody" },
        );
        match(
          namespaces.lastError ?? "",
          /^Cannot list namespaces: forbidden by RBAC.*"nobody" cannot list/,
        );
        equal(nobody.source.synced, false);
      } finally {
        await Promise.all([lister.source.stop(), nobody.source.stop()]);
      }
    });

    await t.step("watches two control planes from one process", async () => {
      const other = await startControlPlane({ withControllerManager: false });
      const otherObjects = new ClusterObjects(other.kubeconfigPath);
      try {
        const a = start(plane.kubeconfigPath, { clusterName: "cluster-a" });
        const b = start(other.kubeconfigPath, { clusterName: "cluster-b" });
        await Promise.all([a.started, b.started]);
        try {
          await objects.createNamespace("pair");
          await otherObjects.createNamespace("pair");
          await objects.createService("pair", "only-a");
          await otherObjects.createService("pair", "only-b");
          await waitFor(
            () => a.source.service("pair", "only-a") && b.source.service("pair", "only-b"),
            {
              what: "each cluster's Service in its own source",
            },
          );
          equal(a.source.service("pair", "only-b"), undefined);
          equal(b.source.service("pair", "only-a"), undefined);
          equal(a.source.clusterName, "cluster-a");
          equal(b.source.status().clusterName, "cluster-b");
          await sameServices(b.source, otherObjects);
        } finally {
          await Promise.all([a.source.stop(), b.source.stop()]);
        }
      } finally {
        await otherObjects.close();
        await other.stop();
      }
    });
  } finally {
    await objects.close();
    await plane.stop();
  }
});
