import assert from "node:assert/strict";
import { DEFAULT_WEIGHT, desiredInstances, parseWeight } from "./desired_instances.ts";
import { HIDDEN_DIGEST_KEY, hiddenMetadataDigest } from "./hidden_metadata.ts";
import { instanceKey } from "./keys.ts";
import type { EndpointAddress, EndpointGroup, EndpointPort } from "./kubernetes.ts";
import type { PodLabelPolicy } from "./metadata.ts";
import type { DesiredInstance } from "./polaris.ts";
import type { ProblemCode } from "./problems.ts";

const CLUSTER = "cluster-a";
const SOURCE = "polaris-controller";

// Ports and addresses, named by what sets them apart.
const http8080: EndpointPort = { name: "http", port: 8080, protocol: "TCP" };
const grpc9090: EndpointPort = { name: "grpc", port: 9090, protocol: "TCP" };
const dns53udp: EndpointPort = { name: "dns", port: 53, protocol: "UDP" };
const dns53tcp: EndpointPort = { name: "dns-tcp", port: 53, protocol: "TCP" };
const unnamed80sctp: EndpointPort = { name: "", port: 80, protocol: "SCTP" };

function address(
  ip: string,
  extra: Partial<Omit<EndpointAddress, "address">> = {},
): EndpointAddress {
  return { address: ip, ready: true, terminating: false, ...extra };
}
const podA = address("10.0.0.1", { podName: "cart-a" });
const podA_notReady = address("10.0.0.1", { podName: "cart-a", ready: false });
const podA_terminating = address("10.0.0.1", { podName: "cart-a", terminating: true });
const podA_notReady_terminating = address("10.0.0.1", {
  podName: "cart-a",
  ready: false,
  terminating: true,
});
const podB = address("10.0.0.2", { podName: "cart-b" });
const podC_ip10 = address("10.0.0.10", { podName: "cart-c" });
const podV6 = address("fd00::1", { podName: "cart-v6" });
const noPod = address("10.0.0.9");
const web0 = address("10.0.1.0", { podName: "web-0" });
const web1 = address("10.0.1.1", { podName: "web-1" });

const POD_LABELS: Record<string, Record<string, string>> = {
  "cart-a": { app: "cart", version: "v1" },
  "cart-b": { app: "cart", version: "v2" },
  "cart-c": { app: "cart" },
  "cart-v6": { app: "cart" },
  "cart-long-version": { app: "cart", version: "v".repeat(33) },
};

/** The instance desiredInstances() should produce for a ready address of Pod `pod`. */
function want(
  host: string,
  port: EndpointPort,
  pod: string | undefined,
  overrides: Partial<DesiredInstance> = {},
): DesiredInstance {
  const labels = pod === undefined ? {} : POD_LABELS[pod] ?? {};
  return {
    namespace: "shop",
    service: "cart",
    host,
    port: port.port,
    protocol: `${port.name}/${port.protocol}`,
    version: labels.version ?? "",
    weight: 100,
    healthy: true,
    isolate: false,
    ...overrides,
    metadata: {
      ...labels,
      k8s_namespace: "shop",
      k8s_service: "cart",
      ...(pod === undefined ? {} : { k8s_pod: pod }),
      clusterName: CLUSTER,
      source: SOURCE,
      ...overrides.metadata,
    },
  };
}

interface Row {
  readonly name: string;
  readonly annotations?: Record<string, string>;
  readonly serviceName?: string;
  readonly groups: readonly EndpointGroup[];
  readonly policy?: PodLabelPolicy;
  readonly expect: readonly DesiredInstance[];
  readonly problems?: readonly ProblemCode[];
}

