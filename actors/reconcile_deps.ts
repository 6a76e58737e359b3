/**
 * What one reconcile needs from the running system: the cluster views, the policy, Polaris (read
 * and write), and the process's memory of what it created, aliased and deleted.
 *
 * @module
 */

import type { LogFn } from "../adapters/log/log_level.ts";
import type { ClusterView } from "../domain/cluster.ts";
import type { PodLabelPolicy } from "../domain/metadata.ts";
import type { IntentSources } from "../domain/service_intent.ts";
import type { SyncPolicy } from "../domain/should_sync.ts";
import type { WritePolicy } from "../domain/write_policy.ts";
import type { AliasReader } from "./alias_reader.ts";
import type { KnownResources } from "./known_resources.ts";
import type { PolarisApi } from "./polaris_api.ts";
import type { RegistryReader } from "./registry_reader.ts";
import type { Tombstones } from "./tombstones.ts";
import type { Writer } from "./writer.ts";

/** What a reconcile needs from the running system. */
export interface ReconcileDeps {
  readonly views: readonly ClusterView[];
  readonly policy: SyncPolicy;
  /** The `source` metadata value that marks instances as ours (sync-rules §1). */
  readonly ownerSource: string;
  readonly podLabelPolicy: PodLabelPolicy;
  /** Services registered under another Polaris name (`ServiceTargets`); none when absent. */
  readonly redirected?: IntentSources["redirected"];
  readonly api: PolarisApi;
  readonly writer: Writer;
  /** Coalesced reads of a service's instances. */
  readonly reader: RegistryReader;
  /** Coalesced alias reads; without it each alias read is its own listing. */
  readonly aliasReader?: AliasReader;
  /**
   * `--dry-run`, only to say so in reports and to remember no write: the writer enforces it for
   * every kind.
   */
  readonly dryRun: boolean;
  /** `--policy`: which kinds of write a plan may hold. */
  readonly writePolicy: WritePolicy;
  /** True once every cluster source has finished its first list (sync-rules §3). */
  readonly deletesAllowed: () => boolean;
  /** Polaris namespaces and services known to exist (created or seen) in this process. */
  readonly known: KnownResources;
  /**
   * Services that had an alias of ours at the last reconcile (so a removed annotation is acted on).
   */
  readonly aliased: Set<string>;
  /** The deletes this process made, to recognise phantoms (`domain/phantoms.ts`). */
  readonly tombstones: Tombstones;
  /** Where alias writes are logged; absent in tests that need no log. */
  readonly log?: LogFn;
}
