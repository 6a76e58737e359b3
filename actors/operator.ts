/**
 * The operator view of the running system: what `/readyz`, `/metrics` and `/debug/*` show.
 *
 * @module
 */

import { targetKey } from "../domain/polaris_target.ts";
import type { Config } from "../adapters/config/config.ts";
import type { OperatorView, Readiness } from "../adapters/http/operator_view.ts";
import type { ClusterSource } from "../domain/cluster.ts";
import { parseServiceKey, serviceKey } from "../domain/keys.ts";
import type { SyncPolicy } from "../domain/should_sync.ts";
import { type ClusterSyncReason, noneSyncs, syncReasons } from "../domain/sync_reasons.ts";
import type { EngineMetrics } from "./metrics.ts";
import type { PolarisApi } from "./polaris_api.ts";
import { serviceIntent } from "../domain/service_intent.ts";
import type { ServiceSummary } from "./service_actors.ts";
import type { Supervisor } from "./supervisor.ts";
import { UnsyncedServices } from "./unsynced_services.ts";

/** Parts the view reads. */
export interface OperatorParts {
  readonly supervisor: Supervisor;
  readonly sources: readonly ClusterSource[];
  readonly api: PolarisApi;
  readonly metrics: EngineMetrics;
  readonly config: Config;
  /** Leader-election status; absent means "always the writer". */
  readonly leader?: () => { isLeader: boolean; holder: string | null };
}

/** A Service the sources know with no actor: no cluster syncs it, or none runs for it here. */
export interface NoActorSummary extends Omit<ServiceSummary, "state"> {
  /**
   * `unsynced`: no cluster syncs it (each cluster's reason is in `sync`); `pending`: a cluster
   * syncs it, but no actor runs for it in this process (a follower, or its source still listing).
   */
  readonly state: "unsynced" | "pending";
}

/** An item of `/debug/services`: an actor or an unsynced Service, with each cluster's reason. */
export type ServiceListItem = (ServiceSummary | NoActorSummary) & {
  readonly sync: readonly ClusterSyncReason[];
};

function noActor(key: string, state: NoActorSummary["state"]): NoActorSummary {
  return {
    key,
    state,
    attempts: 0,
    lastError: null,
    lastSyncAt: null,
    reconciles: 0,
    report: null,
  };
}

/** One entry of the list while it is filtered: an actor's summary, or an unsynced Service. */
interface Entry {
  readonly key: string;
  readonly summary?: ServiceSummary;
  /** Each cluster's reason, read when a reason filter or the page's items need it. */
  reasons?: readonly ClusterSyncReason[];
}

function keyParts(key: string): [string, string] {
  const { namespace, service } = parseServiceKey(key);
  return [namespace, service];
}

/** Orders text by code unit, the same everywhere (no locale). */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders instances by host (its numbers as numbers: 10.0.0.9 before 10.0.0.10), then port. */
function byAddress(
  a: { readonly host: string; readonly port: number },
  b: { readonly host: string; readonly port: number },
): number {
  return a.host.localeCompare(b.host, "en", { numeric: true }) || a.port - b.port;
}

/**
 * The sync rule's inputs from the config (`domain/should_sync.ts`): the mode, the ignored
 * namespaces and the operator's filter. The engine and this view read the same one.
 */
export function syncPolicyOf(config: Config): SyncPolicy {
  return {
    mode: config.sync.mode,
    ignoredNamespaces: config.sync.ignoreNamespaces,
    filter: config.sync.filter,
  };
}

