/**
 * Dual-stack on the current Kubernetes (sync-rules §2.5: IPv4 and IPv6 slices both register). The
 * test plane serves the Service ranges `10.96.0.0/16,fd00:10:96::/112`; each Pod reports one IP per
 * family in `status.podIPs`, and the real EndpointSlice controller writes one slice per family of
 * the Service: an IPv6 SingleStack Service gets an IPv6 slice, a RequireDualStack one gets both.
 */

import { deepStrictEqual } from "node:assert/strict";
import { startControlPlane } from "../../tests/cluster/control_plane.ts";
import { KubeReader } from "../../tests/cluster/kube_reader.ts";
import { ClusterObjects } from "../../tests/cluster/objects.ts";
import type { RawEndpointSlice } from "./endpoint_groups.ts";
import {
  endpointLines,
  instanceLines,
  startWatchedSource,
  waitForLines,
} from "./testdata/watched_source.ts";

const NODE = "node-ds";
const NS = "dual";

/** The address types of a Service's slices, read fresh from the API server. */
async function addressTypes(reader: KubeReader, service: string): Promise<string[]> {
  const list = await reader.getJson<{ items: RawEndpointSlice[] }>(
    `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices?labelSelector=${
      encodeURIComponent(`kubernetes.io/service-name=${service}`)
    }`,
  );
  return list.items.map((slice) => slice.addressType ?? "").sort();
}

Deno.test("createKubernetesSource() on the current Kubernetes registers IPv6 and dual-stack endpoints", async (t) => {
  const plane = await startControlPlane();
  const objects = new ClusterObjects(plane.kubeconfigPath);
  const reader = new KubeReader(plane.kubeconfigPath);
  try {
    deepStrictEqual(plane.serviceClusterIpRanges, ["10.96.0.0/16", "fd00:10:96::/112"]);
    await objects.createNode(NODE);
    await objects.createNamespace(NS);
    const pods = [
      ["app-1", ["10.244.5.1", "fd00:10:244::5:1"]],
      ["app-2", ["10.244.5.2", "fd00:10:244::5:2"]],
    ] as const;
    for (const [name, ips] of pods) {
      await objects.createPod(NS, name, { labels: { app: "app" }, nodeName: NODE });
      await objects.setPodReady(NS, name, ips, true);
    }
    const { source } = await startWatchedSource(plane.kubeconfigPath);
    try {
      await t.step("an IPv6 SingleStack Service registers IPv6 hosts", async () => {
        const service = await objects.createService(NS, "v6", {
          selector: { app: "app" },
          ipFamilyPolicy: "SingleStack",
          ipFamilies: ["IPv6"],
        });
        deepStrictEqual(service.spec?.ipFamilies, ["IPv6"]);
        await waitForLines(
          () => instanceLines(source, NS, "v6"),
          ["fd00:10:244::5:1:8080 serving", "fd00:10:244::5:2:8080 serving"],
          "the IPv6 instances",
        );
        deepStrictEqual(await addressTypes(reader, "v6"), ["IPv6"]);
      });

      await t.step("a RequireDualStack Service registers both families", async () => {
        const service = await objects.createService(NS, "both", {
          selector: { app: "app" },
          ipFamilyPolicy: "RequireDualStack",
        });
        deepStrictEqual(service.spec?.ipFamilies, ["IPv4", "IPv6"]);
        deepStrictEqual(service.spec?.clusterIPs?.length, 2);
        await waitForLines(
          () => instanceLines(source, NS, "both"),
          [
            "10.244.5.1:8080 serving",
            "10.244.5.2:8080 serving",
            "fd00:10:244::5:1:8080 serving",
            "fd00:10:244::5:2:8080 serving",
          ],
          "both families' instances",
        );
        deepStrictEqual(await addressTypes(reader, "both"), ["IPv4", "IPv6"]);
      });

      await t.step("a readiness flip reaches both families; a delete removes both", async () => {
        await objects.setPodReady(NS, "app-2", pods[1][1], false);
        await waitForLines(
          () => instanceLines(source, NS, "both"),
          [
            "10.244.5.1:8080 serving",
            "10.244.5.2:8080 isolated",
            "fd00:10:244::5:1:8080 serving",
            "fd00:10:244::5:2:8080 isolated",
          ],
          "app-2 isolated in both families",
        );
        await objects.deletePod(NS, "app-1");
        await waitForLines(
          () => endpointLines(source.endpoints(NS, "both")),
          ["10.244.5.2 notready app-2 http:8080", "fd00:10:244::5:2 notready app-2 http:8080"],
          "app-1 gone from both slices",
        );
        await waitForLines(
          () => instanceLines(source, NS, "v6"),
          ["fd00:10:244::5:2:8080 isolated"],
          "app-1 gone from the IPv6 Service",
        );
      });
    } finally {
      await source.stop();
    }
  } finally {
    reader.close();
    await objects.close();
    await plane.stop();
  }
});
