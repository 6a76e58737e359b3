import assert from "node:assert/strict";
import { desiredInstances } from "./desired_instances.ts";
import type { EndpointPort } from "./kubernetes.ts";
import { chosenPort, sharedPortProblem } from "./shared_port.ts";

const dnsUdp: EndpointPort = { name: "dns-udp", port: 53, protocol: "UDP" };
const dnsTcp: EndpointPort = { name: "dns", port: 53, protocol: "TCP" };
const dnsSctp: EndpointPort = { name: "dns-sctp", port: 53, protocol: "SCTP" };

Deno.test("chosenPort() picks TCP, then UDP, then SCTP, then the name, in any order", () => {
  const orders = [
    [dnsUdp, dnsTcp, dnsSctp],
    [dnsSctp, dnsUdp, dnsTcp],
    [dnsTcp, dnsSctp, dnsUdp],
  ];
  for (const ports of orders) assert.deepStrictEqual(chosenPort(ports), dnsTcp);
  assert.deepStrictEqual(chosenPort([dnsSctp, dnsUdp]), dnsUdp);
  const a = { ...dnsTcp, name: "a" };
  assert.deepStrictEqual(chosenPort([dnsTcp, a]), a);
  assert.throws(() => chosenPort([]), RangeError);
});

Deno.test("sharedPortProblem() names every port in rule order and the protocol registered", () => {
  const problem = sharedPortProblem([dnsSctp, dnsUdp, dnsTcp]);
  assert.deepStrictEqual(problem.code, "shared-port");
  assert.deepStrictEqual(problem.fatal, false);
  assert.match(problem.message, /^ports "dns"\/TCP, "dns-udp"\/UDP and "dns-sctp"\/SCTP target /);
  assert.match(problem.message, /with protocol "dns\/TCP"$/);
  assert.deepStrictEqual(sharedPortProblem([dnsTcp, dnsUdp]), sharedPortProblem([dnsUdp, dnsTcp]));
});

Deno.test("desiredInstances() reports a shared port once for every address behind it", () => {
  const { instances, problems } = desiredInstances({
    clusterName: "cluster-a",
    source: "polaris-controller",
    service: { namespace: "kube-dns", name: "coredns", type: "ClusterIP", annotations: {} },
    groups: [{
      addresses: ["10.0.0.1", "10.0.0.2", "10.0.0.3"].map((address) => ({
        address,
        ready: true,
        terminating: false,
      })),
      ports: [dnsUdp, dnsTcp, { name: "metrics", port: 9153, protocol: "TCP" }],
    }],
    podLabels: () => undefined,
    podLabelPolicy: { kind: "all" },
  });
  assert.deepStrictEqual(
    instances.map((i) => `${i.host}:${i.port} ${i.protocol}`),
    [
      "10.0.0.1:53 dns/TCP",
      "10.0.0.1:9153 metrics/TCP",
      "10.0.0.2:53 dns/TCP",
      "10.0.0.2:9153 metrics/TCP",
      "10.0.0.3:53 dns/TCP",
      "10.0.0.3:9153 metrics/TCP",
    ],
  );
  assert.deepStrictEqual(problems, [sharedPortProblem([dnsTcp, dnsUdp])]);
});
