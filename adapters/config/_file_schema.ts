/**
 * The valibot schema of the config file after flags are laid over it. Private to the config
 * folder: `loadConfig` turns its issues into one message and its output into a `Config`.
 *
 * Every value is optional here (`loadConfig` first drops map keys whose value is `null`: YAML
 * `key:` with no value counts as absent, as it does for polaris-controller's Go YAML decoder,
 * which matters for templated ConfigMaps); required values and cross-key rules are checked by
 * `loadConfig`, which knows whether `--dev` is on and which key the user actually set.
 *
 * @module
 */

import * as v from "valibot";
import { isLogLevel, LOG_LEVELS } from "../log/log_level.ts";
import { EMITTABLE_EVENTS, type EmittedEvent, type PodLabelPolicy } from "./config.ts";
import { parseLabelSelector } from "../../domain/label_selector.ts";
import { WRITE_POLICIES } from "../../domain/write_policy.ts";
import { parseDurationMs } from "./duration.ts";
import { parseListenAddress } from "./listen_address.ts";
import { normalizePolarisAddress } from "./polaris_address.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

function optional<T extends v.GenericSchema>(schema: T) {
  return v.optional(schema);
}

/** A non-blank scalar; YAML numbers and booleans become strings, as Go's decoder makes them. */
function text(expected: string) {
  return v.pipe(
    v.union([v.string(), v.number(), v.boolean()], expected),
    v.transform((value) => String(value)),
    v.check((value) => value.trim() !== "", expected),
  );
}

/** A Go duration string of at least `minMs`, as milliseconds. */
function duration(minMs: number) {
  const expected = minMs > 0
    ? 'expected a Go duration above 0, such as "200ms", "30s" or "1m30s"'
    : 'expected a Go duration such as "200ms", "30s" or "1m30s"';
  return v.pipe(
    v.string(expected),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const ms = parseDurationMs(dataset.value);
      if (ms === undefined || ms < minMs) {
        addIssue({ message: expected });
        return NEVER;
      }
      return ms;
    }),
  );
}

function integer(min: number, max: number) {
  const expected = `expected an integer from ${min} to ${max}`;
  return v.pipe(
    v.number(expected),
    v.integer(expected),
    v.minValue(min, expected),
    v.maxValue(max, expected),
  );
}

function pattern(regexp: RegExp, expected: string) {
  return v.pipe(v.string(expected), v.regex(regexp, expected));
}

const serverAddress = v.pipe(
  text("expected host, host:port or http(s)://host[:port][/path]"),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const result = normalizePolarisAddress(dataset.value);
    if (result.ok) return result.url;
    addIssue({ message: `expected ${result.expected}` });
    return NEVER;
  }),
);

const listen = v.pipe(
  v.string('expected host:port, e.g. "127.0.0.1:9090"'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const result = parseListenAddress(dataset.value);
    if (result.ok) return result.address;
    addIssue({ message: `expected ${result.expected}` });
    return NEVER;
  }),
);

const PODLABELS_EXPECTED = 'expected "all", "none" or a list of Pod label keys';
const podLabels = v.pipe(
  v.union([v.literal("all"), v.literal("none"), v.array(v.string())], PODLABELS_EXPECTED),
  v.check(
    (value) => typeof value === "string" || value.every((key) => LABEL_KEY.test(key)),
    PODLABELS_EXPECTED,
  ),
  v.transform((value): PodLabelPolicy =>
    value === "all" || value === "none"
      ? { kind: value }
      : { kind: "keys", keys: [...new Set(value)] }
  ),
);

/** A token: a string (empty means none, as in a ConfigMap rendered without one). */
const token = v.pipe(
  v.union([v.string(), v.number()], "expected a token string"),
  v.transform((value) => String(value)),
);

const NAMESPACE_EXPECTED = "expected a Kubernetes namespace name (lower-case DNS label)";

/** A list, or the same as comma-separated text (what a flag gives), each item checked. */
function list(item: RegExp | readonly string[], expected: string) {
  return v.pipe(
    v.union([v.array(v.string()), v.string()], expected),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const items = typeof dataset.value === "string"
        ? dataset.value.split(",").map((part) => part.trim()).filter((part) => part !== "")
        : dataset.value;
      const ok = (value: string) =>
        Array.isArray(item) ? item.includes(value) : (item as RegExp).test(value);
      const bad = items.find((value) => !ok(value));
      if (bad !== undefined) {
        addIssue({ message: `${expected}, got ${JSON.stringify(bad)}` });
        return NEVER;
      }
      return [...new Set(items)];
    }),
  );
}

const NAMESPACES_EXPECTED =
  'expected a list of namespace names, or the same as text ("shop,payments")';
const SERVICE_TYPES = ["ClusterIP", "NodePort", "LoadBalancer"] as const;
const SERVICE_TYPES_EXPECTED =
  'expected a list of ClusterIP, NodePort and LoadBalancer, or the same as text ("ClusterIP,NodePort")';

/** A Kubernetes label selector (`app=web,env in (a,b),!legacy`), parsed. */
const labelSelector = v.pipe(
  v.string('expected a label selector, e.g. "app=web,env in (prod,staging)"'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const parsed = parseLabelSelector(dataset.value);
    if ("error" in parsed) {
      addIssue({ message: `expected a label selector: ${parsed.error}` });
      return NEVER;
    }
    return parsed.selector;
  }),
);

