/**
 * End-to-end: a multi-port Service done right (issue 16 item 2, polaris#310), with the controller
 * process, a real kube-apiserver with kube-controller-manager and a real PolarisMesh server: one
 * instance per Pod and target port, each with its own port name and protocol, TCP and UDP alike;
 * a port removed from the Service removes its instances and writes nothing to the others.
 */
import assert from "node:assert/strict";
import type { V1ServicePort } from "@kubernetes/client-node";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import {
  addPod,
  CONVERGE_MS,
  ensureNode,
  instancesOf,
  journey,
  waitEndpoints,
  withController,
} from "./journey_kit.ts";

const NS = "ports-multi";
const PORTS: V1ServicePort[] = [
  { name: "http", port: 80, targetPort: 8080 as never, protocol: "TCP" },
  { name: "grpc", port: 90, targetPort: 9090 as never, protocol: "TCP" },
  { name: "syslog", port: 514, targetPort: 5514 as never, protocol: "UDP" },
];

const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
await ensureNode(objects);

Deno.test({
  name:
    "e2e: a multi-port Service gives one instance per Pod and port, each with its own protocol; a removed port takes only its own",
  ...journey,
  async fn() {
    await objects.createNamespace(NS);
    await withController(plane.kubeconfigPath, {
      clusterName: "ports-a",
      resyncPeriod: "1s",
    }, async (polaris, controller) => {
      await objects.createService(NS, "api", { selector: { app: "api" }, ports: PORTS });
      await addPod(objects, NS, "api", { name: "api-0", ip: "10.76.0.1" });
      await addPod(objects, NS, "api", { name: "api-1", ip: "10.76.0.2" });
      await waitEndpoints(objects, NS, "api", ["10.76.0.1", "10.76.0.2"]);
      await controller.waitReady();
      const shape = async () =>
        (await instancesOf(polaris, NS, "api")).map((i) => `${i.host}:${i.port} ${i.protocol}`);
      const all = [
        "10.76.0.1:5514 syslog/UDP",
        "10.76.0.1:8080 http/TCP",
        "10.76.0.1:9090 grpc/TCP",
        "10.76.0.2:5514 syslog/UDP",
        "10.76.0.2:8080 http/TCP",
        "10.76.0.2:9090 grpc/TCP",
      ];
      let last: string[] = [];
      await waitFor(async () => {
        last = (await shape()).sort();
        return JSON.stringify(last) === JSON.stringify(all);
      }, { what: "six instances, one per Pod and port", timeoutMs: CONVERGE_MS });

      // grpc removed from the Service: its two instances go, nothing else is written.
      polaris.resetRequests();
      await objects.setServicePorts(NS, "api", PORTS.filter((p) => p.name !== "grpc"));
      await waitFor(async () => {
        last = (await shape()).sort();
        return last.length === 4;
      }, { what: "the grpc instances removed", timeoutMs: CONVERGE_MS });
      assert.deepStrictEqual(last, all.filter((line) => !line.includes("grpc")));
      const touched = polaris.writes().flatMap((w) => Array.isArray(w.body) ? w.body : [w.body])
        .map((item) => (item ?? {}) as Record<string, unknown>)
        .filter((i) => i.service === "api").map((i) => Number(i.port));
      assert.ok(touched.length > 0 && touched.every((port) => port === 9090), `${touched}`);
      assert.deepStrictEqual(await controller.stop(), 0);
    });
  },
});

Deno.test({
  name: "e2e: teardown (multi-port)",
  ...journey,
  async fn() {
    await objects.close();
    await plane.stop();
  },
});
