/**
 * What the chaos harness reads back from the Polaris server (directly, not through a fault proxy):
 * instances and aliases, as plain values.
 *
 * @module
 */

/** An instance as the server lists it. */
export interface PolarisInstance {
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
  readonly metadata: Readonly<Record<string, string>>;
  readonly revision: string;
}

/** A service alias as the server lists it. */
export interface PolarisAlias {
  readonly alias: string;
  readonly aliasNamespace: string;
  readonly namespace: string;
  readonly service: string;
  readonly comment: string;
}

/** Everything read in one pass. */
export interface PolarisSnapshot {
  readonly instances: readonly PolarisInstance[];
  readonly aliases: readonly PolarisAlias[];
}

/** Who the controllers are: their clusterNames, source marker and alias comment marker. */
export interface ChaosOwner {
  readonly clusterNames: readonly string[];
  readonly source: string;
  /** Text the controller puts in the comment of the aliases it creates (docs/decisions.md §2). */
  readonly aliasMarker: string;
}

/** True when the instance carries one of our clusterNames and our source. */
export function ownedBy(owner: ChaosOwner, instance: Pick<PolarisInstance, "metadata">): boolean {
  return owner.clusterNames.includes(instance.metadata.clusterName ?? "") &&
    instance.metadata.source === owner.source;
}
