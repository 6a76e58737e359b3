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
import { parseServiceKey, type ServiceKey, serviceKey } from "./keys.ts";
import type { ServiceInfo } from "./kubernetes.ts";
import type { DesiredInstance } from "./polaris.ts";
import { polarisTarget, targetKey } from "./polaris_target.ts";
import type { Problem } from "./problems.ts";
import { shouldSync, type SyncPolicy, takesPart } from "./should_sync.ts";

/** Where intents are read from. */
export interface IntentSources {
  readonly views: readonly ClusterView[];
  readonly policy: SyncPolicy;
  /** The `source` metadata value written into every instance (sync-rules §1). */
  readonly ownerSource: string;
  readonly podLabelPolicy: PodLabelPolicy;
  /**
   * The Services of a cluster that register under `key` by `polarismesh.cn/overideNamespace` or
   * `overideService` (`actors/service_targets.ts` keeps them); none when absent.
   */
  readonly redirected?: (view: ClusterView, key: ServiceKey) => readonly ServiceInfo[];
}

/**
 * The Services of one cluster that register under the Polaris service `key`: the Service of that
 * name, unless it registers elsewhere, and those redirected to it.
 */
export function servicesFor(
  deps: Pick<IntentSources, "redirected">,
  view: ClusterView,
  key: ServiceKey,
): ServiceInfo[] {
  const { namespace, service } = parseServiceKey(key);
  const own = view.service(namespace, service);
  const found = own && targetKey(own) === key ? [own] : [];
  for (const service of deps.redirected?.(view, key) ?? []) {
    if (service !== own && targetKey(service) === key) found.push(service);
  }
  return found;
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
  /** The Kubernetes Service (`namespace/name`) when it registers under another name. */
  readonly service?: string;
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
  deps: Pick<IntentSources, "views" | "policy" | "redirected">,
  namespace: string,
  name: string,
): boolean {
  const key = serviceKey(namespace, name);
  for (const view of deps.views) {
    for (const service of servicesFor(deps, view, key)) {
      if (takesPart(shouldSync(deps.policy, view.namespace(service.namespace), service))) {
        return true;
      }
    }
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
  const key = serviceKey(namespace, name);
  for (const view of deps.views) {
    const services = servicesFor(deps, view, key);
    if (services.length === 0) {
      clusters.push({
        clusterName: view.clusterName,
        status: "absent",
        reason: "no such Service",
        ready: 0,
        notReady: 0,
      });
      continue;
    }
    for (const service of services) {
      const own = serviceKey(service.namespace, service.name);
      const extra = own === key ? {} : { service: own };
      const cluster = (c: Omit<ClusterIntent, "clusterName">) =>
        clusters.push({ clusterName: view.clusterName, ...c, ...extra });
      const decision = shouldSync(deps.policy, view.namespace(service.namespace), service);
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
        cluster({
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
        groups: view.endpoints(service.namespace, service.name),
        podLabels: (pod) => view.podLabels(service.namespace, pod),
        podLabelPolicy: deps.podLabelPolicy,
        target: polarisTarget(service),
      });
      problems.push(...result.problems);
      if (result.problems.some((p) => p.fatal)) {
        const reason = result.problems.filter((p) => p.fatal).map((p) => p.message).join("; ");
        cluster({
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
      cluster({
        status: "synced",
        reason: decision.because,
        ready: result.instances.length - notReady,
        notReady,
      });
      if (alias === undefined) {
        alias = aliasIntent(service.annotations, {
          serviceName: service.name,
          namespaceAnnotations: view.namespace(service.namespace)?.annotations,
        });
        if (alias.kind === "invalid") {
          problems.push({ code: "invalid-alias", fatal: false, message: alias.message });
        }
      }
    }
  }
  // One Polaris service for every cluster's copy: where they differ, say so and which applies.
  problems.push(...clusterDisagreements(synced));
  const wanted = clusters.some((c) => c.status === "synced" || c.status === "held");
  return { desired, clusters, problems, alias: alias ?? { kind: "none" }, wanted };
}
