/**
 * Builds the one validated, frozen `Config` from embedded defaults, the config file, flags and
 * the environment (docs/configuration.md), or one message saying which key is wrong.
 *
 * @module
 */

import * as v from "valibot";
import { deepFreeze } from "./_deep_freeze.ts";
import { closestKey } from "./_did_you_mean.ts";
import { readConfigFile } from "./_read_config_file.ts";
import { resolveClusters } from "./_resolve_clusters.ts";
import { ConfigError, isMap, nonEmpty, show } from "./_values.ts";
import {
  FILE_SCHEMA,
  type FileOutput,
  SERVICE_SYNC_ENTRIES,
  STRICT_KEYS,
  TOP_LEVEL_ENTRIES,
} from "./_file_schema.ts";
import type { ClusterConfig, Config } from "./config.ts";
import { helpText } from "./config_reference.ts";
import { DEFAULT_IGNORE_NAMESPACES, DEFAULTS } from "./defaults.ts";
import { parseDurationMs } from "./duration.ts";
import { isLoopbackHostname, parseListenAddress } from "./listen_address.ts";
import { type CliFlags, FLAGS } from "./flags.ts";
import { parseArgs } from "./parse_args.ts";
import { normalizePolarisAddress } from "./polaris_address.ts";

/** What `loadConfig` found: a config with warnings to log, the help text, or one error message. */
export type LoadResult =
  | { readonly kind: "config"; readonly config: Config; readonly warnings: readonly string[] }
  | { readonly kind: "help"; readonly text: string }
  | { readonly kind: "error"; readonly message: string };

/** What `loadConfig` may read besides its arguments; injected so it stays pure. */
export interface LoadConfigOptions {
  /** The process environment (`POLARIS_TOKEN`, `KUBECONFIG`, `KUBERNETES_SERVICE_HOST`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads the `--config` file; may throw. */
  readonly readTextFile: (path: string) => string;
  /** Whether the process runs in a Pod; by default, whether `KUBERNETES_SERVICE_HOST` is set. */
  readonly inCluster?: boolean;
  /** Folder holding the `--dev` manifest folders; `examples` by default. */
  readonly examplesDir?: string;
}

/** The flags that override a config key, so that an error about their value names the flag. */
const OVERRIDING_FLAGS = FLAGS.flatMap((flag) => "overrides" in flag ? [flag] : []);

/**
 * Returns the configuration for `args`: embedded defaults, then the YAML file of `--config`
 * (the polaris-controller ConfigMap key `mesh` as is, plus our keys), then flags, then
 * `POLARIS_TOKEN`. Any bad value yields `{ kind: "error" }` with one message naming the key (or
 * the flag) and the value, so the controller never starts half-configured (docs/configuration.md).
 *
 * @example
 * ```ts
 * import { loadConfig } from "./load_config.ts";
 * const result = loadConfig(["--cluster-name", "cluster-a", "--polaris-address", "polaris:8090"], {
 *   env: {},
 *   readTextFile: () => "",
 *   inCluster: true,
 * });
 * if (result.kind !== "config" || result.config.polaris.baseUrl !== "http://polaris:8090") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function loadConfig(args: readonly string[], options: LoadConfigOptions): LoadResult {
  const parsed = parseArgs(args);
  if (parsed.kind === "help") return { kind: "help", text: helpText() };
  if (parsed.kind === "error") return parsed;
  const flags = parsed.flags;
  const warnings: string[] = [];
  let fileData: Record<string, unknown> = {};
  if (flags.config !== undefined) {
    const read = readConfigFile(flags.config, { readTextFile: options.readTextFile, warnings });
    if (typeof read === "string") return fail(read);
    fileData = read;
  }
  const origins = new Map<string, string>();
  const raw = layFlagsOver(fileData, flags, origins);
  const typo = keyTypo(raw);
  if (typo !== undefined) return fail(typo);
  const result = v.safeParse(FILE_SCHEMA, raw, { abortEarly: true });
  if (!result.success) return fail(describeIssue(result.issues[0], origins));
  warnAboutKeys(raw, result.output, warnings);
  try {
    const config = buildConfig(result.output, { raw, flags, options, origins, warnings });
    return { kind: "config", config: deepFreeze(config), warnings };
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
}

function fail(message: string): LoadResult {
  return { kind: "error", message: `Cannot start: ${message}` };
}

/** Returns the file data with flag values written at their config paths. */
function layFlagsOver(
  data: Readonly<Record<string, unknown>>,
  flags: CliFlags,
  origins: Map<string, string>,
): Record<string, unknown> {
  const raw: Record<string, unknown> = { ...data };
  for (const { field, overrides: path, name } of OVERRIDING_FLAGS) {
    const value = flags[field];
    if (typeof value !== "string") continue;
    const [head, tail] = path.split(".");
    if (tail === undefined) {
      raw[head] = value;
    } else {
      const parent = raw[head];
      if (parent !== null && parent !== undefined && !isMap(parent)) continue; // reported as is
      raw[head] = { ...(isMap(parent) ? parent : {}), [tail]: value };
    }
    origins.set(path, name);
  }
  return raw;
}

