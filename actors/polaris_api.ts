/**
 * The part of the Polaris client the running system uses, as a structural type: the real
 * `PolarisClient` satisfies it, and fault-injection tests may wrap it.
 *
 * @module
 */

import type { RegisteredInstance } from "../domain/polaris.ts";
import type { InstanceRef, InstanceWrite, ItemResult } from "../adapters/polaris/mod.ts";

/** The outcome of one item of a batch write, aligned with the request's items. */
export type WriteItemResult = ItemResult;

/** An instance as written to Polaris (server field names are the client's business). */
export type InstanceWriteItem = InstanceWrite;

/** An instance named for deletion. */
export type { InstanceRef };

/** A Polaris alias as listed. */
export interface PolarisAliasRecord {
  readonly alias: string;
  readonly aliasNamespace: string;
  readonly service: string;
  readonly namespace: string;
  readonly comment: string;
}

/** An alias to create or repoint. */
export interface AliasWriteItem {
  readonly alias: string;
  readonly aliasNamespace: string;
  readonly service: string;
  readonly namespace: string;
  readonly comment?: string;
}

/** What the engine needs from Polaris. Reads reject on failure; they never resolve "empty". */
export interface PolarisApi {
  health(): Promise<boolean>;
  /** Every Polaris namespace (all pages); rejects on failure. */
  listNamespaces(): Promise<Array<{ name: string }>>;
  createNamespaces(
    items: readonly { name: string; comment?: string }[],
  ): Promise<WriteItemResult[]>;
  createServices(
    items: readonly { namespace: string; name: string; comment?: string }[],
  ): Promise<WriteItemResult[]>;
  createInstances(items: readonly InstanceWriteItem[]): Promise<WriteItemResult[]>;
  updateInstances(items: readonly InstanceWriteItem[]): Promise<WriteItemResult[]>;
  deleteInstances(items: readonly InstanceRef[]): Promise<WriteItemResult[]>;
  listInstances(
    filter: { namespace?: string; service?: string; metadata?: Record<string, string> },
  ): Promise<RegisteredInstance[]>;
  listOwnedInstances(owner: { clusterName: string; source: string }): Promise<RegisteredInstance[]>;
  /**
   * The services holding an instance of this owner (marked by `source`, or by polaris-controller's
   * older `platform`), without keeping the instances (the sweep); in one namespace when given.
   */
  listOwnedServices(
    owner: { clusterName: string; source: string; namespace?: string },
  ): Promise<Array<{ namespace: string; service: string }>>;
  createAlias(alias: AliasWriteItem): Promise<WriteItemResult>;
  updateAlias(alias: AliasWriteItem): Promise<WriteItemResult>;
  listAliases(
    filter: { alias?: string; aliasNamespace?: string; service?: string; namespace?: string },
  ): Promise<PolarisAliasRecord[]>;
  deleteAliases(
    items: readonly { alias: string; aliasNamespace: string }[],
  ): Promise<WriteItemResult[]>;
}
