/**
 * The operator view of the running system: what `/readyz`, `/metrics` and `/debug/*` show.
 *
 * @module
 */

import type { Config } from "../adapters/config/config.ts";
import type { OperatorView, Readiness, ServiceFilter } from "../adapters/http/operator_view.ts";
import type { ClusterSource } from "../domain/cluster.ts";
import { serviceKey } from "../domain/keys.ts";
import type { EngineMetrics } from "./metrics.ts";
import type { PolarisApi } from "./polaris_api.ts";
import { serviceIntent } from "../domain/service_intent.ts";
import type { ServiceSummary } from "./service_actors.ts";
import type { Supervisor } from "./supervisor.ts";

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

function matches(summary: ServiceSummary, filter: ServiceFilter): boolean {
  if (filter.state && summary.state !== filter.state) return false;
  const slash = summary.key.indexOf("/");
  if (filter.namespace && summary.key.slice(0, slash) !== filter.namespace) return false;
  if (filter.name && !summary.key.slice(slash + 1).includes(filter.name)) return false;
  return true;
}

/** Creates the view; it reads the live system at each call and copies only what it returns. */
export function createOperatorView(parts: OperatorParts): OperatorView {
  const { supervisor, sources, api, metrics, config } = parts;
  metrics.bind({ supervisor, sources });
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
      const items: ServiceSummary[] = [];
      let total = 0;
      for (const summary of supervisor.services()) {
        if (!matches(summary, filter)) continue;
        if (total >= offset && items.length < limit) items.push(summary);
        total++;
      }
      return { total, offset, limit, items };
    },
    async service(namespace, name) {
      const detail = supervisor.service(serviceKey(namespace, name));
      if (!detail) return undefined;
      const intent = serviceIntent(
        {
          views: sources,
          policy: { mode: config.sync.mode, ignoredNamespaces: config.sync.ignoreNamespaces },
          ownerSource: config.sync.source,
          podLabelPolicy: config.sync.podLabels,
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
      return { ...detail, desired: intent.desired, clusters: intent.clusters, registered };
    },
    clusters: () => sources.map((s) => s.status()),
    overview: () => ({
      states: supervisor.countByState(),
      supervisor: supervisor.supervisorStatus(),
      services: supervisor.size,
    }),
  };
}