function describeIssue(issue: v.BaseIssue<unknown>, origins: ReadonlyMap<string, string>): string {
  const keys = (issue.path ?? []).map((item) => item.key as string | number);
  const path = keys.reduce<string>(
    (text, key) =>
      typeof key === "number" ? `${text}[${key}]` : text === "" ? key : `${text}.${key}`,
    "",
  );
  if (issue.type === "strict_object" && issue.expected === "never") {
    const parent = path.slice(0, path.lastIndexOf(".")).replace(/\[\d+\]$/, "[]");
    const allowed = STRICT_KEYS[parent] ?? [];
    const key = String(keys.at(-1));
    const meant = closestKey(key, allowed);
    return meant === undefined
      ? `${path} is not a known key; expected one of ${allowed.join(", ")}`
      : `${path} is not a known key; did you mean ${show(path.slice(0, -key.length) + meant)}?`;
  }
  const name = origins.get(path) ?? (path === "" ? "the config file" : path);
  const value = path.endsWith("accessToken")
    ? `hidden (${kindOf(issue.input)})`
    : show(issue.input);
  return `${name} is ${value}; ${issue.message}`;
}

/**
 * Returns the error for a key at the top level or under `serviceSync` that is a typo of a known
 * one (`serviceSync.debounse`), else undefined. Other unknown keys there are only warned about
 * (`warnAboutKeys`): a newer polaris-controller may add keys to these two maps, but a near miss of
 * a key we read would otherwise silently leave its default in force.
 */
function keyTypo(raw: Readonly<Record<string, unknown>>): string | undefined {
  const maps: ReadonlyArray<[string, unknown, readonly string[]]> = [
    ["", raw, Object.keys(TOP_LEVEL_ENTRIES)],
    ["serviceSync.", raw.serviceSync, Object.keys(SERVICE_SYNC_ENTRIES)],
  ];
  for (const [prefix, map, known] of maps) {
    if (!isMap(map)) continue;
    for (const key of Object.keys(map)) {
      const meant = closestKey(key, known);
      if (meant !== undefined) {
        return `${prefix}${key} is not a known key; did you mean ${show(prefix + meant)}?`;
      }
    }
  }
  return undefined;
}

/** Names the kind of a YAML value without showing it (for secrets). */
function kindOf(value: unknown): string {
  return Array.isArray(value) ? "a list" : isMap(value) ? "a map" : `a ${typeof value}`;
}

function warnAboutKeys(
  raw: Readonly<Record<string, unknown>>,
  file: FileOutput,
  warnings: string[],
): void {
  for (const key of Object.keys(raw)) {
    if (!(key in TOP_LEVEL_ENTRIES)) warnings.push(`Ignoring the unknown config key ${show(key)}`);
  }
  const sync = raw.serviceSync;
  if (isMap(sync)) {
    for (const key of Object.keys(sync)) {
      if (!(key in SERVICE_SYNC_ENTRIES)) {
        warnings.push(`Ignoring the unknown config key ${show(`serviceSync.${key}`)}`);
      }
    }
  }
  const operators = { operator: file.operator, "serviceSync.operator": file.serviceSync?.operator };
  for (const [path, value] of Object.entries(operators)) {
    if (value !== undefined && value !== "") {
      warnings.push(
        `Ignoring ${path} ${show(value)}: not supported; accessToken is sent to Polaris as is`,
      );
    }
  }
  if (file.serviceSync?.enable === false) {
    warnings.push(
      "Ignoring serviceSync.enable false, as polaris-controller does; use serviceSync.mode",
    );
  }
}

/** Everything `buildConfig` needs besides the validated file. */
interface BuildContext {
  /** The file with flags laid over it, before validation: values as the user wrote them. */
  readonly raw: Readonly<Record<string, unknown>>;
  readonly flags: CliFlags;
  readonly options: LoadConfigOptions;
  readonly origins: ReadonlyMap<string, string>;
  readonly warnings: string[];
}

