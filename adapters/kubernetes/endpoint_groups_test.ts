import { deepStrictEqual, strictEqual as assertEquals } from "node:assert/strict";
import {
  endpointGroupsFromEndpoints,
  endpointGroupsFromSlice,
  podNamesOf,
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
