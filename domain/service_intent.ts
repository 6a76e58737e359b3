/**
 * What every cluster wants for one Polaris service, from the sources' caches only (no I/O):
 * whether it is synced, why or why not, the instances it wants, its problems (bad input, and
 * clusters whose copies disagree on the shared service) and its alias intent.
 * Pure: the reconcile, the start-up's "is anyone asking" check and the operator's explain view all
 * ask here.
 *
 * @module
 */

import { type AliasIntent, aliasIntent } from "./alias_intent.ts";
import type { ClusterView } from "./cluster.ts";
import { clusterDisagreements, type ServiceCopy } from "./cluster_disagreements.ts";
import { desiredInstances } from "./desired_instances.ts";
import type { PodLabelPolicy } from "./metadata.ts";
import type { DesiredInstance } from "./polaris.ts";
import type { Problem } from "./problems.ts";
import { shouldSync, type SyncPolicy } from "./should_sync.ts";

/** Where intents are read from. */
export interface IntentSources {
  readonly views: readonly ClusterView[];
  readonly policy: SyncPolicy;
  /** The `source` metadata value written into every instance (sync-rules §1). */
  readonly ownerSource: string;
  readonly podLabelPolicy: PodLabelPolicy;
}

/** How one cluster sees the service. */
export interface ClusterIntent {
  readonly clusterName: string;
  /**
   * `synced`: contributes instances; `off`: not synced (its instances go); `held`: bad input,
   * nothing of it is touched.
   */
  readonly status: "synced" | "off" | "held" | "absent";
  readonly reason: string;
  readonly ready: number;
  readonly notReady: number;
}

/** The desired state of one service across every cluster. */
export interface ServiceIntent {
  readonly desired: readonly DesiredInstance[];
  readonly clusters: readonly ClusterIntent[];
  readonly problems: readonly Problem[];
  readonly alias: AliasIntent;
  readonly wanted: boolean;
}

/**
 * True when some cluster syncs the Service (or holds it on bad input). Cheap: no endpoints are
 * read, so the supervisor can skip creating actors for Services nobody wants.
 */
export function serviceWanted(
  deps: Pick<IntentSources, "views" | "policy">,
  namespace: string,
  name: string,
): boolean {
  for (const view of deps.views) {
    const service = view.service(namespace, name);
    if (!service) continue;
    const decision = shouldSync(deps.policy, view.namespace(namespace), service);
    if (decision.sync || decision.reason.code === "invalid-annotation") return true;
  }
  return false;
}

/**
 * The alias intent of a held cluster: bad input says nothing reliable about the alias, so the
 * alias is held too (an invalid intent changes nothing). Read as "no alias" instead, a typo in
 * `polarismesh.cn/sync` deleted the alias this controller had made for the Service.
 */
function heldAlias(clusterName: string, reason: string): AliasIntent {
  return { kind: "invalid", message: `cluster "${clusterName}" is held (${reason})` };
}

/**
 * Computes what every cluster wants for a service, from the sources' caches only (no I/O). The
 * alias intent is that of the first cluster that syncs the Service or holds it; a held one holds
 * the alias as it is.
 */
export function serviceIntent(
  deps: IntentSources,
  namespace: string,
  name: string,
): ServiceIntent {
  const desired: DesiredInstance[] = [];
  const clusters: ClusterIntent[] = [];
  const problems: Problem[] = [];
  const synced: ServiceCopy[] = [];
  let alias: AliasIntent | undefined;
  for (const view of deps.views) {
    const service = view.service(namespace, name);
    if (!service) {
      clusters.push({
        clusterName: view.clusterName,
        status: "absent",
        reason: "no such Service",
        ready: 0,
        notReady: 0,
      });
      continue;
    }
    const decision = shouldSync(deps.policy, view.namespace(namespace), service);
    if (!decision.sync) {
      const held = decision.reason.code === "invalid-annotation";
      if (held) {
        problems.push({
          code: "invalid-annotation",
          fatal: true,
          message: decision.reason.message,
        });
        alias ??= heldAlias(view.clusterName, decision.reason.message);
      }
      clusters.push({
        clusterName: view.clusterName,
        status: held ? "held" : "off",
        reason: decision.reason.message,
        ready: 0,
        notReady: 0,
      });
      continue;
    }
    const result = desiredInstances({
      clusterName: view.clusterName,
      source: deps.ownerSource,
      service,
      groups: view.endpoints(namespace, name),
      podLabels: (pod) => view.podLabels(namespace, pod),
      podLabelPolicy: deps.podLabelPolicy,
    });
    problems.push(...result.problems);
    if (result.problems.some((p) => p.fatal)) {
      const reason = result.problems.filter((p) => p.fatal).map((p) => p.message).join("; ");
      clusters.push({
        clusterName: view.clusterName,
        status: "held",
        reason,
        ready: 0,
        notReady: 0,
      });
      alias ??= heldAlias(view.clusterName, reason);
      continue;
    }
    desired.push(...result.instances);
    synced.push({ clusterName: view.clusterName, annotations: service.annotations });
    const notReady = result.instances.filter((i) => i.isolate).length;
    clusters.push({
      clusterName: view.clusterName,
      status: "synced",
      reason: decision.because,
      ready: result.instances.length - notReady,
      notReady,
    });
    if (alias === undefined) {
      alias = aliasIntent(service.annotations, {
        serviceName: service.name,
        namespaceAnnotations: view.namespace(namespace)?.annotations,
      });
      if (alias.kind === "invalid") {
        problems.push({ code: "invalid-alias", fatal: false, message: alias.message });
      }
    }
  }
  // One Polaris service for every cluster's copy: where they differ, say so and which applies.
  problems.push(...clusterDisagreements(synced));
  const wanted = clusters.some((c) => c.status === "synced" || c.status === "held");
  return { desired, clusters, problems, alias: alias ?? { kind: "none" }, wanted };
}