/** Creates the view; it reads the live system at each call and copies only what it returns. */
export function createOperatorView(parts: OperatorParts): OperatorView {
  const { supervisor, sources, api, metrics, config } = parts;
  const policy: SyncPolicy = syncPolicyOf(config);
  metrics.bind({ supervisor, sources });
  const unsynced = new UnsyncedServices({
    sources,
    policy,
    hasActor: (key) => supervisor.summary(key) !== undefined,
    actors: () => supervisor.size,
    now: () => performance.now(),
  });
  return {
    readiness(): Readiness {
      const reasons: string[] = [];
      const unsynced = sources.filter((s) => !s.synced).map((s) => s.clusterName);
      if (unsynced.length > 0) {
        reasons.push(`cluster sources still listing: ${unsynced.map((c) => `"${c}"`).join(", ")}`);
      }
      // A follower does not talk to Polaris; its readiness is its warm caches.
      if (supervisor.leading && !supervisor.polarisAnswered) {
        reasons.push("Polaris has not answered a read yet");
      }
      const leader = parts.leader?.();
      return {
        ready: reasons.length === 0,
        reasons,
        details: {
          clusters: Object.fromEntries(sources.map((s) => [s.clusterName, s.synced])),
          supervisor: supervisor.supervisorStatus(),
          role: leader ? (leader.isLeader ? "leader" : "follower") : "writer",
          writing: supervisor.leading,
          leaseHolder: leader?.holder ?? null,
          services: supervisor.size,
        },
      };
    },
    metrics: () => metrics.render(),
    services(filter, offset, limit) {
      const reasonsOf = (entry: Entry) =>
        entry.reasons ??= syncReasons({ views: sources, policy }, ...keyParts(entry.key));
      const matches = (entry: Entry) => {
        if (filter.state && (entry.summary?.state ?? "unsynced") !== filter.state) return false;
        const [namespace, name] = keyParts(entry.key);
        if (filter.namespace && namespace !== filter.namespace) return false;
        if (filter.name && !name.includes(filter.name)) return false;
        return !filter.reason || reasonsOf(entry).some((r) => r.code === filter.reason);
      };
      const entries: Entry[] = [];
      for (const summary of supervisor.services()) {
        const entry = { key: summary.key, summary };
        if (matches(entry)) entries.push(entry);
      }
      for (const key of unsynced.keys()) {
        const entry = { key };
        if (matches(entry)) entries.push(entry);
      }
      // In key order, so that a page is stable while actors come and go (the unsynced keys are
      // sorted already: one run for the sort to merge).
      entries.sort((a, b) => byText(a.key, b.key));
      const items: ServiceListItem[] = entries.slice(offset, offset + limit).map((entry) => ({
        ...(entry.summary ?? noActor(entry.key, "unsynced")),
        sync: reasonsOf(entry),
      }));
      return { total: entries.length, offset, limit, items };
    },
    async service(namespace, name) {
      const key = serviceKey(namespace, name);
      const detail = supervisor.service(key);
      const sync = syncReasons({ views: sources, policy }, namespace, name);
      // A Service some source knows always answers, with its reasons; only an unknown key is 404.
      if (!detail && sync.length === 0) return undefined;
      const intent = serviceIntent(
        {
          views: sources,
          policy,
          ownerSource: config.sync.source,
          podLabelPolicy: config.sync.podLabels,
          redirected: (view, k) => supervisor.redirected(view, k),
        },
        namespace,
        name,
      );
      let registered: unknown;
      try {
        registered = await api.listInstances({ namespace, service: name });
      } catch (error) {
        registered = { error: error instanceof Error ? error.message : String(error) };
      }
      const base = detail ??
        { ...noActor(key, noneSyncs(sync) ? "unsynced" : "pending"), transitions: [] };
      // Where this Kubernetes Service registers, when an override names another Polaris service:
      // its actor (and its instances) are under that key.
      const registeredUnder = [
        ...new Set(
          sources.map((s) => s.service(namespace, name)).filter((s) => s !== undefined)
            .map((s) => targetKey(s)).filter((k) => k !== key),
        ),
      ];
      return {
        ...base,
        ...(registeredUnder.length > 0 ? { registeredUnder } : {}),
        sync,
        desired: [...intent.desired].sort(byAddress),
        clusters: [...intent.clusters].sort((a, b) => byText(a.clusterName, b.clusterName)),
        registered: Array.isArray(registered) ? [...registered].sort(byAddress) : registered,
      };
    },
    // By clusterName; each cluster's resources stay in the source's own, fixed order.
    clusters: () =>
      sources.map((s) => s.status()).sort((a, b) => byText(a.clusterName, b.clusterName)),
    overview: () => {
      const count = unsynced.keys().length;
      return {
        states: { ...supervisor.countByState(), unsynced: count },
        supervisor: supervisor.supervisorStatus(),
        services: supervisor.size,
        unsynced: count,
      };
    },
  };
}
