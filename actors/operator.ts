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
      // In key order, so that pages are stable and a reader finds a Service where expected.
      const matching: ServiceSummary[] = [];
      for (const summary of supervisor.services()) {
        if (matches(summary, filter)) matching.push(summary);
      }
      matching.sort((a, b) => byText(a.key, b.key));
      const items = matching.slice(offset, offset + limit);
      return { total: matching.length, offset, limit, items };
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
      return {
        ...detail,
        desired: [...intent.desired].sort(byAddress),
        clusters: [...intent.clusters].sort((a, b) => byText(a.clusterName, b.clusterName)),
        registered: Array.isArray(registered) ? [...registered].sort(byAddress) : registered,
      };
    },
    // By clusterName; each cluster's resources stay in the source's own, fixed order.
    clusters: () =>
      sources.map((s) => s.status()).sort((a, b) => byText(a.clusterName, b.clusterName)),
    overview: () => ({
      states: supervisor.countByState(),
      supervisor: supervisor.supervisorStatus(),
      services: supervisor.size,
    }),
  };
}
