/**
 * Polaris instances as the sync rules see them: what we want registered, and what is registered.
 *
 * @module
 */

/**
 * An instance the controller wants registered in Polaris, computed from Kubernetes by
 * `desiredInstances`. Metadata already holds the ownership keys (`clusterName`, `source`).
 */
export interface DesiredInstance {
  readonly namespace: string;
  readonly service: string;
  readonly host: string;
  readonly port: number;
  /** `"<portName>/<TCP|UDP|SCTP>"`, as polaris-controller writes it. */
  readonly protocol: string;
  /** From the Pod label `version`; empty when the Pod has none. */
  readonly version: string;
  readonly weight: number;
  readonly healthy: boolean;
  readonly isolate: boolean;
  /**
   * The heartbeat TTL in seconds of `polarismesh.cn/ttl`: Polaris health-checks the instance and
   * the workload heartbeats. Absent: no health check.
   */
  readonly healthCheckTtl?: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * An instance as the Polaris console API lists it. The list output hides the metadata keys
 * `version`, `protocol`, `region`, `zone` and `campus` (reference §3), so they never appear here;
 * the digest the controller writes of them does (`domain/hidden_metadata.ts`).
 */
export interface RegisteredInstance {
  readonly id: string;
  readonly namespace: string;
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: string;
  readonly version: string;
  readonly weight: number;
  readonly healthy: boolean;
  readonly isolate: boolean;
  readonly enableHealthCheck: boolean;
  /** The heartbeat TTL of its health check, when it has one. */
  readonly healthCheckTtl?: number;
  /** Set by some registrars; an instance with a vpc_id has another id and is never ours. */
  readonly vpcId: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Changes on every write of the instance; absent where a server sends none. */
  readonly revision?: string;
}

/** Who a controller is in Polaris: the clusters it syncs and its source marker (sync-rules §1). */
export interface Owner {
  /** Every clusterName this process syncs (one per cluster source). */
  readonly clusterNames: readonly string[];
  /**
   * The `source` metadata value, `polaris-controller` by default so Go-controller instances are
   * adopted.
   */
  readonly source: string;
}

/** Metadata key holding the cluster that registered an instance. */
export const CLUSTER_NAME_KEY = "clusterName";
/** Metadata key holding the registrar of an instance. */
export const SOURCE_KEY = "source";
/**
 * polaris-controller's older key for the registrar, still recognised by it (and by us) as
 * ownership; never written: an adopted instance gets `source` instead on its first update.
 */
export const LEGACY_SOURCE_KEY = "platform";
/** Source marker of polaris-controller, adopted by default. */
export const DEFAULT_SOURCE = "polaris-controller";

/** Metadata keys the Polaris console list strips from its output (reference §3). */
export const HIDDEN_METADATA_KEYS: ReadonlySet<string> = new Set([
  "version",
  "protocol",
  "region",
  "zone",
  "campus",
]);

/** Polaris limits on instance fields (reference §3). */
export const POLARIS_LIMITS = {
  metadataEntries: 64,
  metadataKeyLength: 128,
  metadataValueLength: 4096,
  protocolLength: 32,
  versionLength: 32,
  hostLength: 128,
  serviceNameLength: 128,
  namespaceNameLength: 64,
  batchSize: 100,
  maxWeight: 65535,
} as const;

/** Namespace and service names Polaris accepts (reference §3, `CheckResourceName`). */
export const POLARIS_NAME_PATTERN = /^[0-9A-Za-z\-./:_]+$/;