function buildConfig(file: FileOutput, context: BuildContext): Config {
  const { raw, flags, options, origins, warnings } = context;
  const sync = file.serviceSync ?? {};
  const leader = file.leaderElection ?? {};
  const polaris = file.polaris ?? {};
  const envToken = nonEmpty(options.env.POLARIS_TOKEN);
  const fileToken = nonEmpty(file.accessToken);
  const deprecatedToken = nonEmpty(sync.accessToken);
  const token = envToken ?? fileToken ?? deprecatedToken;
  if (envToken === undefined && fileToken === undefined && deprecatedToken !== undefined) {
    warnings.push("Using the deprecated serviceSync.accessToken; move it to accessToken");
  }
  const backoffBaseMs = sync.backoffBase ?? ms(DEFAULTS.backoffBase);
  const backoffMaxMs = sync.backoffMax ?? ms(DEFAULTS.backoffMax);
  if (backoffMaxMs < backoffBaseMs) {
    throw blame(
      raw,
      sync.backoffMax !== undefined ? "serviceSync.backoffMax" : "serviceSync.backoffBase",
      `expected serviceSync.backoffMax to be at least serviceSync.backoffBase`,
    );
  }
  const leaseDurationMs = leader.leaseDuration ?? ms(DEFAULTS.leaseDuration);
  const renewDeadlineMs = leader.renewDeadline ?? ms(DEFAULTS.renewDeadline);
  const retryPeriodMs = leader.retryPeriod ?? ms(DEFAULTS.retryPeriod);
  if (renewDeadlineMs >= leaseDurationMs) {
    throw blame(
      raw,
      leader.renewDeadline !== undefined
        ? "leaderElection.renewDeadline"
        : "leaderElection.leaseDuration",
      "expected leaderElection.leaseDuration to be longer than leaderElection.renewDeadline",
    );
  }
  if (renewDeadlineMs <= retryPeriodMs * 1.2) {
    throw blame(
      raw,
      leader.retryPeriod !== undefined
        ? "leaderElection.retryPeriod"
        : "leaderElection.renewDeadline",
      "expected leaderElection.renewDeadline to be more than 1.2 × leaderElection.retryPeriod",
    );
  }
  const listen = file.listen ?? parsedListen(DEFAULTS.listen);
  const debugListen = file.debugListen ??
    (isLoopbackHostname(listen.hostname) ? listen : parsedListen(DEFAULTS.debugListen));
  return {
    polaris: {
      ...polarisAddress(file, flags, warnings),
      ...(token === undefined ? {} : { accessToken: token }),
      timeoutMs: polaris.timeout ?? ms(DEFAULTS.polarisTimeout),
      maxRetries: polaris.maxRetries ?? DEFAULTS.polarisMaxRetries,
    },
    clusters: checkedClusters(
      resolveClusters(file, { ...options, flags, origins }, warnings),
      file,
      { origins, warnings },
    ),
    sync: {
      mode: sync.mode ?? DEFAULTS.syncMode,
      debounceMs: sync.debounce ?? ms(DEFAULTS.debounce),
      resyncPeriodMs: sync.resyncPeriod ??
        (file.server?.resyncDuration ? file.server.resyncDuration : ms(DEFAULTS.resyncPeriod)),
      batchSize: sync.batchSize ?? DEFAULTS.batchSize,
      concurrency: sync.concurrency ?? DEFAULTS.concurrency,
      ignoreNamespaces: sync.ignoreNamespaces ?? [...DEFAULT_IGNORE_NAMESPACES],
      filter: {
        allowNamespaces: sync.allowNamespaces ?? [],
        denyNamespaces: sync.denyNamespaces ?? [],
        ...(sync.labelSelector && sync.labelSelector.requirements.length > 0
          ? { labelSelector: sync.labelSelector }
          : {}),
        serviceTypes: sync.serviceTypes ?? [],
      },
      policy: sync.policy ?? "sync",
      source: sync.source ?? DEFAULTS.source,
      podLabels: sync.podLabels ?? { kind: DEFAULTS.podLabels },
      endpointsApi: sync.endpointsApi ?? DEFAULTS.endpointsApi,
      backoffBaseMs,
      backoffMaxMs,
    },
    listen,
    debugListen,
    leaderElection: {
      enabled: leader.enabled ?? DEFAULTS.leaderElectionEnabled,
      namespace: leader.namespace ?? DEFAULTS.leaderElectionNamespace,
      name: leader.name ?? DEFAULTS.leaderElectionName,
      leaseDurationMs,
      renewDeadlineMs,
      retryPeriodMs,
      ...(leader.identity === undefined ? {} : { identity: leader.identity }),
    },
    events: { emit: file.events?.emit ?? [] },
    logLevel: file.logLevel ?? DEFAULTS.logLevel,
    dryRun: flags.dryRun,
    once: flags.once,
    onceTimeoutMs: onceTimeoutMs(flags),
    dev: flags.dev,
    ...(flags.config === undefined ? {} : { configFile: flags.config }),
  };
}

