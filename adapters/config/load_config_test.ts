import { deepStrictEqual as assertEquals, ok, throws } from "node:assert/strict";
import type { Config } from "./config.ts";
import { loadConfig, type LoadResult } from "./load_config.ts";

interface Input {
  /** Content of the file passed with `--config mesh.yaml`; no `--config` when absent. */
  readonly file?: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly inCluster?: boolean;
}

function load(input: Input): LoadResult {
  const args = [
    ...(input.file === undefined ? [] : ["--config", "mesh.yaml"]),
    ...(input.args ?? []),
  ];
  return loadConfig(args, {
    env: input.env ?? {},
    inCluster: input.inCluster ?? false,
    readTextFile: (path) => {
      if (path === "mesh.yaml" && input.file !== undefined) return input.file;
      throw new Error(`No such file: ${path}`);
    },
  });
}

function config(input: Input): Config {
  const result = load(input);
  if (result.kind !== "config") throw new Error(`Expected a config, got ${JSON.stringify(result)}`);
  return result.config;
}

function warnings(input: Input): readonly string[] {
  const result = load(input);
  if (result.kind !== "config") throw new Error(`Expected a config, got ${JSON.stringify(result)}`);
  return result.warnings;
}

const MINIMAL = "serverAddress: polaris.polaris-system\nclusterName: cluster-a\n";

/** The `mesh` key as polaris-controller's helm chart renders it (values filled in). */
const HELM_MESH = `logger:
  default:
    rotateOutputPath: logs/polaris-default.log
    outputLevel: info
    outputPaths:
      - stdout
serverAddress: polaris.polaris-system
accessToken: token-from-helm
operator: "65e4789a6d5b49669adf1e9e8387549c"
clusterName: "cluster-a"
sidecarInject:
  mode: "mesh"
serviceSync:
  mode: all
configSync:
  enable: true
  allowDelete: false
  syncDirection: both
  defaultGroup: default
defaultConfig:
  proxyMetadata:
    serverAddress: polaris.polaris-system
    clusterName: "cluster-a"
`;

Deno.test("loadConfig() fills every default around a minimal file", () => {
  const expected: Config = {
    polaris: {
      baseUrl: "http://polaris.polaris-system:8090",
      timeoutMs: 10_000,
      maxRetries: 4,
      embeddedEmulator: false,
    },
    clusters: [{ clusterName: "cluster-a", origin: { kind: "kubeconfig" } }],
    sync: {
      mode: "all",
      debounceMs: 200,
      resyncPeriodMs: 300_000,
      batchSize: 100,
      concurrency: 4,
      ignoreNamespaces: [
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "istio-system",
        "polaris-system",
      ],
      filter: { allowNamespaces: [], denyNamespaces: [], serviceTypes: [] },
      policy: "sync",
      source: "polaris-controller",
      podLabels: { kind: "all" },
      endpointsApi: "auto",
      backoffBaseMs: 200,
      backoffMaxMs: 60_000,
    },
    listen: { hostname: "127.0.0.1", port: 9090 },
    debugListen: { hostname: "127.0.0.1", port: 9090 },
    leaderElection: {
      enabled: false,
      namespace: "polaris-system",
      name: "polaris-k8s-sync",
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    },
    events: { emit: [] },
    logLevel: "info",
    dryRun: false,
    once: false,
    onceTimeoutMs: 60_000,
    dev: false,
    configFile: "mesh.yaml",
  };
  assertEquals(config({ file: MINIMAL }), expected);
  assertEquals(warnings({ file: MINIMAL }), []);
});

Deno.test("loadConfig() returns a deeply frozen config", () => {
  const result = config({ file: MINIMAL });
  ok(Object.isFrozen(result) && Object.isFrozen(result.sync.ignoreNamespaces));
  ok(Object.isFrozen(result.clusters[0].origin));
  throws(() => (result.sync.ignoreNamespaces as string[]).push("x"), TypeError);
});

Deno.test("loadConfig() reads polaris-controller's helm ConfigMap as is, warning only about operator", () => {
  const result = config({ file: HELM_MESH });
  assertEquals(result.polaris.baseUrl, "http://polaris.polaris-system:8090");
  assertEquals(result.polaris.accessToken, "token-from-helm");
  assertEquals(result.clusters, [{ clusterName: "cluster-a", origin: { kind: "kubeconfig" } }]);
  assertEquals(result.sync.mode, "all");
  assertEquals(warnings({ file: HELM_MESH }), [
    'Ignoring operator "65e4789a6d5b49669adf1e9e8387549c": not supported; accessToken is sent to Polaris as is',
  ]);
});

interface GoodRow {
  readonly name: string;
  readonly input: Input;
  readonly pick: (config: Config) => unknown;
  readonly expect: unknown;
}