const table: readonly Row[] = [
  {
    name: "one ready endpoint → one instance",
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [want("10.0.0.1", http8080, "cart-a")],
  },
  {
    name: "no groups → no instances",
    groups: [],
    expect: [],
  },
  {
    name: "protocol is <portName>/<PROTO> for UDP and unnamed SCTP ports",
    groups: [{ addresses: [podB], ports: [dns53udp, unnamed80sctp] }],
    expect: [
      want("10.0.0.2", dns53udp, "cart-b", { protocol: "dns/UDP" }),
      want("10.0.0.2", unnamed80sctp, "cart-b", { protocol: "/SCTP" }),
    ],
  },
  {
    name: "weight 0",
    annotations: { "polarismesh.cn/weight": "0" },
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [want("10.0.0.1", http8080, "cart-a", { weight: 0 })],
  },
  {
    name: "weight 65535",
    annotations: { "polarismesh.cn/weight": "65535" },
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [want("10.0.0.1", http8080, "cart-a", { weight: 65535 })],
  },
  {
    name: "weight 65536 → fatal, no instances (held, never reset to 100)",
    annotations: { "polarismesh.cn/weight": "65536" },
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [],
    problems: ["invalid-weight"],
  },
  {
    name: "weight abc → fatal, no instances (held, never reset to 100)",
    annotations: { "polarismesh.cn/weight": "abc" },
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [],
    problems: ["invalid-weight"],
  },
  {
    name: "not ready → isolated",
    groups: [{ addresses: [podA_notReady], ports: [http8080] }],
    expect: [want("10.0.0.1", http8080, "cart-a", { isolate: true })],
  },
  {
    name: "terminating → dropped, ready or not",
    groups: [{ addresses: [podA_terminating, podA_notReady_terminating, podB], ports: [http8080] }],
    expect: [want("10.0.0.2", http8080, "cart-b")],
  },
  {
    name: "multi-port × multi-address",
    groups: [{ addresses: [podA, podB], ports: [http8080, grpc9090] }],
    expect: [
      want("10.0.0.1", http8080, "cart-a"),
      want("10.0.0.1", grpc9090, "cart-a"),
      want("10.0.0.2", http8080, "cart-b"),
      want("10.0.0.2", grpc9090, "cart-b"),
    ],
  },
  {
    name: "each group's addresses only on that group's ports",
    groups: [
      { addresses: [podA], ports: [http8080] },
      { addresses: [podB], ports: [grpc9090] },
    ],
    expect: [want("10.0.0.1", http8080, "cart-a"), want("10.0.0.2", grpc9090, "cart-b")],
  },
  {
    name: "same address in two groups counted once, ready if the first is",
    groups: [
      { addresses: [podA], ports: [http8080] },
      { addresses: [podA_notReady], ports: [http8080] },
    ],
    expect: [want("10.0.0.1", http8080, "cart-a")],
  },
  {
    name: "same address in two groups counted once, ready if the second is",
    groups: [
      { addresses: [podA_notReady], ports: [http8080] },
      { addresses: [podA], ports: [http8080] },
    ],
    expect: [want("10.0.0.1", http8080, "cart-a")],
  },
  {
    name: "same address in two groups, isolated when neither is ready",
    groups: [
      { addresses: [podA_notReady], ports: [http8080] },
      { addresses: [podA_notReady], ports: [http8080] },
    ],
    expect: [want("10.0.0.1", http8080, "cart-a", { isolate: true })],
  },
  {
    name: "terminating copy in one group, live copy in another → kept",
    groups: [
      { addresses: [podA_terminating], ports: [http8080] },
      { addresses: [podA_notReady], ports: [http8080] },
    ],
    expect: [want("10.0.0.1", http8080, "cart-a", { isolate: true })],
  },
  {
    // Polaris names instances by host and port, so DNS over UDP and TCP on 53 is one instance.
    name: "same port number over UDP and TCP → one instance with the TCP port's protocol, reported",
    groups: [{ addresses: [podB], ports: [dns53udp, dns53tcp] }],
    expect: [want("10.0.0.2", dns53tcp, "cart-b")],
    problems: ["shared-port"],
  },
  {
    name: "same port number over TCP and UDP, listed the other way → the same instance",
    groups: [{ addresses: [podB], ports: [dns53tcp, dns53udp] }],
    expect: [want("10.0.0.2", dns53tcp, "cart-b")],
    problems: ["shared-port"],
  },
  {
    name: "same port number, the UDP port in one group and the TCP port in another → TCP",
    groups: [{ addresses: [podB], ports: [dns53udp] }, { addresses: [podB], ports: [dns53tcp] }],
    expect: [want("10.0.0.2", dns53tcp, "cart-b")],
    problems: ["shared-port"],
  },
  {
    name: "same port number under two names, both TCP → the name first in string order",
    groups: [{ addresses: [podA], ports: [{ ...http8080, name: "web" }, http8080] }],
    expect: [want("10.0.0.1", http8080, "cart-a")],
    problems: ["shared-port"],
  },
  {
    name: "IPv6 address kept as is",
    groups: [{ addresses: [podV6], ports: [http8080] }],
    expect: [want("fd00::1", http8080, "cart-v6")],
  },
  {
    name: "no k8s_pod, labels or version when the Pod is unknown",
    groups: [{ addresses: [noPod], ports: [http8080] }],
    expect: [want("10.0.0.9", http8080, undefined)],
  },
  {
    name: "k8s_pod kept when the Pod's labels are not cached yet",
    groups: [{ addresses: [address("10.0.0.7", { podName: "cart-new" })], ports: [http8080] }],
    expect: [want("10.0.0.7", http8080, "cart-new")],
  },
  {
    name: "version from the Pod label, labels selected by key",
    policy: { kind: "keys", keys: ["app"] },
    groups: [{ addresses: [podB], ports: [http8080] }],
    expect: [
      {
        ...want("10.0.0.2", http8080, "cart-b"),
        metadata: {
          app: "cart",
          k8s_namespace: "shop",
          k8s_service: "cart",
          k8s_pod: "cart-b",
          clusterName: CLUSTER,
          source: SOURCE,
        },
      },
    ],
  },
  {
    name: "version from the Pod label even with no labels in metadata",
    policy: { kind: "none" },
    groups: [{ addresses: [podB], ports: [http8080] }],
    expect: [
      {
        ...want("10.0.0.2", http8080, "cart-b"),
        metadata: {
          k8s_namespace: "shop",
          k8s_service: "cart",
          k8s_pod: "cart-b",
          clusterName: CLUSTER,
          source: SOURCE,
        },
      },
    ],
  },
  {
    name: "version over 32 characters reported and not sent",
    groups: [{
      addresses: [address("10.0.0.5", { podName: "cart-long-version" })],
      ports: [http8080],
    }],
    // The label is still written as metadata, which the console list hides: it gets a digest.
    expect: [want("10.0.0.5", http8080, "cart-long-version", {
      version: "",
      metadata: {
        [HIDDEN_DIGEST_KEY]: hiddenMetadataDigest({ version: "v".repeat(33) }, {
          version: "",
          protocol: "http/TCP",
        })!,
      },
    })],
    problems: ["field-too-long"],
  },
  {
    name: "protocol over 32 characters → reported, that instance not registered",
    groups: [{
      addresses: [podA],
      ports: [{ ...http8080, name: "p".repeat(29) }, { ...grpc9090, name: "p".repeat(28) }],
    }],
    expect: [want("10.0.0.1", { ...grpc9090, name: "p".repeat(28) }, "cart-a")],
    problems: ["field-too-long"],
  },
  {
    name: "metadata annotation merged; ownership keys still win",
    annotations: {
      "polarismesh.cn/metadata": '{"team":"payments","clusterName":"evil","app":"override"}',
    },
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [
      want("10.0.0.1", http8080, "cart-a", {
        metadata: { team: "payments", app: "override" },
      }),
    ],
  },
  {
    name: "invalid metadata annotation → fatal, no instances (held, metadata never dropped)",
    annotations: { "polarismesh.cn/metadata": "[1,2]" },
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [],
    problems: ["invalid-metadata"],
  },
  {
    name: "bad weight and bad metadata → both reported, no instances",
    annotations: { "polarismesh.cn/weight": "heavy", "polarismesh.cn/metadata": "{oops" },
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [],
    problems: ["invalid-weight", "invalid-metadata"],
  },
  {
    name: "invalid Polaris service name → fatal, no instances",
    serviceName: "cart#1",
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [],
    problems: ["invalid-name"],
  },
  {
    name: "service name over 128 characters → fatal, no instances",
    serviceName: "c".repeat(129),
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [],
    problems: ["invalid-name"],
  },
  {
    name: "customWeight by StatefulSet Pod index and target port wins over weight",
    annotations: {
      "polarismesh.cn/weight": "50",
      "polarismesh.cn/workloadKind": "StatefulSet",
      "polarismesh.cn/customWeight": '{"0-8080": 0, "1-9090": 9}',
    },
    groups: [{ addresses: [web0, web1], ports: [http8080, grpc9090] }],
    expect: [
      want("10.0.1.0", http8080, "web-0", { weight: 0 }),
      want("10.0.1.0", grpc9090, "web-0", { weight: 50 }),
      want("10.0.1.1", http8080, "web-1", { weight: 50 }),
      want("10.0.1.1", grpc9090, "web-1", { weight: 9 }),
    ],
  },
  {
    name: "customWeight without a StatefulSet kind: only index-less keys match",
    annotations: { "polarismesh.cn/customWeight": '{"0-8080": 0, "-9090": 9}' },
    groups: [{ addresses: [web0], ports: [http8080, grpc9090] }],
    expect: [
      want("10.0.1.0", http8080, "web-0"),
      want("10.0.1.0", grpc9090, "web-0", { weight: 9 }),
    ],
  },
  {
    name: "customWeight with a bad key → fatal, no instances",
    annotations: { "polarismesh.cn/customWeight": '{"web-0": 1}' },
    groups: [{ addresses: [web0], ports: [http8080] }],
    expect: [],
    problems: ["invalid-custom-weight"],
  },
  {
    name: "ttl 10 → heartbeat check with TTL 10, created unhealthy",
    annotations: { "polarismesh.cn/ttl": "10" },
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [want("10.0.0.1", http8080, "cart-a", { healthy: false, healthCheckTtl: 10 })],
  },
  {
    name: "ttl 0 → fatal, no instances",
    annotations: { "polarismesh.cn/ttl": "0" },
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [],
    problems: ["invalid-ttl"],
  },
  {
    name: "customVersion on the Service wins over the Pod label version",
    annotations: { "polarismesh.cn/customVersion": "2.1.0" },
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [want("10.0.0.1", http8080, "cart-a", { version: "2.1.0" })],
  },
  {
    name: "customVersion in polarismesh.cn/metadata wins over the annotation",
    annotations: {
      "polarismesh.cn/customVersion": "2.1.0",
      "polarismesh.cn/metadata": '{"polarismesh.cn/customVersion": "3"}',
    },
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [
      want("10.0.0.1", http8080, "cart-a", {
        version: "3",
        metadata: { "polarismesh.cn/customVersion": "3" },
      }),
    ],
  },
  {
    name: 'enableRegister "false" has no effect and is reported',
    annotations: { "polarismesh.cn/enableRegister": "false" },
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [want("10.0.0.1", http8080, "cart-a")],
    problems: ["enable-register"],
  },
  {
    name: "enableRegister not true/false → fatal, no instances",
    annotations: { "polarismesh.cn/enableRegister": "no" },
    groups: [{ addresses: [podA], ports: [http8080] }],
    expect: [],
    problems: ["enable-register"],
  },
  {
    name: "output sorted by host:port",
    groups: [
      { addresses: [podC_ip10, podB], ports: [http8080] },
      { addresses: [podA], ports: [grpc9090, http8080] },
    ],
    // Plain string order of the key: ":" sorts after "0", so "10.0.0.10:…" precedes "10.0.0.1:…".
    expect: [
      want("10.0.0.10", http8080, "cart-c"),
      want("10.0.0.1", http8080, "cart-a"),
      want("10.0.0.1", grpc9090, "cart-a"),
      want("10.0.0.2", http8080, "cart-b"),
    ],
  },
];