function polarisAddress(
  file: FileOutput,
  flags: CliFlags,
  warnings: string[],
): { baseUrl: string; embeddedEmulator: boolean } {
  const deprecated = file.serviceSync?.serverAddress;
  if (flags.emulatorPort !== undefined && (!flags.dev || file.serverAddress || deprecated)) {
    throw new ConfigError(
      `--emulator-port is ${show(flags.emulatorPort)}; expected it only with --dev and no ` +
        "serverAddress or --polaris-address (only then is the embedded emulator started)",
    );
  }
  if (file.serverAddress) return { baseUrl: file.serverAddress, embeddedEmulator: false };
  if (deprecated) {
    warnings.push("Using the deprecated serviceSync.serverAddress; move it to serverAddress");
    return { baseUrl: deprecated, embeddedEmulator: false };
  }
  if (flags.dev) {
    const port = flags.emulatorPort === undefined
      ? DEFAULTS.polarisPort
      : emulatorPort(flags.emulatorPort);
    const dev = normalizePolarisAddress(DEFAULTS.devServerAddress);
    if (!dev.ok) {
      throw new Error(`Cannot normalize the built-in address "${DEFAULTS.devServerAddress}"`);
    }
    return { baseUrl: dev.url.replace(/:\d+$/, `:${port}`), embeddedEmulator: true };
  }
  throw new ConfigError(
    "serverAddress is missing; expected the Polaris address in serverAddress or --polaris-address",
  );
}

/**
 * Returns the clusters, refusing the placeholder clusterName of deploy/config_map.yaml and
 * warning about `default`: polaris-controller's helm chart defaults clusterName to `default`, and
 * since the clusterName is the ownership marker of every instance, two clusters left at `default`
 * overwrite and delete each other's instances (docs/configuration.md).
 */
function checkedClusters(
  clusters: ClusterConfig[],
  file: FileOutput,
  context: { readonly origins: ReadonlyMap<string, string>; readonly warnings: string[] },
): ClusterConfig[] {
  const { origins, warnings } = context;
  const named = file.clusters
    ? file.clusters.map((entry, index) => [`clusters[${index}].clusterName`, entry.clusterName])
    : [[origins.get("clusterName") ?? "clusterName", file.clusterName]];
  for (const [key, name] of named) {
    if (name === DEFAULTS.clusterNamePlaceholder) {
      throw new ConfigError(
        `${key} is ${show(name)}, the placeholder of deploy/config_map.yaml; expected the name ` +
          "of this cluster in Polaris (deploy/install.sh --cluster-name NAME fills it in)",
      );
    }
    if (name === DEFAULTS.devClusterName) {
      warnings.push(
        `${key} is "default", polaris-controller's helm default: every instance is owned by its ` +
          'clusterName, so two clusters left at "default" overwrite and delete each other\'s ' +
          "instances; give each cluster its own name",
      );
    }
  }
  return clusters;
}

/** Returns the port of `--emulator-port`, or throws naming the flag. */
function emulatorPort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new ConfigError(
      `--emulator-port is ${show(text)}; expected a port from 1 to 65535, or 0 for any free port`,
    );
  }
  return port;
}

/** Returns the `--once-timeout` in milliseconds (the default when absent), or throws. */
function onceTimeoutMs(flags: CliFlags): number {
  const text = flags.onceTimeout ?? DEFAULTS.onceTimeout;
  const timeoutMs = parseDurationMs(text);
  if (timeoutMs === undefined || timeoutMs <= 0) {
    throw new ConfigError(
      `--once-timeout is ${show(text)}; expected a Go duration above 0, such as "60s" or "5m"`,
    );
  }
  if (flags.onceTimeout !== undefined && !flags.once) {
    throw new ConfigError(`--once-timeout is ${show(text)}; expected it only with --once`);
  }
  return timeoutMs;
}

/** Returns the error for a cross-key rule, naming `path` and the value the user wrote there. */
function blame(
  raw: Readonly<Record<string, unknown>>,
  path: string,
  expected: string,
): ConfigError {
  const [head, tail] = path.split(".");
  const parent = raw[head];
  const value = isMap(parent) ? parent[tail] : undefined;
  const shown = value === undefined ? `${show(defaultOf(path))} (the default)` : show(value);
  return new ConfigError(`${path} is ${shown}; ${expected}`);
}

function defaultOf(path: string): unknown {
  const defaults: Readonly<Record<string, unknown>> = {
    "serviceSync.backoffBase": DEFAULTS.backoffBase,
    "serviceSync.backoffMax": DEFAULTS.backoffMax,
    "leaderElection.leaseDuration": DEFAULTS.leaseDuration,
    "leaderElection.renewDeadline": DEFAULTS.renewDeadline,
    "leaderElection.retryPeriod": DEFAULTS.retryPeriod,
  };
  return defaults[path];
}

function ms(text: string): number {
  const value = parseDurationMs(text);
  if (value === undefined) throw new Error(`Cannot parse the built-in duration "${text}"`);
  return value;
}

function parsedListen(text: string) {
  const result = parseListenAddress(text);
  if (!result.ok) throw new Error(`Cannot parse the built-in listen address "${text}"`);
  return result.address;
}