const GOOD: readonly GoodRow[] = [
  {
    name: "serverAddress with a port",
    input: { file: "serverAddress: polaris:18090\nclusterName: a" },
    pick: (c) => c.polaris.baseUrl,
    expect: "http://polaris:18090",
  },
  {
    name: "serverAddress as an https URL with a path",
    input: { file: "serverAddress: https://polaris.example.com/api/\nclusterName: a" },
    pick: (c) => c.polaris.baseUrl,
    expect: "https://polaris.example.com:8090/api",
  },
  {
    name: "serverAddress as bracketed IPv6",
    input: { file: "serverAddress: '[fd00::5]:8090'\nclusterName: a" },
    pick: (c) => c.polaris.baseUrl,
    expect: "http://[fd00::5]:8090",
  },
  {
    name: "the deprecated serviceSync.serverAddress and accessToken",
    input: {
      file: "clusterName: a\nserviceSync:\n  serverAddress: old-polaris\n  accessToken: old",
    },
    pick: (c) => [c.polaris.baseUrl, c.polaris.accessToken],
    expect: ["http://old-polaris:8090", "old"],
  },
  {
    name: "an empty accessToken means none",
    input: { file: `${MINIMAL}accessToken: ""` },
    pick: (c) => "accessToken" in c.polaris,
    expect: false,
  },
  {
    name: "keys without a value count as absent",
    input: { file: `${MINIMAL}accessToken:\nserviceSync:\nleaderElection:\n  identity:` },
    pick: (c) => ["accessToken" in c.polaris, c.sync.mode, "identity" in c.leaderElection],
    expect: [false, "all", false],
  },
  {
    name: "a numeric clusterName becomes a string, as Go's decoder makes it",
    input: { file: "serverAddress: p\nclusterName: 42" },
    pick: (c) => c.clusters[0].clusterName,
    expect: "42",
  },
  {
    name: "demand mode",
    input: { file: `${MINIMAL}serviceSync:\n  mode: demand` },
    pick: (c) => c.sync.mode,
    expect: "demand",
  },
  {
    name: "server.resyncDuration when serviceSync.resyncPeriod is absent",
    input: { file: `${MINIMAL}server:\n  resyncDuration: 30s\n  healthCheckDuration: 1s` },
    pick: (c) => c.sync.resyncPeriodMs,
    expect: 30_000,
  },
  {
    name: "server.resyncDuration of 0 falls back to the default",
    input: { file: `${MINIMAL}server:\n  resyncDuration: 0s` },
    pick: (c) => c.sync.resyncPeriodMs,
    expect: 300_000,
  },
  {
    name: "serviceSync.resyncPeriod wins over server.resyncDuration",
    input: {
      file: `${MINIMAL}server:\n  resyncDuration: 30s\nserviceSync:\n  resyncPeriod: 1m30s`,
    },
    pick: (c) => c.sync.resyncPeriodMs,
    expect: 90_000,
  },
  {
    name: "every serviceSync extension",
    input: {
      file: `${MINIMAL}serviceSync:
  debounce: 0s
  batchSize: 50
  concurrency: 8
  ignoreNamespaces: [kube-system]
  source: polaris-k8s-sync
  podLabels: [version, app.kubernetes.io/name]
  endpointsApi: endpoints
  backoffBase: 1s
  backoffMax: 2m`,
    },
    pick: (c) => c.sync,
    expect: {
      mode: "all",
      debounceMs: 0,
      resyncPeriodMs: 300_000,
      batchSize: 50,
      concurrency: 8,
      ignoreNamespaces: ["kube-system"],
      filter: { allowNamespaces: [], denyNamespaces: [], serviceTypes: [] },
      policy: "sync",
      source: "polaris-k8s-sync",
      podLabels: { kind: "keys", keys: ["version", "app.kubernetes.io/name"] },
      endpointsApi: "endpoints",
      backoffBaseMs: 1_000,
      backoffMaxMs: 120_000,
    },
  },
  {
    name: "podLabels none and an empty ignore list",
    input: { file: `${MINIMAL}serviceSync:\n  podLabels: none\n  ignoreNamespaces: []` },
    pick: (c) => [c.sync.podLabels, c.sync.ignoreNamespaces],
    expect: [{ kind: "none" }, []],
  },
  {
    name: "leader election, listen, log level and polaris client settings",
    input: {
      file: `${MINIMAL}listen: 0.0.0.0:9191
logLevel: warn
leaderElection:
  enabled: true
  namespace: ops
  name: sync-lock
  leaseDuration: 30s
  renewDeadline: 20s
  retryPeriod: 5s
  identity: pod-1
polaris:
  timeout: 3s
  maxRetries: 0`,
    },
    pick: (
      c,
    ) => [c.listen, c.logLevel, c.leaderElection, c.polaris.timeoutMs, c.polaris.maxRetries],
    expect: [
      { hostname: "0.0.0.0", port: 9191 },
      "warn",
      {
        enabled: true,
        namespace: "ops",
        name: "sync-lock",
        leaseDurationMs: 30_000,
        renewDeadlineMs: 20_000,
        retryPeriodMs: 5_000,
        identity: "pod-1",
      },
      3_000,
      0,
    ],
  },
  {
    name: "the debug endpoints on a loopback listen address, the default",
    input: { file: MINIMAL, args: ["--listen", "127.0.0.2:8000"] },
    pick: (c) => [c.listen, c.debugListen],
    expect: [{ hostname: "127.0.0.2", port: 8000 }, { hostname: "127.0.0.2", port: 8000 }],
  },
  {
    name: "the debug endpoints on 127.0.0.1:9091 when listen is not loopback (the container)",
    input: { file: MINIMAL, args: ["--listen", "0.0.0.0:9090"] },
    pick: (c) => [c.listen, c.debugListen],
    expect: [{ hostname: "0.0.0.0", port: 9090 }, { hostname: "127.0.0.1", port: 9091 }],
  },
  {
    name: "the debug endpoints on 127.0.0.1:9091 for a listen address of every interface",
    input: { file: `${MINIMAL}listen: ":9191"\n` },
    pick: (c) => [c.listen, c.debugListen],
    expect: [{ hostname: "0.0.0.0", port: 9191 }, { hostname: "127.0.0.1", port: 9091 }],
  },
  {
    name: "the debug endpoints where debugListen says, --debug-listen winning",
    input: {
      file: `${MINIMAL}listen: 0.0.0.0:9090\ndebugListen: 0.0.0.0:9090\n`,
      args: ["--debug-listen", "[::]:9092"],
    },
    pick: (c) => [c.listen, c.debugListen],
    expect: [{ hostname: "0.0.0.0", port: 9090 }, { hostname: "::", port: 9092 }],
  },
  {
    name: "switch flags",
    input: {
      file: MINIMAL,
      args: ["--dry-run", "--once", "--log-level=debug", "--listen", "[::1]:0"],
    },
    pick: (c) => [c.dryRun, c.once, c.logLevel, c.listen],
    expect: [true, true, "debug", { hostname: "::1", port: 0 }],
  },
  {
    name: "no file: flags alone",
    input: { args: ["--cluster-name", "a", "--polaris-address", "10.1.1.1"] },
    pick: (c) => [c.clusters[0].clusterName, c.polaris.baseUrl, "configFile" in c],
    expect: ["a", "http://10.1.1.1:8090", false],
  },
  {
    name: "one cluster through --kubeconfig",
    input: {
      file: MINIMAL,
      args: ["--kubeconfig", "/k/config"],
      env: { KUBECONFIG: "/env/config" },
    },
    pick: (c) => c.clusters,
    expect: [{ clusterName: "cluster-a", origin: { kind: "kubeconfig", path: "/k/config" } }],
  },
  {
    name: "one cluster through KUBECONFIG, even in a Pod",
    input: { file: MINIMAL, env: { KUBECONFIG: "/env/config" }, inCluster: true },
    pick: (c) => c.clusters[0].origin,
    expect: { kind: "kubeconfig", path: "/env/config" },
  },
  {
    name: "one cluster in-cluster when in a Pod without a kubeconfig",
    input: { file: MINIMAL, inCluster: true },
    pick: (c) => c.clusters[0].origin,
    expect: { kind: "in-cluster" },
  },
  {
    name: "several clusters with kubeconfig and context",
    input: {
      file: `serverAddress: p
clusters:
  - clusterName: east
    kubeconfig: /k/east
  - clusterName: west
    context: west-admin
  - clusterName: local
    manifests: examples/cluster-a
  - clusterName: home`,
      args: ["--kubeconfig", "/k/all"],
    },
    pick: (c) => c.clusters,
    expect: [
      { clusterName: "east", origin: { kind: "kubeconfig", path: "/k/east" } },
      {
        clusterName: "west",
        origin: { kind: "kubeconfig", path: "/k/all", context: "west-admin" },
      },
      { clusterName: "local", origin: { kind: "manifests", dir: "examples/cluster-a" } },
      { clusterName: "home", origin: { kind: "kubeconfig", path: "/k/all" } },
    ],
  },
  {
    name: "--dev alone: the emulator and the example clusters",
    input: { args: ["--dev"] },
    pick: (c) => [c.dev, c.polaris.baseUrl, c.polaris.embeddedEmulator, c.clusters],
    expect: [true, "http://127.0.0.1:8090", true, [
      { clusterName: "cluster-a", origin: { kind: "manifests", dir: "examples/cluster-a" } },
      { clusterName: "cluster-b", origin: { kind: "manifests", dir: "examples/cluster-b" } },
    ]],
  },
  {
    name: "--dev with KUBECONFIG and a clusterName syncs that cluster",
    input: {
      args: ["--dev", "--cluster-name", "mine"],
      env: { KUBECONFIG: "/k" },
      inCluster: true,
    },
    pick: (c) => c.clusters,
    expect: [{ clusterName: "mine", origin: { kind: "kubeconfig", path: "/k" } }],
  },
  {
    name: "--dev --emulator-port: the emulator on that port",
    input: { args: ["--dev", "--emulator-port", "18090"] },
    pick: (c) => [c.polaris.baseUrl, c.polaris.embeddedEmulator],
    expect: ["http://127.0.0.1:18090", true],
  },
  {
    name: "--dev --emulator-port 0: the emulator on any free port",
    input: { args: ["--dev", "--emulator-port=0"] },
    pick: (c) => c.polaris.baseUrl,
    expect: "http://127.0.0.1:0",
  },
  {
    name: "Normal Events from events.emit",
    input: { file: `${MINIMAL}events:\n  emit: [Synced, InstancesChanged, Synced]` },
    pick: (c) => c.events.emit,
    expect: ["Synced", "InstancesChanged"],
  },
  {
    name: "Normal Events from --events-emit over the file",
    input: {
      file: `${MINIMAL}events:\n  emit: [Synced]`,
      args: ["--events-emit=InstancesChanged"],
    },
    pick: (c) => c.events.emit,
    expect: ["InstancesChanged"],
  },
  {
    name: "no Normal Events from an empty --events-emit",
    input: { file: `${MINIMAL}events:\n  emit: [Synced]`, args: ["--events-emit="] },
    pick: (c) => c.events.emit,
    expect: [],
  },
  {
    name: "--once --once-timeout",
    input: { file: MINIMAL, args: ["--once", "--once-timeout", "5m"] },
    pick: (c) => [c.once, c.onceTimeoutMs],
    expect: [true, 300_000],
  },
  {
    name: "--dev with a real Polaris address starts no emulator",
    input: { args: ["--dev", "--polaris-address", "polaris:8090"] },
    pick: (c) => [c.polaris.baseUrl, c.polaris.embeddedEmulator],
    expect: ["http://polaris:8090", false],
  },
];

