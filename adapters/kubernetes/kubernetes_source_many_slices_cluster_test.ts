/**
 * A Service whose endpoints span several EndpointSlices, on the current Kubernetes: the real
 * EndpointSlice controller puts at most 100 endpoints in a slice (`--max-endpoints-per-slice`
 * default), so 150 ready Pods give at least two slices. Every endpoint must come through, and a
 * change that touches one slice (a readiness flip, Pods deleted) must leave the others' endpoints
 * as they were. After each step the source's view is compared with every slice read fresh.
 */

import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { startControlPlane } from "../../tests/cluster/control_plane.ts";
import { KubeReader } from "../../tests/cluster/kube_reader.ts";
import { ClusterObjects, waitFor } from "../../tests/cluster/objects.ts";
import { endpointGroupsFromSlice, type RawEndpointSlice } from "./endpoint_groups.ts";
import {
  endpointLines,
  instanceLines,
  startWatchedSource,
  waitForLines,
} from "./testdata/watched_source.ts";

const NODE = "node-many";
const NS = "many";
const SERVICE = "big";
const PODS = 150;

function podName(index: number): string {
  return `big-${String(index).padStart(3, "0")}`;
}

function podIp(index: number): string {
  return `10.246.${Math.floor(index / 200)}.${(index % 200) + 1}`;
}

/** Runs `task` for 0..count-1, at most `width` at a time. */
async function pool(count: number, width: number, task: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await task(next++);
  }));
}

/** The Service's slices read fresh: slice name → its endpoint lines. */
async function slices(reader: KubeReader): Promise<Map<string, string[]>> {
  const list = await reader.getJson<
    { items: (RawEndpointSlice & { metadata: { name: string } })[] }
  >(
    `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices?labelSelector=${
      encodeURIComponent(`kubernetes.io/service-name=${SERVICE}`)
    }`,
  );
  return new Map(
    list.items.map((slice) => [slice.metadata.name, endpointLines(endpointGroupsFromSlice(slice))]),
  );
}

function allLines(bySlice: Map<string, string[]>): string[] {
  return [...bySlice.values()].flat().sort();
}

Deno.test("createKubernetesSource() on the current Kubernetes reads a Service spread over several EndpointSlices", async (t) => {
  const plane = await startControlPlane();
  const objects = new ClusterObjects(plane.kubeconfigPath);
  const reader = new KubeReader(plane.kubeconfigPath);
  try {
    await objects.createNode(NODE);
    await objects.createNamespace(NS);
    await objects.createService(NS, SERVICE, { selector: { app: SERVICE } });
    const { source } = await startWatchedSource(plane.kubeconfigPath);
    try {
      const everyPod = Array.from({ length: PODS }, (_, index) => index);
      const serving = (indexes: readonly number[]) =>
        indexes.map((index) => `${podIp(index)}:8080 serving`).sort();

      await t.step(`${PODS} ready Pods: every endpoint, from at least two slices`, async () => {
        await pool(PODS, 8, async (index) => {
          await objects.createPod(NS, podName(index), { labels: { app: SERVICE }, nodeName: NODE });
          await objects.setPodReady(NS, podName(index), podIp(index), true);
        });
        await waitForLines(
          () => instanceLines(source, NS, SERVICE),
          serving(everyPod),
          `all ${PODS} instances`,
          60_000,
        );
        const bySlice = await slices(reader);
        ok(bySlice.size >= 2, `several slices: ${bySlice.size}`);
        ok([...bySlice.values()].every((lines) => lines.length <= 100), "at most 100 per slice");
        deepStrictEqual(endpointLines(source.endpoints(NS, SERVICE)), allLines(bySlice));
      });

      await t.step("a readiness flip in one slice leaves the other slices' endpoints", async () => {
        const before = await slices(reader);
        const [flippedSlice, lines] = [...before].find(([, lines]) => lines.length < 100) ??
          [...before][0];
        const flipped = lines[0].split(" ")[2];
        const index = Number(flipped.slice("big-".length));
        await objects.setPodReady(NS, flipped, podIp(index), false);
        const wanted = everyPod.map((i) =>
          `${podIp(i)}:8080 ${i === index ? "isolated" : "serving"}`
        )
          .sort();
        await waitForLines(() => instanceLines(source, NS, SERVICE), wanted, `${flipped} isolated`);
        const after = await slices(reader);
        for (const [name, sliceLines] of before) {
          if (name !== flippedSlice) {
            deepStrictEqual(after.get(name), sliceLines, `${name} unchanged`);
          }
        }
        deepStrictEqual(endpointLines(source.endpoints(NS, SERVICE)), allLines(after));
        await objects.setPodReady(NS, flipped, podIp(index), true);
        await waitForLines(
          () => instanceLines(source, NS, SERVICE),
          serving(everyPod),
          "ready again",
        );
      });

      await t.step("Pods deleted from one slice: the others' endpoints stay", async () => {
        const before = await slices(reader);
        const [emptiedSlice, lines] = [...before].sort((a, b) => a[1].length - b[1].length)[0];
        const gone = lines.slice(0, 10).map((line) => Number(line.split(" ")[2].slice(4)));
        await Promise.all(gone.map((index) => objects.deletePod(NS, podName(index))));
        const left = everyPod.filter((index) => !gone.includes(index));
        await waitForLines(
          () => instanceLines(source, NS, SERVICE),
          serving(left),
          `${PODS - gone.length} instances left`,
        );
        equal(instanceLines(source, NS, SERVICE).length, PODS - gone.length);
        // kube-controller-manager marks a deleted Pod's endpoint terminating before it drops it:
        // read the slices until they and the source agree (seen in CI once: the source had the
        // last update while a list still showed the terminating ones).
        let after = await slices(reader);
        await waitFor(async () => {
          after = await slices(reader);
          return JSON.stringify(endpointLines(source.endpoints(NS, SERVICE))) ===
            JSON.stringify(allLines(after));
        }, { what: "the source and the slices agree", timeoutMs: 30_000 });
        for (const [name, sliceLines] of before) {
          if (name !== emptiedSlice) {
            deepStrictEqual(after.get(name), sliceLines, `${name} unchanged`);
          }
        }
        deepStrictEqual(endpointLines(source.endpoints(NS, SERVICE)), allLines(after));
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
