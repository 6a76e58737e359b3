/**
 * Which Services register under another Polaris name (`polarismesh.cn/overideNamespace`,
 * `overideService`), per cluster, kept from the sources' changes so that the intent of a Polaris
 * service finds every Kubernetes Service that registers under it without walking them all. Only
 * redirected Services are kept: a Service registered under its own name needs no entry.
 *
 * @module
 */

import type { ClusterSource, ClusterView } from "../domain/cluster.ts";
import { parseServiceKey, type ServiceKey, serviceKey } from "../domain/keys.ts";
import type { ServiceInfo } from "../domain/kubernetes.ts";
import { isRedirected, targetKey } from "../domain/polaris_target.ts";

/** The redirected Services of every cluster; see the module documentation. */
export class ServiceTargets {
  /** Per cluster: the Kubernetes key of each redirected Service → the Polaris key it uses. */
  readonly #targetOf = new Map<string, Map<ServiceKey, ServiceKey>>();
  /** Per Polaris key, per cluster: the Kubernetes keys of the Services redirected to it. */
  readonly #into = new Map<ServiceKey, Map<string, Set<ServiceKey>>>();

  /**
   * Looks at one Service of a source again. Returns the Polaris keys its change concerns: its own
   * key, the key it registers under now, and the one it registered under before (from which its
   * instances move).
   */
  observe(view: ClusterView, namespace: string, name: string): ServiceKey[] {
    const key = serviceKey(namespace, name);
    const service = view.service(namespace, name);
    const now = service && isRedirected(service) ? targetKey(service) : undefined;
    let targets = this.#targetOf.get(view.clusterName);
    if (!targets) this.#targetOf.set(view.clusterName, targets = new Map());
    const before = targets.get(key);
    if (before !== now) {
      if (before !== undefined) {
        targets.delete(key);
        const byCluster = this.#into.get(before);
        byCluster?.get(view.clusterName)?.delete(key);
        if (byCluster?.get(view.clusterName)?.size === 0) byCluster.delete(view.clusterName);
        if (byCluster?.size === 0) this.#into.delete(before);
      }
      if (now !== undefined) {
        targets.set(key, now);
        let byCluster = this.#into.get(now);
        if (!byCluster) this.#into.set(now, byCluster = new Map());
        let keys = byCluster.get(view.clusterName);
        if (!keys) byCluster.set(view.clusterName, keys = new Set());
        keys.add(key);
      }
    }
    return [...new Set([key, now, before])].filter((k): k is ServiceKey => k !== undefined);
  }

  /**
   * Looks at every Service of a source again (after a full list), and at those it knew that are
   * gone. Returns the Polaris keys of redirected Services, now or before: a listed pass adds them.
   */
  rebuild(source: ClusterSource): ServiceKey[] {
    const touched = new Set<ServiceKey>();
    const known = [...(this.#targetOf.get(source.clusterName)?.keys() ?? [])];
    const look = (namespace: string, name: string) => {
      const keys = this.observe(source, namespace, name);
      if (keys.length > 1) { for (const k of keys) touched.add(k); }
    };
    for (const service of source.services()) {
      if (isRedirected(service)) look(service.namespace, service.name);
    }
    for (const key of known) {
      const { namespace, service } = parseServiceKey(key);
      look(namespace, service);
    }
    return [...touched];
  }

  /** The Services of `view` redirected to the Polaris key `key`, as the view has them now. */
  redirected(view: ClusterView, key: ServiceKey): ServiceInfo[] {
    const keys = this.#into.get(key)?.get(view.clusterName);
    if (!keys) return [];
    const found: ServiceInfo[] = [];
    for (const k of keys) {
      const { namespace, service: name } = parseServiceKey(k);
      const service = view.service(namespace, name);
      if (service) found.push(service);
    }
    return found;
  }
}
