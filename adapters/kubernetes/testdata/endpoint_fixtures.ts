/**
 * Endpoint objects in the three shapes the cluster source reads, as the API server sends them.
 *
 * `v1beta1Slice` and `endpoints` are trimmed copies of what kube-apiserver 1.20 with the real
 * endpoint and EndpointSlice controllers produced for a Service `web` with two Pods, one Ready and
 * one not (the untrimmed recordings are `recorded_1.20_*.json` beside this file, made with
 * `tests/cluster`). The v1 slices use fields 1.20 cannot serve (`conditions.serving/terminating`,
 * `nodeName`, `zone`, a null port name, IPv6), written from the `discovery.k8s.io/v1` reference;
 * `recorded_1.37_endpointslice_v1_*.json` are verbatim v1 slices of kube-controller-manager 1.37.2
 * (a Pod deleted with a grace period, so terminating while serving; the same with
 * `publishNotReadyAddresses`; the IPv4 and IPv6 slices of a RequireDualStack Service).
 *
 * @module
 */

/** Recorded and reference endpoint objects, by what sets them apart. */
export const FIXTURES = {
  v1beta1Slice: {
    kind: "EndpointSlice",
    apiVersion: "discovery.k8s.io/v1beta1",
    metadata: {
      name: "web-x7k2p",
      generateName: "web-",
      namespace: "shop",
      resourceVersion: "812",
      labels: {
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
        "kubernetes.io/service-name": "web",
      },
    },
    addressType: "IPv4",
    endpoints: [
      {
        addresses: ["10.244.0.11"],
        conditions: { ready: true },
        targetRef: {
          kind: "Pod",
          namespace: "shop",
          name: "web-a",
          uid: "u1",
          resourceVersion: "800",
        },
        topology: { "kubernetes.io/hostname": "fake-node" },
      },
      {
        addresses: ["10.244.0.12"],
        conditions: { ready: false },
        targetRef: {
          kind: "Pod",
          namespace: "shop",
          name: "web-b",
          uid: "u2",
          resourceVersion: "805",
        },
        topology: { "kubernetes.io/hostname": "fake-node" },
      },
    ],
    ports: [{ name: "http", protocol: "TCP", port: 8080 }],
  },
  v1SliceIPv6: {
    kind: "EndpointSlice",
    apiVersion: "discovery.k8s.io/v1",
    metadata: {
      name: "api-v6-abcde",
      namespace: "shop",
      labels: { "kubernetes.io/service-name": "api" },
    },
    addressType: "IPv6",
    endpoints: [
      {
        addresses: ["fd00:10:244::5"],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: "node-1",
        zone: "zone-a",
        targetRef: { kind: "Pod", namespace: "shop", name: "api-0" },
      },
      {
        addresses: ["fd00:10:244::6"],
        conditions: { ready: false, serving: true, terminating: true },
        targetRef: { kind: "Pod", namespace: "shop", name: "api-1" },
      },
      { addresses: ["fd00:10:244::7"], conditions: {} },
    ],
    ports: [
      { name: null, protocol: "TCP", port: 9000 },
      { name: "dns", protocol: "UDP", port: 53 },
    ],
  },
  v1SliceA: {
    kind: "EndpointSlice",
    apiVersion: "discovery.k8s.io/v1",
    metadata: {
      name: "db-aaaaa",
      namespace: "shop",
      labels: { "kubernetes.io/service-name": "db" },
    },
    addressType: "IPv4",
    endpoints: [{ addresses: ["10.1.0.7"], conditions: { ready: true } }],
    ports: [{ name: "", port: 5432, protocol: "TCP" }],
  },
  v1SliceB: {
    kind: "EndpointSlice",
    apiVersion: "discovery.k8s.io/v1",
    metadata: {
      name: "db-bbbbb",
      namespace: "shop",
      labels: { "kubernetes.io/service-name": "db" },
    },
    addressType: "IPv4",
    endpoints: [{ addresses: ["10.1.0.7"], conditions: { ready: false, serving: false } }],
    ports: [{ name: "", port: 5432, protocol: "TCP" }],
  },
  endpoints: {
    kind: "Endpoints",
    apiVersion: "v1",
    metadata: { name: "web", namespace: "shop", resourceVersion: "811" },
    subsets: [
      {
        addresses: [{
          ip: "10.244.0.11",
          nodeName: "fake-node",
          targetRef: { kind: "Pod", namespace: "shop", name: "web-a", uid: "u1" },
        }],
        notReadyAddresses: [{
          ip: "10.244.0.12",
          nodeName: "fake-node",
          targetRef: { kind: "Pod", namespace: "shop", name: "web-b", uid: "u2" },
        }],
        ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      },
      { addresses: [{ ip: "192.168.7.9" }], ports: [{ port: 5432 }] },
    ],
  },
};
