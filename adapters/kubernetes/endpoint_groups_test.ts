import { deepStrictEqual, strictEqual as assertEquals } from "node:assert/strict";
import { desiredInstances } from "../../domain/desired_instances.ts";
import type { EndpointGroup } from "../../domain/kubernetes.ts";
import {
  endpointGroupsFromEndpoints,
  endpointGroupsFromSlice,
  podNamesOf,
  type RawEndpointSlice,
} from "./endpoint_groups.ts";
import { FIXTURES } from "./testdata/endpoint_fixtures.ts";

Deno.test("endpointGroupsFromSlice() reads a v1beta1 slice recorded from kube-apiserver 1.20", () => {
  deepStrictEqual(endpointGroupsFromSlice(FIXTURES.v1beta1Slice), [{
    addresses: [
      { address: "10.244.0.11", ready: true, terminating: false, podName: "web-a" },
      { address: "10.244.0.12", ready: false, terminating: false, podName: "web-b" },
    ],
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  }]);
});

Deno.test("endpointGroupsFromSlice() reads v1 conditions, null port names and IPv6", () => {
  deepStrictEqual(endpointGroupsFromSlice(FIXTURES.v1SliceIPv6), [{
    addresses: [
      { address: "fd00:10:244::5", ready: true, terminating: false, podName: "api-0" },
      { address: "fd00:10:244::6", ready: false, terminating: true, podName: "api-1" },
      // conditions.ready absent means ready (API documentation); no targetRef means no Pod.
      { address: "fd00:10:244::7", ready: true, terminating: false },
    ],
    ports: [
      { name: "", port: 9000, protocol: "TCP" },
      { name: "dns", port: 53, protocol: "UDP" },
    ],
  }]);
});

Deno.test("endpointGroupsFromSlice() keeps the same address found in two slices", () => {
  const first = endpointGroupsFromSlice(FIXTURES.v1SliceA);
  const second = endpointGroupsFromSlice(FIXTURES.v1SliceB);
  assertEquals(first[0].addresses[0].address, "10.1.0.7");
  assertEquals(second[0].addresses[0].address, "10.1.0.7");
  assertEquals(first[0].addresses[0].ready, true);
  assertEquals(second[0].addresses[0].ready, false);
});

Deno.test("endpointGroupsFromSlice() ignores FQDN slices and slices without usable ports", () => {
  deepStrictEqual(endpointGroupsFromSlice({ ...FIXTURES.v1SliceA, addressType: "FQDN" }), []);
  deepStrictEqual(
    endpointGroupsFromSlice({ ...FIXTURES.v1SliceA, ports: [{ name: "all", port: null }] }),
    [],
  );
  deepStrictEqual(endpointGroupsFromSlice({ ...FIXTURES.v1SliceA, endpoints: null }), []);
});

Deno.test("endpointGroupsFromEndpoints() turns each subset into a group, not-ready included", () => {
  deepStrictEqual(endpointGroupsFromEndpoints(FIXTURES.endpoints), [
    {
      addresses: [
        { address: "10.244.0.11", ready: true, terminating: false, podName: "web-a" },
        { address: "10.244.0.12", ready: false, terminating: false, podName: "web-b" },
      ],
      ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    },
    {
      addresses: [{ address: "192.168.7.9", ready: true, terminating: false }],
      ports: [{ name: "", port: 5432, protocol: "TCP" }],
    },
  ]);
});

Deno.test("endpointGroupsFromEndpoints() returns no group for an Endpoints without subsets", () => {
  deepStrictEqual(endpointGroupsFromEndpoints({}), []);
  deepStrictEqual(
    endpointGroupsFromEndpoints({ subsets: [{ addresses: [{ ip: "10.0.0.1" }] }] }),
    [],
  );
});

Deno.test("podNamesOf() lists each referenced Pod once", () => {
  const groups = [
    ...endpointGroupsFromSlice(FIXTURES.v1beta1Slice),
    ...endpointGroupsFromEndpoints(FIXTURES.endpoints),
  ];
  deepStrictEqual([...podNamesOf(groups)].sort(), ["web-a", "web-b"]);
});