for (const row of GOOD) {
  Deno.test(`loadConfig() accepts ${row.name}`, () => {
    assertEquals(row.pick(config(row.input)), row.expect);
  });
}

Deno.test("loadConfig() layers file < flags < POLARIS_TOKEN", () => {
  const file = `serverAddress: from-file
accessToken: file-token
clusterName: file-cluster
serviceSync:
  mode: demand
listen: 127.0.0.1:1000
logLevel: error`;
  const flags = [
    "--cluster-name=flag-cluster",
    "--sync-mode=all",
    "--polaris-address=from-flag",
    "--listen=127.0.0.1:2000",
    "--log-level=debug",
  ];
  const pick = (c: Config) => [
    c.clusters[0].clusterName,
    c.sync.mode,
    c.polaris.baseUrl,
    c.listen.port,
    c.logLevel,
    c.polaris.accessToken,
  ];
  assertEquals(pick(config({ file })), [
    "file-cluster",
    "demand",
    "http://from-file:8090",
    1000,
    "error",
    "file-token",
  ]);
  assertEquals(pick(config({ file, args: flags })), [
    "flag-cluster",
    "all",
    "http://from-flag:8090",
    2000,
    "debug",
    "file-token",
  ]);
  assertEquals(pick(config({ file, args: flags, env: { POLARIS_TOKEN: "env-token" } })), [
    "flag-cluster",
    "all",
    "http://from-flag:8090",
    2000,
    "debug",
    "env-token",
  ]);
  assertEquals(config({ file, env: { POLARIS_TOKEN: "" } }).polaris.accessToken, "file-token");
});

