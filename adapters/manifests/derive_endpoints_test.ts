import assert from "node:assert/strict";
import type { EndpointGroup } from "../../domain/kubernetes.ts";
import { deriveEndpoints } from "./derive_endpoints.ts";
import type { ManifestPod, ManifestService } from "./manifest_objects.ts";

const cart: ManifestService = {
  info: { namespace: "shop", name: "cart", type: "ClusterIP", annotations: {} },
  selector: { app: "cart" },
  ports: [
    { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
    { name: "metrics", port: 9090, targetPort: 9100, protocol: "TCP" },
  ],
  publishNotReadyAddresses: false,
};

function pod(name: string, overrides: Partial<ManifestPod> = {}): ManifestPod {
  return {
    namespace: "shop",
    name,
    labels: { app: "cart" },
    podIP: `10.1.0.${name.slice(-1)}`,
    ready: true,
    terminating: false,
    terminal: false,
    containerPorts: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
    ...overrides,
  };
}

const bothPorts = [
  { name: "http", port: 8080, protocol: "TCP" },
  { name: "metrics", port: 9100, protocol: "TCP" },
] as const;

const rows: {
  name: string;
  service?: Partial<ManifestService>;
  pods: ManifestPod[];
  expect: EndpointGroup[];
}[] = [
  {
    name: "a ready Pod gives a ready address on resolved ports",
    pods: [pod("cart-1")],
    expect: [{
      ports: [...bothPorts],
      addresses: [{ address: "10.1.0.1", ready: true, terminating: false, podName: "cart-1" }],
    }],
  },
  {
    name: "a Pod that is not ready gives a not-ready address",
    pods: [pod("cart-1", { ready: false })],
    expect: [{
      ports: [...bothPorts],
      addresses: [{ address: "10.1.0.1", ready: false, terminating: false, podName: "cart-1" }],
    }],
  },
  {
    name: "a terminating ready Pod is terminating and not ready",
    pods: [pod("cart-1", { terminating: true })],
    expect: [{
      ports: [...bothPorts],
      addresses: [{ address: "10.1.0.1", ready: false, terminating: true, podName: "cart-1" }],
    }],
  },
  {
    name: "publishNotReadyAddresses makes every Pod ready",
    service: { publishNotReadyAddresses: true },
    pods: [pod("cart-1", { ready: false })],
    expect: [{
      ports: [...bothPorts],
      addresses: [{ address: "10.1.0.1", ready: true, terminating: false, podName: "cart-1" }],
    }],
  },
  {
    name: "Pods without IP, finished, unmatched or in another namespace are left out",
    pods: [
      pod("cart-1", { podIP: undefined }),
      pod("cart-2", { terminal: true }),
      pod("cart-3", { labels: { app: "web" } }),
      pod("cart-4", { namespace: "other" }),
    ],
    expect: [],
  },
  {
    name: "a Pod lacking the named port is grouped apart with the ports it has",
    pods: [pod("cart-2"), pod("cart-1", { containerPorts: [] }), pod("cart-3")],
    expect: [
      {
        ports: [...bothPorts],
        addresses: [
          { address: "10.1.0.2", ready: true, terminating: false, podName: "cart-2" },
          { address: "10.1.0.3", ready: true, terminating: false, podName: "cart-3" },
        ],
      },
      {
        ports: [{ name: "metrics", port: 9100, protocol: "TCP" }],
        addresses: [{ address: "10.1.0.1", ready: true, terminating: false, podName: "cart-1" }],
      },
    ],
  },
  {
    name: "a named port with another protocol does not resolve",
    service: { ports: [{ name: "dns", port: 53, targetPort: "http", protocol: "UDP" }] },
    pods: [pod("cart-1")],
    expect: [{
      ports: [],
      addresses: [{ address: "10.1.0.1", ready: true, terminating: false, podName: "cart-1" }],
    }],
  },
  {
    name: "a Service without selector derives nothing",
    service: { selector: undefined },
    pods: [pod("cart-1")],
    expect: [],
  },
  {
    name: "an ExternalName Service derives nothing",
    service: { info: { ...cart.info, type: "ExternalName" } },
    pods: [pod("cart-1")],
    expect: [],
  },
];

for (const row of rows) {
  Deno.test(`deriveEndpoints(): ${row.name}`, () => {
    assert.deepEqual(deriveEndpoints({ ...cart, ...row.service }, row.pods), row.expect);
  });
}
