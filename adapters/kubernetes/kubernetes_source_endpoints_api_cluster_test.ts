/**
 * Which endpoint API the Kubernetes source reads on the current Kubernetes (sync-rules §2.6:
 * EndpointSlices `discovery.k8s.io/v1`, found by API discovery; core/v1 Endpoints never read where
 * v1 is served). kube-apiserver's audit log is the witness: the source runs as its own user, so
 * every request it made is there, apart from kube-controller-manager's. Since 1.33 every core/v1
 * Endpoints request draws `Warning: v1 Endpoints is deprecated`; the source logs API warnings, so
 * none may show up. A source configured to read Endpoints is the control case: its requests and the
 * warning appear.
 */

import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { currentKubernetesVersion } from "../../tests/cluster/binaries.ts";
import { type AuditEvent, startControlPlane } from "../../tests/cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../../tests/cluster/objects.ts";
import { endpointLines, startWatchedSource, waitForLines } from "./testdata/watched_source.ts";

const NODE = "node-api";
const USER = "polaris-sync";

/** `"<verb> <resource>.<group>/<version>"` of each request a user made, without repeats. */
function requestsOf(events: readonly AuditEvent[], user: string): string[] {
  const seen = new Set<string>();
  for (const event of events) {
    if (event.user.username !== user || !event.objectRef?.resource) continue;
    const ref = event.objectRef;
    seen.add(`${event.verb} ${ref.resource}.${ref.apiGroup ?? ""}/${ref.apiVersion ?? ""}`);
  }
  return [...seen].sort();
}

Deno.test("createKubernetesSource() on the current Kubernetes reads EndpointSlice v1 and never core/v1 Endpoints", async (t) => {
  const plane = await startControlPlane({ auditLog: true });
  const objects = new ClusterObjects(plane.kubeconfigPath);
  try {
    equal(plane.kubernetes, "current");
    equal(plane.version, currentKubernetesVersion(), "the pinned version runs");
    const kubeconfig = await plane.makeUserKubeconfig(USER, ["system:masters"]);
    await objects.createNode(NODE);
    await objects.createNamespace("api");
    await objects.createService("api", "web", { selector: { app: "web" } });
    await objects.createPod("api", "web-1", { labels: { app: "web" }, nodeName: NODE });
    await objects.setPodReady("api", "web-1", "10.244.7.1", true);

    await t.step(
      "discovery picks discovery.k8s.io/v1; no Endpoints request, no warning",
      async () => {
        const { source, logs } = await startWatchedSource(kubeconfig);
        try {
          await waitForLines(
            () => endpointLines(source.endpoints("api", "web")),
            ["10.244.7.1 ready web-1 http:8080"],
            "web's endpoint through EndpointSlice v1",
          );
          // A readiness flip and a new Service: the watches run, not only the first lists.
          await objects.setPodReady("api", "web-1", "10.244.7.1", false);
          await objects.createService("api", "late");
          await waitFor(() => source.service("api", "late"), { what: "the later Service" });
          await waitForLines(
            () => endpointLines(source.endpoints("api", "web")),
            ["10.244.7.1 notready web-1 http:8080"],
            "the flip through the watch",
          );
          ok(
            logs.some((line) =>
              line.includes("watching endpoints through EndpointSlices discovery.k8s.io/v1 ")
            ),
            logs.join("\n"),
          );
          const requests = await waitFor(async () => {
            const made = requestsOf(await plane.auditEvents(), USER);
            return made.filter((request) => request.startsWith("watch ")).length >= 4 && made;
          }, { what: "the four watches of the source in the audit log" });
          deepStrictEqual(requests, [
            "list endpointslices.discovery.k8s.io/v1",
            "list namespaces./v1",
            "list pods./v1",
            "list services./v1",
            "watch endpointslices.discovery.k8s.io/v1",
            "watch namespaces./v1",
            "watch pods./v1",
            "watch services./v1",
          ]);
          const warnings = logs.filter((line) => line.includes("warns"));
          deepStrictEqual(warnings, [], "no API warning logged");
        } finally {
          await source.stop();
        }
      },
    );

    await t.step(
      "control: a source told to read core/v1 Endpoints does, and logs the warning once",
      async () => {
        const other = "polaris-sync-endpoints";
        const otherConfig = await plane.makeUserKubeconfig(other, ["system:masters"]);
        const { source, logs } = await startWatchedSource(otherConfig, {
          endpointsApi: "endpoints",
        });
        try {
          await waitForLines(
            () => endpointLines(source.endpoints("api", "web")),
            ["10.244.7.1 notready web-1 http:8080"],
            "web's endpoint through core/v1 Endpoints",
          );
          const requests = await waitFor(async () => {
            const made = requestsOf(await plane.auditEvents(), other);
            return made.includes("watch endpoints./v1") && made;
          }, { what: "the Endpoints watch in the audit log" });
          ok(requests.includes("list endpoints./v1"), JSON.stringify(requests));
          ok(
            !requests.some((request) => request.includes("endpointslices")),
            JSON.stringify(requests),
          );
          const warnings = logs.filter((line) => line.includes("warns"));
          equal(warnings.length, 1, warnings.join("\n"));
          ok(warnings[0].startsWith("warn "), warnings[0]);
          ok(warnings[0].includes("v1 Endpoints is deprecated"), warnings[0]);
          ok(warnings[0].includes('"path":"/api/v1/endpoints"'), warnings[0]);
        } finally {
          await source.stop();
        }
      },
    );
  } finally {
    await objects.close();
    await plane.stop();
  }
});