Deno.test("loadConfig() reads what to sync and the write policy from the file, flags winning", () => {
  const file = `${MINIMAL}serviceSync:
  allowNamespaces: [shop, payments]
  denyNamespaces: shop-canary
  labelSelector: "app=web,env in (prod,staging)"
  serviceTypes: [ClusterIP]
  policy: upsert-only
`;
  const fromFile = config({ file }).sync;
  assertEquals(fromFile.policy, "upsert-only");
  assertEquals(fromFile.filter.allowNamespaces, ["shop", "payments"]);
  assertEquals(fromFile.filter.denyNamespaces, ["shop-canary"]);
  assertEquals(fromFile.filter.serviceTypes, ["ClusterIP"]);
  assertEquals(fromFile.filter.labelSelector?.requirements, [
    { key: "app", op: "in", values: ["web"] },
    { key: "env", op: "in", values: ["prod", "staging"] },
  ]);
  const fromFlags = config({
    file,
    args: [
      "--policy=create-only",
      "--allow-namespaces=a,b",
      "--deny-namespaces=",
      "--label-selector=!legacy",
      "--service-types=NodePort,LoadBalancer",
    ],
  }).sync;
  assertEquals(fromFlags.policy, "create-only");
  assertEquals(fromFlags.filter.allowNamespaces, ["a", "b"]);
  assertEquals(fromFlags.filter.denyNamespaces, []);
  assertEquals(fromFlags.filter.serviceTypes, ["NodePort", "LoadBalancer"]);
  assertEquals(fromFlags.filter.labelSelector?.requirements, [{ key: "legacy", op: "absent" }]);
});

