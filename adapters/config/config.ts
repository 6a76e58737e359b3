/**
 * The typed, validated configuration of polaris-k8s-sync, built once at start-up by
 * `loadConfig` and passed in (STYLE: config is parsed and validated once).
 *
 * @module
 */

import type { ServiceFilter } from "../../domain/should_sync.ts";
import type { WritePolicy } from "../../domain/write_policy.ts";
import type { LogLevel } from "../log/log_level.ts";

/** Which Services are synced when no annotation decides (sync-rules §2). */
export type SyncMode = "all" | "demand";

/** Which Kubernetes API the endpoints of a Service are read from (sync-rules §2.6). */
export type EndpointsApi = "auto" | "endpointslices" | "endpoints";

/** Which Pod labels are copied into instance metadata (sync-rules §2.7). */
export type PodLabelPolicy =
  | { readonly kind: "all" }
  | { readonly kind: "none" }
  | { readonly kind: "keys"; readonly keys: readonly string[] };

/** Where one cluster's objects come from. */
export type ClusterOrigin =
  /** A kubeconfig file (the client's default file when `path` is absent) and optional context. */
  | { readonly kind: "kubeconfig"; readonly path?: string; readonly context?: string }
  /** The ServiceAccount of the Pod the controller runs in. */
  | { readonly kind: "in-cluster" }
  /** A folder of Kubernetes manifests, watched (`deno task dev`, README). */
  | { readonly kind: "manifests"; readonly dir: string };

/** One cluster source: the `clusterName` written into its instances and where it is read from. */
export interface ClusterConfig {
  readonly clusterName: string;
  readonly origin: ClusterOrigin;
}

/** How the controller talks to Polaris. */
export interface PolarisConfig {
  /** Normalized base URL of the Polaris HTTP API, with an explicit port and no final `/`. */
  readonly baseUrl: string;
  /** Sent as `X-Polaris-Token`; absent when Polaris runs without auth. */
  readonly accessToken?: string;
  /** Deadline of one HTTP request (polaris-controller has none, reference §5.3). */
  readonly timeoutMs: number;
  /** Retries of one request before the failure reaches the service actor. */
  readonly maxRetries: number;
  /**
   * True when `--dev` should start the embedded Polaris emulator at `baseUrl` (port 0: any free
   * port; `main.ts` then puts the emulator's own URL here).
   */
  readonly embeddedEmulator: boolean;
}

/** How Services are synced (`serviceSync` in the config file). */
export interface SyncConfig {
  readonly mode: SyncMode;
  /** Quiet time after the last event of a Service before it is reconciled. */
  readonly debounceMs: number;
  /** Period of the drift-repairing resync (sync-rules §3.6). */
  readonly resyncPeriodMs: number;
  /** Items per Polaris batch request, 1..100 (Polaris' limit). */
  readonly batchSize: number;
  /** Polaris requests in flight at once. */
  readonly concurrency: number;
  /** Namespaces never synced (sync-rules §2.3). */
  readonly ignoreNamespaces: readonly string[];
  /**
   * Which Services are synced at all, before any annotation: namespace allow and deny lists, a
   * label selector, Service types (sync-rules §2.11).
   */
  readonly filter: ServiceFilter;
  /** Which kinds of write are made: `sync`, `upsert-only`, `create-only` (sync-rules §3.9). */
  readonly policy: WritePolicy;
  /** The `source` metadata value marking instances as ours (sync-rules §1). */
  readonly source: string;
  readonly podLabels: PodLabelPolicy;
  readonly endpointsApi: EndpointsApi;
  /** First retry delay of a failed write; doubled per attempt, with jitter (sync-rules §3.5). */
  readonly backoffBaseMs: number;
  /** Cap of the retry delay. */
  readonly backoffMaxMs: number;
}

/** Where an HTTP server of the operator endpoints listens (docs/operating.md). */
export interface ListenAddress {
  /** A hostname or IP address; an IPv6 address without brackets. */
  readonly hostname: string;
  /** 0 asks the system for a free port (tests). */
  readonly port: number;
}

/** Leader election on a `coordination.k8s.io/v1` Lease (sync-rules §3.8). */
export interface LeaderElectionConfig {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly name: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  /** This replica's holder identity; `main.ts` derives one from the hostname when absent. */
  readonly identity?: string;
}

/** The Normal Events that may be written on a Service (`events.emit`, `--events-emit`). */
export const EMITTABLE_EVENTS = ["Synced", "InstancesChanged"] as const;

/**
 * A Normal Event on a Service: `Synced` when its instances are first registered in Polaris,
 * `InstancesChanged` when a later reconcile creates, updates or deletes some.
 */
export type EmittedEvent = typeof EMITTABLE_EVENTS[number];

/** Kubernetes Events beside the Warnings, which are always written (`events`). */
export interface EventsConfig {
  /** Normal Events to write; none by default, as external-dns' `--events-emit`. */
  readonly emit: readonly EmittedEvent[];
}

/** The whole configuration, deeply frozen. */
export interface Config {
  readonly polaris: PolarisConfig;
  /** One entry per cluster source; clusterNames are unique. */
  readonly clusters: readonly ClusterConfig[];
  readonly sync: SyncConfig;
  /** The operations endpoints: `/healthz`, `/readyz`, `/metrics`. */
  readonly listen: ListenAddress;
  /**
   * The debug endpoints (`/debug…`): `debugListen` when set, else `listen` when that is a loopback
   * address, else `127.0.0.1:9091` (docs/decisions.md §23). Equal to `listen`: one server.
   */
  readonly debugListen: ListenAddress;
  readonly leaderElection: LeaderElectionConfig;
  readonly events: EventsConfig;
  readonly logLevel: LogLevel;
  /** Log the plan, write nothing (`--dry-run`). */
  readonly dryRun: boolean;
  /** Converge once and exit, non-zero if anything failed (`--once`). */
  readonly once: boolean;
  /** How long `--once` waits for every service to settle (`--once-timeout`). */
  readonly onceTimeoutMs: number;
  /** `deno task dev`: embedded emulator and example manifest folders (`--dev`). */
  readonly dev: boolean;
  /** The config file read, when `--config` was given. */
  readonly configFile?: string;
}