for (const row of table) {
  Deno.test(`desiredInstances() table: ${row.name}`, () => {
    const name = row.serviceName ?? "cart";
    const result = desiredInstances({
      clusterName: CLUSTER,
      source: SOURCE,
      service: { namespace: "shop", name, type: "ClusterIP", annotations: row.annotations ?? {} },
      groups: row.groups,
      podLabels: (pod) => POD_LABELS[pod],
      podLabelPolicy: row.policy ?? { kind: "all" },
    });
    assert.deepStrictEqual(result.instances, row.expect);
    assert.deepStrictEqual(result.problems.map((p) => p.code), row.problems ?? []);
    // Keys of the output are unique and sorted.
    const keys = result.instances.map((i) => instanceKey(i.host, i.port));
    assert.deepStrictEqual(keys, [...new Set(keys)].sort());
  });
}

Deno.test("desiredInstances() marks an invalid Polaris namespace name fatal", () => {
  const result = desiredInstances({
    clusterName: CLUSTER,
    source: SOURCE,
    service: { namespace: "n".repeat(65), name: "cart", type: "ClusterIP", annotations: {} },
    groups: [{ addresses: [podA], ports: [http8080] }],
    podLabels: () => undefined,
    podLabelPolicy: { kind: "all" },
  });
  assert.deepStrictEqual(result.instances, []);
  assert.deepStrictEqual(result.problems.map((p) => [p.code, p.fatal]), [["invalid-name", true]]);
});