Deno.test("loadConfig() warns about unknown keys that are no typo and ignored settings", () => {
  const file = `${MINIMAL}extra: 1
serviceSync:
  enable: false
  futureKey: 1s
  operator: someone
newPolarisControllerKey: x`;
  assertEquals(warnings({ file }), [
    'Ignoring the unknown config key "extra"',
    'Ignoring the unknown config key "newPolarisControllerKey"',
    'Ignoring the unknown config key "serviceSync.futureKey"',
    'Ignoring serviceSync.operator "someone": not supported; accessToken is sent to Polaris as is',
    "Ignoring serviceSync.enable false, as polaris-controller does; use serviceSync.mode",
  ]);
});

Deno.test('loadConfig() warns about the clusterName "default", from the file, a flag or a list', () => {
  const warning = (key: string) =>
    `${key} is "default", polaris-controller's helm default: every instance is owned by its ` +
    'clusterName, so two clusters left at "default" overwrite and delete each other\'s ' +
    "instances; give each cluster its own name";
  assertEquals(warnings({ file: "serverAddress: p\nclusterName: default" }), [
    warning("clusterName"),
  ]);
  assertEquals(warnings({ file: "serverAddress: p", args: ["--cluster-name", "default"] }), [
    warning("--cluster-name"),
  ]);
  assertEquals(
    warnings({ file: "serverAddress: p\nclusters:\n  - clusterName: a\n  - clusterName: default" }),
    [warning("clusters[1].clusterName")],
  );
  assertEquals(warnings({ file: MINIMAL }), []);
});

Deno.test("loadConfig() answers help for --help, even beside a bad flag", () => {
  const result = load({ args: ["--sync-mode=bogus", "--help"] });
  assertEquals(result.kind, "help");
});

interface BadRow {
  readonly name: string;
  readonly input: Input;
  readonly message: string;
}