/** Keys of `serviceSync`, ours and polaris-controller's; other keys there are warned about. */
export const SERVICE_SYNC_ENTRIES = {
  mode: optional(v.picklist(["all", "demand"], 'expected "all" or "demand"')),
  debounce: optional(duration(0)),
  resyncPeriod: optional(duration(1)),
  batchSize: optional(integer(1, 100)),
  concurrency: optional(integer(1, 64)),
  ignoreNamespaces: optional(
    v.array(pattern(DNS_LABEL, NAMESPACE_EXPECTED), "expected a list of namespace names"),
  ),
  allowNamespaces: optional(list(DNS_LABEL, NAMESPACES_EXPECTED)),
  denyNamespaces: optional(list(DNS_LABEL, NAMESPACES_EXPECTED)),
  labelSelector: optional(labelSelector),
  serviceTypes: optional(list(SERVICE_TYPES, SERVICE_TYPES_EXPECTED)),
  policy: optional(
    v.picklist(WRITE_POLICIES, 'expected "sync", "upsert-only" or "create-only"'),
  ),
  source: optional(text("expected a non-empty source marker")),
  podLabels: optional(podLabels),
  endpointsApi: optional(
    v.picklist(
      ["auto", "endpointslices", "endpoints"],
      'expected "auto", "endpointslices" or "endpoints"',
    ),
  ),
  backoffBase: optional(duration(1)),
  backoffMax: optional(duration(1)),
  // polaris-controller's own keys (reference §4.1):
  serverAddress: optional(serverAddress),
  accessToken: optional(token),
  operator: optional(v.unknown()),
  enable: optional(v.unknown()),
} as const;

/** Keys of one `clusters` entry. */
export const CLUSTER_ENTRIES = {
  clusterName: optional(text("expected a non-empty cluster name")),
  kubeconfig: optional(text("expected a kubeconfig file path")),
  context: optional(text("expected a kubeconfig context name")),
  manifests: optional(text("expected a folder of manifests")),
} as const;

/** Keys of `leaderElection`. */
export const LEADER_ELECTION_ENTRIES = {
  enabled: optional(v.boolean("expected true or false")),
  namespace: optional(pattern(DNS_LABEL, NAMESPACE_EXPECTED)),
  name: optional(pattern(DNS_SUBDOMAIN, "expected a Lease name (lower-case DNS subdomain)")),
  leaseDuration: optional(duration(1)),
  renewDeadline: optional(duration(1)),
  retryPeriod: optional(duration(1)),
  identity: optional(text("expected a non-empty identity")),
} as const;

/** Keys of `polaris`. */
export const POLARIS_ENTRIES = {
  timeout: optional(duration(1)),
  maxRetries: optional(integer(0, 20)),
} as const;

const EMIT_EXPECTED =
  'expected a list of Synced and InstancesChanged, or the same as text ("Synced,InstancesChanged")';

/** Keys of `events`: which Normal Events to write (external-dns' `--events-emit`). */
export const EVENTS_ENTRIES = {
  emit: optional(
    v.pipe(
      v.union([v.array(v.string()), v.string()], EMIT_EXPECTED),
      v.rawTransform(({ dataset, addIssue, NEVER }) => {
        const items = typeof dataset.value === "string"
          ? dataset.value.split(",").map((item) => item.trim()).filter((item) => item !== "")
          : dataset.value;
        const known: readonly string[] = EMITTABLE_EVENTS;
        if (!items.every((item) => known.includes(item))) {
          addIssue({ message: EMIT_EXPECTED });
          return NEVER;
        }
        return [...new Set(items as EmittedEvent[])];
      }),
    ),
  ),
} as const;

const MAP = "expected a map";

/** Top-level keys; other keys are warned about, since a newer polaris-controller may add some. */
export const TOP_LEVEL_ENTRIES = {
  serverAddress: optional(serverAddress),
  accessToken: optional(token),
  clusterName: optional(text("expected a non-empty cluster name")),
  serviceSync: optional(v.looseObject(SERVICE_SYNC_ENTRIES, MAP)),
  server: optional(
    v.looseObject({
      resyncDuration: optional(duration(0)),
      healthCheckDuration: optional(v.unknown()),
    }, MAP),
  ),
  operator: optional(v.unknown()),
  sidecarInject: optional(v.unknown()),
  configSync: optional(v.unknown()),
  defaultConfig: optional(v.unknown()),
  logger: optional(v.unknown()),
  clusters: optional(
    v.pipe(
      v.array(
        v.strictObject(CLUSTER_ENTRIES, "expected a map with clusterName"),
        "expected a list of clusters",
      ),
      v.minLength(1, "expected at least one cluster"),
    ),
  ),
  listen: optional(listen),
  debugListen: optional(listen),
  logLevel: optional(
    v.custom<typeof LOG_LEVELS[number]>(
      isLogLevel,
      `expected one of ${LOG_LEVELS.map((l) => `"${l}"`).join(", ")}`,
    ),
  ),
  leaderElection: optional(v.strictObject(LEADER_ELECTION_ENTRIES, MAP)),
  polaris: optional(v.strictObject(POLARIS_ENTRIES, MAP)),
  events: optional(v.strictObject(EVENTS_ENTRIES, MAP)),
} as const;

/** The file schema: a map of the keys above. */
export const FILE_SCHEMA = v.looseObject(TOP_LEVEL_ENTRIES, MAP);

/** The validated file, flags laid over it. */
export type FileOutput = v.InferOutput<typeof FILE_SCHEMA>;

/** The key lists of the strict maps, to name the allowed keys when an unknown one appears. */
export const STRICT_KEYS: Readonly<Record<string, readonly string[]>> = {
  "clusters[]": Object.keys(CLUSTER_ENTRIES),
  leaderElection: Object.keys(LEADER_ELECTION_ENTRIES),
  polaris: Object.keys(POLARIS_ENTRIES),
  events: Object.keys(EVENTS_ENTRIES),
};