Deno.test("desiredInstances() reports one problem once, not once per instance", () => {
  const result = desiredInstances({
    clusterName: CLUSTER,
    source: SOURCE,
    service: {
      namespace: "shop",
      name: "cart",
      type: "ClusterIP",
      annotations: {},
    },
    groups: [{
      addresses: [address("10.0.0.5", { podName: "cart-long-version" }), podA, podB],
      ports: [http8080, grpc9090],
    }],
    podLabels: (pod) => pod === "cart-long-version" ? POD_LABELS[pod] : { [`l`.repeat(129)]: "x" },
    podLabelPolicy: { kind: "all" },
  });
  assert.deepStrictEqual(result.instances.length, 6);
  assert.deepStrictEqual(
    result.problems.map((p) => p.code).sort(),
    ["field-too-long", "metadata-limit"],
  );
  assert.ok(result.problems.every((p) => !p.fatal), "none of these stops the sync");
});

Deno.test("desiredInstances() never mutates its input", () => {
  const groups = Object.freeze([
    Object.freeze({
      addresses: Object.freeze([Object.freeze({ ...podA_notReady }), Object.freeze({ ...podA })]),
      ports: Object.freeze([Object.freeze({ ...http8080 })]),
    }),
  ]);
  const result = desiredInstances({
    clusterName: CLUSTER,
    source: SOURCE,
    service: Object.freeze({ namespace: "shop", name: "cart", type: "ClusterIP", annotations: {} }),
    groups,
    podLabels: (pod) => POD_LABELS[pod],
    podLabelPolicy: { kind: "all" },
  });
  assert.deepStrictEqual(result.instances, [want("10.0.0.1", http8080, "cart-a")]);
});