const BAD: readonly BadRow[] = [
  {
    name: "an unknown write policy from the flag",
    input: { file: MINIMAL, args: ["--policy", "upsert"] },
    message: '--policy is "upsert"; expected "sync", "upsert-only" or "create-only"',
  },
  {
    name: "a bad label selector",
    input: { file: `${MINIMAL}serviceSync:\n  labelSelector: "app in (web"` },
    message:
      'serviceSync.labelSelector is "app in (web"; expected a label selector: unbalanced parentheses in "app in (web"',
  },
  {
    name: "an unknown Service type from the flag",
    input: { file: MINIMAL, args: ["--service-types", "ClusterIP,ExternalName"] },
    message:
      '--service-types is "ClusterIP,ExternalName"; expected a list of ClusterIP, NodePort and LoadBalancer, or the same as text ("ClusterIP,NodePort"), got "ExternalName"',
  },
  {
    name: "a bad namespace in the allow list",
    input: { file: `${MINIMAL}serviceSync:\n  allowNamespaces: [shop, Pay_ments]` },
    message:
      'serviceSync.allowNamespaces is ["shop","Pay_ments"]; expected a list of namespace names, or the same as text ("shop,payments"), got "Pay_ments"',
  },
  {
    name: "an unknown mode",
    input: { file: `${MINIMAL}serviceSync:\n  mode: everything` },
    message: 'serviceSync.mode is "everything"; expected "all" or "demand"',
  },
  {
    name: "an unknown mode from the flag",
    input: { file: MINIMAL, args: ["--sync-mode", "ALL"] },
    message: '--sync-mode is "ALL"; expected "all" or "demand"',
  },
  {
    name: "a missing clusterName",
    input: { file: "serverAddress: p" },
    message:
      "clusterName is missing; expected the name of this cluster in clusterName or --cluster-name (or a clusters list)",
  },
  {
    name: "an empty clusterName",
    input: { file: 'serverAddress: p\nclusterName: ""' },
    message: 'clusterName is ""; expected a non-empty cluster name',
  },
  {
    name: "an empty --cluster-name",
    input: { file: MINIMAL, args: ["--cluster-name="] },
    message: '--cluster-name is ""; expected a non-empty cluster name',
  },
  {
    name: "a missing serverAddress",
    input: { file: "clusterName: a" },
    message:
      "serverAddress is missing; expected the Polaris address in serverAddress or --polaris-address",
  },
  {
    name: "malformed YAML",
    input: { file: "serverAddress: p\n  clusterName: [a" },
    message:
      'the config file "mesh.yaml" is not valid YAML; Nested mappings are not allowed in compact mappings at line 1, column 16',
  },
  {
    name: "a YAML alias to no anchor",
    input: { file: "clusterName: *name" },
    message:
      'the config file "mesh.yaml" is not valid YAML; Unresolved alias (the anchor must be set before the alias): name',
  },
  {
    name: "a duplicate YAML key",
    input: { file: "clusterName: a\nclusterName: b" },
    message:
      'the config file "mesh.yaml" is not valid YAML; Map keys must be unique at line 2, column 1',
  },
  {
    name: "a YAML list instead of a map",
    input: { file: "- serverAddress: p" },
    message:
      'the config file "mesh.yaml" holds a list; expected a map of keys such as serverAddress and clusterName',
  },
  {
    name: "a YAML scalar instead of a map",
    input: { file: "just text" },
    message:
      'the config file "mesh.yaml" holds the string "just text"; expected a map of keys such as serverAddress and clusterName',
  },
  {
    name: "an unreadable file",
    input: { args: ["--config", "missing.yaml"] },
    message: '--config is "missing.yaml"; expected a readable file (No such file: missing.yaml)',
  },
  {
    name: "a bad URL scheme",
    input: { file: "serverAddress: ftp://polaris\nclusterName: a" },
    message: 'serverAddress is "ftp://polaris"; expected an "http" or "https" URL',
  },
  {
    name: "a bad address from the flag",
    input: { file: MINIMAL, args: ["--polaris-address", "polaris:99999"] },
    message: '--polaris-address is "polaris:99999"; expected a port from 1 to 65535',
  },
  {
    name: "a bare IPv6 address",
    input: { file: "serverAddress: 'fd00::1'\nclusterName: a" },
    message:
      'serverAddress is "fd00::1"; expected an IPv6 address in brackets, e.g. "[fd00::1]:8090"',
  },
  {
    name: "a serviceSync that is not a map",
    input: { file: `${MINIMAL}serviceSync: all` },
    message: 'serviceSync is "all"; expected a map',
  },
  {
    name: "a duration without a unit",
    input: { file: `${MINIMAL}serviceSync:\n  debounce: 200` },
    message:
      'serviceSync.debounce is 200; expected a Go duration such as "200ms", "30s" or "1m30s"',
  },
  {
    name: "a malformed duration",
    input: { file: `${MINIMAL}serviceSync:\n  resyncPeriod: 5 minutes` },
    message:
      'serviceSync.resyncPeriod is "5 minutes"; expected a Go duration above 0, such as "200ms", "30s" or "1m30s"',
  },
  {
    name: "a zero resync period",
    input: { file: `${MINIMAL}serviceSync:\n  resyncPeriod: 0s` },
    message:
      'serviceSync.resyncPeriod is "0s"; expected a Go duration above 0, such as "200ms", "30s" or "1m30s"',
  },
  {
    name: "a negative duration",
    input: { file: `${MINIMAL}polaris:\n  timeout: -1s` },
    message:
      'polaris.timeout is "-1s"; expected a Go duration above 0, such as "200ms", "30s" or "1m30s"',
  },
  {
    name: "a bad server.resyncDuration",
    input: { file: `${MINIMAL}server:\n  resyncDuration: often` },
    message:
      'server.resyncDuration is "often"; expected a Go duration such as "200ms", "30s" or "1m30s"',
  },
  {
    name: "a zero batch size",
    input: { file: `${MINIMAL}serviceSync:\n  batchSize: 0` },
    message: "serviceSync.batchSize is 0; expected an integer from 1 to 100",
  },
  {
    name: "a negative batch size",
    input: { file: `${MINIMAL}serviceSync:\n  batchSize: -5` },
    message: "serviceSync.batchSize is -5; expected an integer from 1 to 100",
  },
  {
    name: "a fractional batch size",
    input: { file: `${MINIMAL}serviceSync:\n  batchSize: 2.5` },
    message: "serviceSync.batchSize is 2.5; expected an integer from 1 to 100",
  },
  {
    name: "a batch size over 100",
    input: { file: `${MINIMAL}serviceSync:\n  batchSize: 101` },
    message: "serviceSync.batchSize is 101; expected an integer from 1 to 100",
  },
  {
    name: "a batch size written as text",
    input: { file: `${MINIMAL}serviceSync:\n  batchSize: "ten"` },
    message: 'serviceSync.batchSize is "ten"; expected an integer from 1 to 100',
  },
  {
    name: "a zero concurrency",
    input: { file: `${MINIMAL}serviceSync:\n  concurrency: 0` },
    message: "serviceSync.concurrency is 0; expected an integer from 1 to 64",
  },
  {
    name: "a bad ignored namespace",
    input: { file: `${MINIMAL}serviceSync:\n  ignoreNamespaces: [kube-system, Bad_NS]` },
    message:
      'serviceSync.ignoreNamespaces[1] is "Bad_NS"; expected a Kubernetes namespace name (lower-case DNS label)',
  },
  {
    name: "a bad podLabels value",
    input: { file: `${MINIMAL}serviceSync:\n  podLabels: some` },
    message: 'serviceSync.podLabels is "some"; expected "all", "none" or a list of Pod label keys',
  },
  {
    name: "a bad endpointsApi",
    input: { file: `${MINIMAL}serviceSync:\n  endpointsApi: v1beta1` },
    message:
      'serviceSync.endpointsApi is "v1beta1"; expected "auto", "endpointslices" or "endpoints"',
  },
  {
    name: "a backoff cap below its base",
    input: { file: `${MINIMAL}serviceSync:\n  backoffMax: 100ms` },
    message:
      'serviceSync.backoffMax is "100ms"; expected serviceSync.backoffMax to be at least serviceSync.backoffBase',
  },
  {
    name: "a bad listen address in the file",
    input: { file: `${MINIMAL}listen: 9090` },
    message: 'listen is 9090; expected host:port, e.g. "127.0.0.1:9090"',
  },
  {
    name: "a bad debug listen address from the flag",
    input: { file: MINIMAL, args: ["--debug-listen", "9091"] },
    message:
      '--debug-listen is "9091"; expected host:port, e.g. "127.0.0.1:9090", "0.0.0.0:9090" or "[::1]:9090"',
  },
  {
    name: "a bad listen address from the flag",
    input: { file: MINIMAL, args: ["--listen", "localhost"] },
    message:
      '--listen is "localhost"; expected host:port, e.g. "127.0.0.1:9090", "0.0.0.0:9090" or "[::1]:9090"',
  },
  {
    name: "an unknown log level",
    input: { file: MINIMAL, args: ["--log-level", "verbose"] },
    message: '--log-level is "verbose"; expected one of "debug", "info", "warn", "error"',
  },
  {
    name: "an unknown log level in the file",
    input: { file: `${MINIMAL}logLevel: trace` },
    message: 'logLevel is "trace"; expected one of "debug", "info", "warn", "error"',
  },
  {
    name: "duplicate clusterNames",
    input: {
      file:
        "serverAddress: p\nclusters:\n  - clusterName: a\n  - clusterName: b\n  - clusterName: a",
    },
    message: 'clusters[2].clusterName is "a"; expected a name not already used by clusters[0]',
  },
  {
    name: "a cluster entry without clusterName",
    input: { file: "serverAddress: p\nclusters:\n  - kubeconfig: /k" },
    message: "clusters[0].clusterName is missing; expected a non-empty cluster name",
  },
  {
    name: "an unknown key in a cluster entry",
    input: { file: "serverAddress: p\nclusters:\n  - clusterName: a\n    kubeconfg: /k" },
    message: 'clusters[0].kubeconfg is not a known key; did you mean "clusters[0].kubeconfig"?',
  },
  {
    name: "an unknown key in a cluster entry that is no typo",
    input: { file: "serverAddress: p\nclusters:\n  - clusterName: a\n    region: x" },
    message:
      "clusters[0].region is not a known key; expected one of clusterName, kubeconfig, context, manifests",
  },
  {
    name: "a typo of a serviceSync key",
    input: { file: `${MINIMAL}serviceSync:\n  debounse: 1s` },
    message: 'serviceSync.debounse is not a known key; did you mean "serviceSync.debounce"?',
  },
  {
    name: "a typo of a top-level key",
    input: { file: `${MINIMAL}leaderElecton:\n  enabled: true` },
    message: 'leaderElecton is not a known key; did you mean "leaderElection"?',
  },
  {
    name: "a typo of polaris-controller's clusterName",
    input: { file: "serverAddress: p\nclusterNme: a" },
    message: 'clusterNme is not a known key; did you mean "clusterName"?',
  },
  {
    name: "an empty cluster list",
    input: { file: "serverAddress: p\nclusters: []" },
    message: "clusters is []; expected at least one cluster",
  },
  {
    name: "a cluster with both manifests and kubeconfig",
    input: {
      file: "serverAddress: p\nclusters:\n  - clusterName: a\n    manifests: d\n    kubeconfig: k",
    },
    message:
      'clusters[0].manifests is "d"; expected either manifests or kubeconfig/context, not both',
  },
  {
    name: "--cluster-name beside a cluster list",
    input: {
      file: "serverAddress: p\nclusters:\n  - clusterName: a",
      args: ["--cluster-name", "b"],
    },
    message:
      '--cluster-name is "b"; expected no --cluster-name when the config file lists clusters (name each in clusters[].clusterName)',
  },
  {
    name: "an unknown leaderElection key",
    input: { file: `${MINIMAL}leaderElection:\n  enable: true` },
    message: 'leaderElection.enable is not a known key; did you mean "leaderElection.enabled"?',
  },
  {
    name: "a leaderElection.enabled that is not a boolean",
    input: { file: `${MINIMAL}leaderElection:\n  enabled: "yes"` },
    message: 'leaderElection.enabled is "yes"; expected true or false',
  },
  {
    name: "a lease shorter than its renew deadline",
    input: { file: `${MINIMAL}leaderElection:\n  leaseDuration: 5s` },
    message:
      'leaderElection.leaseDuration is "5s"; expected leaderElection.leaseDuration to be longer than leaderElection.renewDeadline',
  },
  {
    name: "a retry period too close to the renew deadline",
    input: { file: `${MINIMAL}leaderElection:\n  retryPeriod: 9s` },
    message:
      'leaderElection.retryPeriod is "9s"; expected leaderElection.renewDeadline to be more than 1.2 × leaderElection.retryPeriod',
  },
  {
    name: "too many Polaris retries",
    input: { file: `${MINIMAL}polaris:\n  maxRetries: 100` },
    message: "polaris.maxRetries is 100; expected an integer from 0 to 20",
  },
  {
    name: "an accessToken that is a map, without showing it",
    input: { file: `${MINIMAL}accessToken:\n  secret: value` },
    message: "accessToken is hidden (a map); expected a token string",
  },
  {
    name: "an empty --config",
    input: { args: ["--config="] },
    message: '--config is ""; expected a file path',
  },
  {
    name: "an empty --kubeconfig",
    input: { file: MINIMAL, args: ["--kubeconfig="] },
    message: '--kubeconfig is ""; expected a kubeconfig file path',
  },
  {
    name: "--emulator-port without --dev",
    input: { file: MINIMAL, args: ["--emulator-port", "18090"] },
    message:
      '--emulator-port is "18090"; expected it only with --dev and no serverAddress or --polaris-address (only then is the embedded emulator started)',
  },
  {
    name: "--emulator-port beside --polaris-address",
    input: { args: ["--dev", "--polaris-address", "p", "--emulator-port", "1"] },
    message:
      '--emulator-port is "1"; expected it only with --dev and no serverAddress or --polaris-address (only then is the embedded emulator started)',
  },
  {
    name: "a bad --emulator-port",
    input: { args: ["--dev", "--emulator-port", "80a"] },
    message: '--emulator-port is "80a"; expected a port from 1 to 65535, or 0 for any free port',
  },
  {
    name: "a bad --once-timeout",
    input: { file: MINIMAL, args: ["--once", "--once-timeout", "60"] },
    message: '--once-timeout is "60"; expected a Go duration above 0, such as "60s" or "5m"',
  },
  {
    name: "--once-timeout without --once",
    input: { file: MINIMAL, args: ["--once-timeout", "1m"] },
    message: '--once-timeout is "1m"; expected it only with --once',
  },
  {
    name: "the placeholder clusterName of deploy/config_map.yaml",
    input: { file: 'serverAddress: p\nclusterName: "<cluster-name>"' },
    message:
      'clusterName is "<cluster-name>", the placeholder of deploy/config_map.yaml; expected the name of this cluster in Polaris (deploy/install.sh --cluster-name NAME fills it in)',
  },
  {
    name: "an unknown Normal Event",
    input: { file: MINIMAL, args: ["--events-emit", "Synced,RecordReady"] },
    message:
      '--events-emit is "Synced,RecordReady"; expected a list of Synced and InstancesChanged, or the same as text ("Synced,InstancesChanged")',
  },
  {
    name: "an unknown flag",
    input: { file: MINIMAL, args: ["--sync"] },
    message: "--sync is not a known flag; expected one of --config, ",
  },
];

for (const row of BAD) {
  Deno.test(`loadConfig() refuses ${row.name}`, () => {
    const result = load(row.input);
    const message = result.kind === "error" ? result.message : JSON.stringify(result);
    const expected = `Cannot start: ${row.message}`;
    const exact = !row.message.endsWith(", ");
    if (exact) assertEquals(message, expected);
    else ok(message.startsWith(expected), message);
  });
}