Deno.test("endpointGroupsFromSlice() reads a v1beta1 slice recorded verbatim from 1.20's controller", async () => {
  const recorded = JSON.parse(
    await Deno.readTextFile(
      new URL("./testdata/recorded_1.20_endpointslice_v1beta1.json", import.meta.url),
    ),
  );
  deepStrictEqual(endpointGroupsFromSlice(recorded), [{
    addresses: [
      { address: "10.244.0.12", ready: false, terminating: false, podName: "web-b" },
      { address: "10.244.0.11", ready: true, terminating: false, podName: "web-a" },
    ],
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  }]);
});

Deno.test("endpointGroupsFromEndpoints() reads an Endpoints recorded verbatim from 1.20's controller", async () => {
  const recorded = JSON.parse(
    await Deno.readTextFile(new URL("./testdata/recorded_1.20_endpoints.json", import.meta.url)),
  );
  deepStrictEqual(endpointGroupsFromEndpoints(recorded), [{
    addresses: [
      { address: "10.244.0.11", ready: true, terminating: false, podName: "web-a" },
      { address: "10.244.0.12", ready: false, terminating: false, podName: "web-b" },
    ],
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  }]);
});

async function recorded(name: string): Promise<RawEndpointSlice> {
  return JSON.parse(await Deno.readTextFile(new URL(`./testdata/${name}`, import.meta.url)));
}

/** The `host:port isolate` lines desiredInstances makes of some groups of Service shop/web. */
function instanceLines(groups: readonly EndpointGroup[]): string[] {
  return desiredInstances({
    clusterName: "cluster-a",
    source: "polaris-controller",
    service: { namespace: "shop", name: "web", type: "ClusterIP", annotations: {} },
    groups,
    podLabels: () => undefined,
    podLabelPolicy: { kind: "none" },
  }).instances.map((instance) =>
    `${instance.host}:${instance.port} ${instance.isolate ? "isolated" : "serving"}`
  );
}

Deno.test("endpointGroupsFromSlice() marks the terminating endpoint of a v1 slice recorded from 1.37's controller, which desiredInstances leaves out though it still serves", async () => {
  // web-b was deleted with a grace period: ready false, serving true, terminating true.
  const groups = endpointGroupsFromSlice(
    await recorded("recorded_1.37_endpointslice_v1_terminating.json"),
  );
  deepStrictEqual(groups, [{
    addresses: [
      { address: "10.244.0.11", ready: true, terminating: false, podName: "web-a" },
      { address: "10.244.0.12", ready: false, terminating: true, podName: "web-b" },
    ],
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  }]);
  deepStrictEqual(instanceLines(groups), ["10.244.0.11:8080 serving"]);
});

Deno.test("endpointGroupsFromSlice() keeps terminating apart from ready: publishNotReadyAddresses leaves a terminating endpoint ready (1.37 recording), and it is still left out", async () => {
  const groups = endpointGroupsFromSlice(
    await recorded("recorded_1.37_endpointslice_v1_publish_not_ready_terminating.json"),
  );
  deepStrictEqual(groups[0].addresses.map((a) => [a.address, a.ready, a.terminating]).sort(), [
    ["10.244.0.11", true, false],
    ["10.244.0.12", true, true],
  ]);
  deepStrictEqual(instanceLines(groups), ["10.244.0.11:8080 serving"]);
});

Deno.test("endpointGroupsFromSlice() reads both slices of a RequireDualStack Service (1.37 recording): one instance per family", async () => {
  const groups = [
    ...endpointGroupsFromSlice(
      await recorded("recorded_1.37_endpointslice_v1_dual_stack_ipv4.json"),
    ),
    ...endpointGroupsFromSlice(
      await recorded("recorded_1.37_endpointslice_v1_dual_stack_ipv6.json"),
    ),
  ];
  deepStrictEqual(groups.flatMap((group) => group.addresses.map((a) => a.address)).sort(), [
    "10.244.0.11",
    "10.244.0.12",
    "fd00:10:244::11",
    "fd00:10:244::12",
  ]);
  deepStrictEqual(instanceLines(groups).sort(), [
    "10.244.0.11:8080 serving",
    "fd00:10:244::11:8080 serving",
  ]);
});
