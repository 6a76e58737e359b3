/**
 * The command-line flags, as one table: each flag's spelling, whether it takes a value, the field
 * it sets, the config key it overrides and its help text. `parseArgs` builds its `node:util`
 * options from it, `CliFlags` is inferred from it, `loadConfig` lays flags over the config file
 * with it, and `--help` and docs/configuration.md print it. A new flag is one row here.
 *
 * @module
 */

import { DEFAULTS } from "./defaults.ts";

/** What every flag has: its spelling and what `--help` says about it. */
interface FlagBase {
  /** The flag with its dashes, e.g. `--sync-mode`. */
  readonly name: `--${string}`;
  /** The default shown by `--help`. */
  readonly default: string;
  readonly description: string;
}

/** A flag followed by a value (`--flag value` or `--flag=value`), read as text. */
export interface ValueFlagDefinition extends FlagBase {
  readonly kind: "value";
  /** Placeholder of its value in `--help`, e.g. `FILE`. */
  readonly placeholder: string;
  /** The `CliFlags` field it sets. */
  readonly field: string;
  /**
   * The config key (a dotted path) whose file value it replaces, so that it is validated with the
   * file's rules and an error about its value names the flag. Absent for a flag that is no key.
   */
  readonly overrides?: string;
}

/** A flag that is on when given (also `--flag=true`), off when absent (or `--flag=false`). */
export interface SwitchFlagDefinition extends FlagBase {
  readonly kind: "switch";
  /** The `CliFlags` field it sets. */
  readonly field: string;
}

/** The help flag: it wins over every other argument. */
export interface HelpFlagDefinition extends FlagBase {
  readonly kind: "help";
  /** Its one-letter spelling without the dash (`h` for `-h`). */
  readonly short: string;
}

/** One command-line flag. */
export type FlagDefinition = ValueFlagDefinition | SwitchFlagDefinition | HelpFlagDefinition;

/** Every flag `loadConfig` accepts, in `--help` order. */
export const FLAGS = [
  {
    kind: "value",
    name: "--config",
    placeholder: "FILE",
    field: "config",
    default: "none",
    description: 'YAML config: the polaris-controller ConfigMap key "mesh", plus our keys',
  },
  {
    kind: "value",
    name: "--kubeconfig",
    placeholder: "FILE",
    field: "kubeconfig",
    default: "$KUBECONFIG, else in-cluster, else ~/.kube/config",
    description: "kubeconfig of the cluster(s) without their own clusters[].kubeconfig",
  },
  {
    kind: "value",
    name: "--cluster-name",
    placeholder: "NAME",
    field: "clusterName",
    overrides: "clusterName",
    default: "value of clusterName",
    description: "overrides clusterName",
  },
  {
    kind: "value",
    name: "--sync-mode",
    placeholder: "all|demand",
    field: "syncMode",
    overrides: "serviceSync.mode",
    default: "value of serviceSync.mode",
    description: "overrides serviceSync.mode",
  },
  {
    kind: "value",
    name: "--polaris-address",
    placeholder: "ADDRESS",
    field: "polarisAddress",
    overrides: "serverAddress",
    default: "value of serverAddress",
    description: "overrides serverAddress (host, host:port or URL; port 8090 by default)",
  },
  {
    kind: "value",
    name: "--listen",
    placeholder: "HOST:PORT",
    field: "listen",
    overrides: "listen",
    default: "value of listen",
    description: "overrides listen",
  },
  {
    kind: "value",
    name: "--debug-listen",
    placeholder: "HOST:PORT",
    field: "debugListen",
    overrides: "debugListen",
    default: "value of debugListen",
    description: "overrides debugListen",
  },
  {
    kind: "value",
    name: "--log-level",
    placeholder: "debug|info|warn|error",
    field: "logLevel",
    overrides: "logLevel",
    default: "value of logLevel",
    description: "overrides logLevel",
  },
  {
    kind: "value",
    name: "--events-emit",
    placeholder: "REASONS",
    field: "eventsEmit",
    overrides: "events.emit",
    default: "value of events.emit",
    description: "overrides events.emit (comma-separated: Synced,InstancesChanged)",
  },
  {
    kind: "value",
    name: "--policy",
    placeholder: "sync|upsert-only|create-only",
    field: "policy",
    overrides: "serviceSync.policy",
    default: "value of serviceSync.policy",
    description:
      "overrides serviceSync.policy: upsert-only never deletes, create-only only creates",
  },
  {
    kind: "value",
    name: "--allow-namespaces",
    placeholder: "NS,NS",
    field: "allowNamespaces",
    overrides: "serviceSync.allowNamespaces",
    default: "value of serviceSync.allowNamespaces",
    description: "overrides serviceSync.allowNamespaces",
  },
  {
    kind: "value",
    name: "--deny-namespaces",
    placeholder: "NS,NS",
    field: "denyNamespaces",
    overrides: "serviceSync.denyNamespaces",
    default: "value of serviceSync.denyNamespaces",
    description: "overrides serviceSync.denyNamespaces",
  },
  {
    kind: "value",
    name: "--label-selector",
    placeholder: "SELECTOR",
    field: "labelSelector",
    overrides: "serviceSync.labelSelector",
    default: "value of serviceSync.labelSelector",
    description: "overrides serviceSync.labelSelector",
  },
  {
    kind: "value",
    name: "--service-types",
    placeholder: "TYPE,TYPE",
    field: "serviceTypes",
    overrides: "serviceSync.serviceTypes",
    default: "value of serviceSync.serviceTypes",
    description: "overrides serviceSync.serviceTypes",
  },
  {
    kind: "switch",
    name: "--dry-run",
    field: "dryRun",
    default: "off",
    description: "log the plan, write nothing to Polaris",
  },
  {
    kind: "switch",
    name: "--once",
    field: "once",
    default: "off",
    description: "converge once and exit; the exit code is non-zero if anything failed",
  },
  {
    kind: "value",
    name: "--once-timeout",
    placeholder: "DURATION",
    field: "onceTimeout",
    default: DEFAULTS.onceTimeout,
    description:
      "with --once: how long to wait for every service to settle; exit 1 naming what is unsynced",
  },
  {
    kind: "switch",
    name: "--dev",
    field: "dev",
    default: "off",
    description:
      `embedded Polaris emulator on ${DEFAULTS.devServerAddress} (unless an address is set) and ` +
      `the clusters ${DEFAULTS.devClusters.join(", ")} from examples/ (unless a kubeconfig is set)`,
  },
  {
    kind: "value",
    name: "--emulator-port",
    placeholder: "PORT",
    field: "emulatorPort",
    default: String(DEFAULTS.polarisPort),
    description: "with --dev: port of the embedded Polaris emulator (0: any free port)",
  },
  {
    kind: "help",
    name: "--help",
    short: "h",
    default: "",
    description: "print this help and exit (also -h)",
  },
] as const satisfies readonly FlagDefinition[];

type Flag = (typeof FLAGS)[number];

/**
 * The flags given on the command line, inferred from `FLAGS`: a value flag's field holds its text
 * and is absent when the flag is not given; a switch's field is always there, false when absent.
 */
export type CliFlags =
  & { readonly [F in Extract<Flag, { kind: "value" }> as F["field"]]?: string }
  & { readonly [F in Extract<Flag, { kind: "switch" }> as F["field"]]: boolean };
