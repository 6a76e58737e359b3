/**
 * The rule "under which Polaris name is this Service registered" (sync-rules §2.4):
 * `polarismesh.cn/overideNamespace` and `polarismesh.cn/overideService` (polaris-controller's
 * spelling), else the Service's own namespace and name.
 *
 * @module
 */

import { OVERRIDE_NAMESPACE_ANNOTATION, OVERRIDE_SERVICE_ANNOTATION } from "./annotations.ts";
import { type ServiceKey, serviceKey } from "./keys.ts";
import type { ServiceInfo } from "./kubernetes.ts";

/** A Polaris service: the namespace and name instances are registered under. */
export interface PolarisTarget {
  readonly namespace: string;
  readonly service: string;
}

/**
 * The Polaris service a Service registers under. An override that is empty or all blanks counts
 * as absent, as polaris-controller reads it (`GetNamespace`/`GetServiceName`: a non-empty value
 * wins); a name Polaris refuses is reported where the instances are computed
 * (`desiredInstances`), which holds the Service.
 *
 * @example
 * ```ts
 * import { polarisTarget } from "./polaris_target.ts";
 * const t = polarisTarget({
 *   namespace: "shop", name: "cart", type: "ClusterIP",
 *   annotations: { "polarismesh.cn/overideService": "Cart" },
 * });
 * if (t.namespace !== "shop" || t.service !== "Cart") throw new Error("unexpected");
 * ```
 */
export function polarisTarget(service: ServiceInfo): PolarisTarget {
  const namespace = service.annotations[OVERRIDE_NAMESPACE_ANNOTATION]?.trim();
  const name = service.annotations[OVERRIDE_SERVICE_ANNOTATION]?.trim();
  return {
    namespace: namespace ? namespace : service.namespace,
    service: name ? name : service.name,
  };
}

/** The key of {@linkcode polarisTarget}: the service actor that holds this Service's instances. */
export function targetKey(service: ServiceInfo): ServiceKey {
  const target = polarisTarget(service);
  return serviceKey(target.namespace, target.service);
}

/** True when the Service registers under another name than its own. */
export function isRedirected(service: ServiceInfo): boolean {
  return targetKey(service) !== serviceKey(service.namespace, service.name);
}
