/**
 * The reference of every flag, config key and environment variable with its default: what
 * `--help` prints and docs/configuration.md embeds. The flags come from their table in `flags.ts`.
 *
 * @module
 */

import { DEFAULT_IGNORE_NAMESPACES, DEFAULTS } from "./defaults.ts";
import { type FlagDefinition, FLAGS } from "./flags.ts";

/** One key of the config file, as a dotted path (`serviceSync.mode`, `clusters[].context`). */
export interface ConfigKeyReference {
  readonly key: string;
  readonly default: string;
  readonly description: string;
}

/** One environment variable. */
export interface EnvVarReference {
  readonly name: string;
  readonly description: string;
}

/** Every config file key, polaris-controller's first, then our extensions. */
export const CONFIG_KEYS: readonly ConfigKeyReference[] = [
  {
    key: "serverAddress",
    default: `required (${DEFAULTS.devServerAddress} with --dev)`,
    description:
      `Polaris HTTP API: host, host:port, [ipv6]:port or http(s)://host[:port][/path]; port ${DEFAULTS.polarisPort} by default`,
  },
  {
    key: "accessToken",
    default: "none",
    description: "sent as X-Polaris-Token; POLARIS_TOKEN wins",
  },
  {
    key: "clusterName",
    default: "required (not with clusters)",
    description: "written into every instance; --cluster-name wins",
  },
  {
    key: "serviceSync.mode",
    default: DEFAULTS.syncMode,
    description: "all | demand (sync-rules §2); --sync-mode wins",
  },
  {
    key: "server.resyncDuration",
    default: "none",
    description: "polaris-controller's resync period; used when serviceSync.resyncPeriod is absent",
  },
  {
    key: "operator",
    default: "none",
    description: "not supported: warned about and ignored; accessToken is sent as is",
  },
  {
    key: "serviceSync.serverAddress",
    default: "none",
    description: "deprecated fallback of serverAddress",
  },
  {
    key: "serviceSync.accessToken",
    default: "none",
    description: "deprecated fallback of accessToken",
  },
  {
    key: "serviceSync.enable, serviceSync.operator",
    default: "none",
    description: "accepted and ignored (operator with a warning)",
  },
  {
    key: "sidecarInject, configSync, defaultConfig, logger, server.healthCheckDuration",
    default: "none",
    description: "polaris-controller's own keys: accepted and ignored",
  },
  {
    key: "serviceSync.debounce",
    default: DEFAULTS.debounce,
    description: "quiet time after a Service's last event before it is reconciled",
  },
  {
    key: "serviceSync.resyncPeriod",
    default: `${DEFAULTS.resyncPeriod} (or server.resyncDuration)`,
    description: "period of the drift-repairing resync",
  },
  {
    key: "serviceSync.batchSize",
    default: String(DEFAULTS.batchSize),
    description: "items per Polaris batch request, 1..100",
  },
  {
    key: "serviceSync.concurrency",
    default: String(DEFAULTS.concurrency),
    description: "write batches in flight at once, and pages of one listing read at once, 1..64",
  },
  {
    key: "serviceSync.ignoreNamespaces",
    default: DEFAULT_IGNORE_NAMESPACES.join(", "),
    description: "namespaces never synced (a list replaces the default)",
  },
  {
    key: "serviceSync.allowNamespaces",
    default: "every namespace",
    description: "only these namespaces are synced (a list or comma-separated text)",
  },
  {
    key: "serviceSync.denyNamespaces",
    default: "none",
    description: "these namespaces are never synced, besides ignoreNamespaces",
  },
  {
    key: "serviceSync.labelSelector",
    default: "every Service",
    description: 'only Services whose labels match, e.g. "app=web,env in (prod,staging)"',
  },
  {
    key: "serviceSync.serviceTypes",
    default: "every type",
    description: "only Services of these types: ClusterIP, NodePort, LoadBalancer",
  },
  {
    key: "serviceSync.policy",
    default: "sync",
    description: "sync | upsert-only (never delete) | create-only (never update or delete)",
  },
  {
    key: "serviceSync.source",
    default: DEFAULTS.source,
    description: "metadata source marker; the default adopts polaris-controller's instances",
  },
  {
    key: "serviceSync.podLabels",
    default: DEFAULTS.podLabels,
    description: "Pod labels copied into metadata: all | none | a list of label keys",
  },
  {
    key: "serviceSync.endpointsApi",
    default: DEFAULTS.endpointsApi,
    description: "auto | endpointslices | endpoints",
  },
  {
    key: "serviceSync.backoffBase",
    default: DEFAULTS.backoffBase,
    description: "first retry delay of a failed write",
  },
  {
    key: "serviceSync.backoffMax",
    default: DEFAULTS.backoffMax,
    description: "cap of the retry delay",
  },
  {
    key: "clusters[].clusterName",
    default: "required in each entry",
    description: "several clusters in one process; replaces clusterName",
  },
  {
    key: "clusters[].kubeconfig",
    default: "--kubeconfig",
    description: "kubeconfig file of this cluster",
  },
  {
    key: "clusters[].context",
    default: "current context",
    description: "kubeconfig context of this cluster",
  },
  {
    key: "clusters[].manifests",
    default: "none",
    description: "a folder of manifests instead of a cluster (development)",
  },
  {
    key: "listen",
    default: DEFAULTS.listen,
    description: "/healthz, /readyz and /metrics (0.0.0.0:9090 in the container); --listen wins",
  },
  {
    key: "debugListen",
    default: `listen if loopback, else ${DEFAULTS.debugListen}`,
    description:
      "/debug pages and JSON; loopback unless set (docs/decisions.md §23); --debug-listen wins",
  },
  {
    key: "logLevel",
    default: DEFAULTS.logLevel,
    description: "debug | info | warn | error; --log-level wins",
  },
  {
    key: "leaderElection.enabled",
    default: String(DEFAULTS.leaderElectionEnabled),
    description: "only the holder of a coordination.k8s.io/v1 Lease writes",
  },
  {
    key: "leaderElection.namespace",
    default: DEFAULTS.leaderElectionNamespace,
    description: "namespace of the Lease",
  },
  {
    key: "leaderElection.name",
    default: DEFAULTS.leaderElectionName,
    description: "name of the Lease",
  },
  {
    key: "leaderElection.leaseDuration",
    default: DEFAULTS.leaseDuration,
    description: "how long a lease holds without renewal",
  },
  {
    key: "leaderElection.renewDeadline",
    default: DEFAULTS.renewDeadline,
    description: "the leader steps down if it cannot renew within this",
  },
  {
    key: "leaderElection.retryPeriod",
    default: DEFAULTS.retryPeriod,
    description: "time between attempts to acquire or renew",
  },
  {
    key: "leaderElection.identity",
    default: "hostname",
    description: "this replica's holder identity",
  },
  {
    key: "events.emit",
    default: "none",
    description:
      "Normal Events on a Service besides the Warnings: Synced (first registered), InstancesChanged; --events-emit wins",
  },
  {
    key: "polaris.timeout",
    default: DEFAULTS.polarisTimeout,
    description: "deadline of one Polaris HTTP request",
  },
  {
    key: "polaris.maxRetries",
    default: String(DEFAULTS.polarisMaxRetries),
    description: "retries of one Polaris request, 0..20",
  },
];