interface WeightRow {
  readonly raw: string | undefined;
  /** The weight parsed, or null: invalid, a fatal problem. */
  readonly weight: number | null;
}

const weightTable: readonly WeightRow[] = [
  { raw: undefined, weight: DEFAULT_WEIGHT },
  { raw: "0", weight: 0 },
  { raw: "1", weight: 1 },
  { raw: "65535", weight: 65535 },
  { raw: " 50 ", weight: 50 },
  { raw: "65536", weight: null },
  { raw: "99999999999999999999999", weight: null },
  { raw: "abc", weight: null },
  { raw: "heavy", weight: null },
  { raw: "", weight: null },
  { raw: "-1", weight: null },
  { raw: "1.5", weight: null },
  { raw: "1e3", weight: null },
  { raw: "0x10", weight: null },
];

for (const row of weightTable) {
  Deno.test(`parseWeight() table: ${JSON.stringify(row.raw)} → ${row.weight}`, () => {
    const parsed = parseWeight(row.raw);
    if (row.weight !== null) {
      assert.deepStrictEqual(parsed, { weight: row.weight });
      return;
    }
    assert.ok("problem" in parsed, "an invalid value is a problem, with no weight");
    assert.deepStrictEqual([parsed.problem.code, parsed.problem.fatal], ["invalid-weight", true]);
    assert.ok(parsed.problem.message.includes(`"${row.raw}"`), "the bad value is quoted");
    assert.ok(parsed.problem.message.includes("held"), "the message says the Service is held");
  });
}