/** Every environment variable read. */
export const ENV_VARS: readonly EnvVarReference[] = [
  { name: "POLARIS_TOKEN", description: "Polaris access token; wins over accessToken" },
  { name: "KUBECONFIG", description: "kubeconfig file when --kubeconfig is not given" },
  {
    name: "KUBERNETES_SERVICE_HOST",
    description:
      "set by Kubernetes in a Pod: without a kubeconfig, use the in-cluster ServiceAccount",
  },
];

/**
 * Returns the text `--help` prints: usage, then every flag, config key and environment variable
 * with its default.
 */
export function helpText(): string {
  const lines = [
    "polaris-k8s-sync: keeps a PolarisMesh registry in step with Kubernetes Services",
    "",
    "Usage: deno task start [flags]    (deno task dev adds --dev)",
    "Order: built-in defaults < config file < flags < environment (POLARIS_TOKEN)",
    "",
    "Flags (--flag value or --flag=value):",
    ...FLAGS.map((flag) => row(flagLabel(flag), flag.description, flag.default)),
    "",
    "Config file keys (YAML; durations in Go syntax such as 200ms, 1m30s):",
    ...CONFIG_KEYS.map((key) => row(key.key, key.description, key.default)),
    "",
    "Environment:",
    ...ENV_VARS.map((env) => row(env.name, env.description, "")),
  ];
  return lines.join("\n");
}

/** Returns how a flag is shown: its name, then its value's placeholder if it takes one. */
function flagLabel(flag: FlagDefinition): string {
  return flag.kind === "value" ? `${flag.name} ${flag.placeholder}` : flag.name;
}

const LABEL_WIDTH = 34;
const LINE_WIDTH = 100;

/** Returns one help entry: the label, then the description and default wrapped beside it. */
function row(label: string, description: string, defaultText: string): string {
  const text = defaultText === "" ? description : `${description} [default: ${defaultText}]`;
  const indent = " ".repeat(LABEL_WIDTH);
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && LABEL_WIDTH + line.length + 1 + word.length > LINE_WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  const head = `  ${label}`;
  const first = head.length < LABEL_WIDTH ? head.padEnd(LABEL_WIDTH) + lines.shift() : head;
  return [first, ...lines.map((item) => indent + item)].join("\n");
}

/**
 * Returns Markdown tables of every flag, config key and environment variable, the generated
 * part of docs/configuration.md (a test keeps the two equal).
 */
export function markdownReference(): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  return [
    "### Flags",
    "",
    "| flag | default | meaning |",
    "|---|---|---|",
    ...FLAGS.map((flag) =>
      `| \`${cell(flagLabel(flag))}\` | ${cell(flag.default)} | ${cell(flag.description)} |`
    ),
    "",
    "### Config file keys",
    "",
    "| key | default | meaning |",
    "|---|---|---|",
    ...CONFIG_KEYS.map((key) =>
      `| \`${cell(key.key)}\` | ${cell(key.default)} | ${cell(key.description)} |`
    ),
    "",
    "### Environment variables",
    "",
    "| variable | meaning |",
    "|---|---|",
    ...ENV_VARS.map((env) => `| \`${env.name}\` | ${cell(env.description)} |`),
    "",
  ].join("\n");
}
