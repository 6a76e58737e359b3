/**
 * The workload of the apiserver scenario as data: S Services in namespaces of 100, each selecting
 * P Pods with distinct IPs, plus one Service of R Pods that a rolling change replaces. Nothing here
 * talks to Kubernetes; `api_scenario.ts` creates what this plans.
 *
 * @module
 */

/** Shape of the apiserver scenario. */
export interface ApiWorkloadSpec {
  /** Services with `podsPerService` Pods each. */
  readonly services: number;
  readonly podsPerService: number;
  /** Pods of the extra Service that the rolling change replaces; 0 leaves it out. */
  readonly rolloutPods: number;
}

/** One Pod to create: its name and the IP its status gets. */
export interface ApiPod {
  readonly name: string;
  readonly ip: string;
}

/** One Service to create, selecting `app=<name>`, with its Pods. */
export interface ApiService {
  readonly namespace: string;
  readonly name: string;
  readonly pods: readonly ApiPod[];
}

/** Everything the scenario creates before the controller starts. */
export interface ApiPlan {
  readonly namespaces: readonly string[];
  readonly services: readonly ApiService[];
  /** The Pods that replace the rollout Service's Pods, in order. */
  readonly rolloutNewPods: readonly ApiPod[];
  /** What Polaris must hold once synced: one instance per Pod (one port). */
  readonly counts: {
    readonly namespaces: number;
    readonly services: number;
    readonly instances: number;
  };
}

/** Services per namespace, as in the in-memory scenarios. */
export const SERVICES_PER_NAMESPACE = 100;
/** Namespace of the Service the rolling change replaces. */
export const ROLLOUT_NAMESPACE = "api-rollout";
/** Name of the Service the rolling change replaces. */
export const ROLLOUT_SERVICE = "rollout";
/** The container port every Pod declares and every Service targets. */
export const TARGET_PORT = 8080;

/**
 * Returns the `n`-th Pod IP (n ≥ 0) of the scenario: `10.64.0.1` onwards, never `.0` or `.255`
 * in the last octet, distinct for n < 250 × 256 × 64.
 *
 * @example
 * ```ts
 * import { podIp } from "./api_workload.ts";
 * if (podIp(0) !== "10.64.0.1" || podIp(250) !== "10.64.1.1") throw new Error("podIp");
 * ```
 */
export function podIp(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 250 * 256 * 64) {
    throw new RangeError(`Cannot number Pod IP "${n}": expected an integer in [0, 4096000)`);
  }
  const last = (n % 250) + 1;
  const third = Math.floor(n / 250) % 256;
  const second = 64 + Math.floor(n / (250 * 256));
  return `10.${second}.${third}.${last}`;
}

/** Returns the namespace of Service `index` (0-based). */
export function namespaceOf(index: number): string {
  return `api-ns-${Math.floor(index / SERVICES_PER_NAMESPACE)}`;
}

/**
 * Plans the scenario's objects: namespaces, Services with their Pods (IPs numbered in order), and
 * the Pods of the rolling change.
 *
 * @example
 * ```ts
 * import { planApiWorkload } from "./api_workload.ts";
 * const plan = planApiWorkload({ services: 150, podsPerService: 3, rolloutPods: 20 });
 * if (plan.counts.instances !== 470 || plan.counts.namespaces !== 3) throw new Error("plan");
 * ```
 */
export function planApiWorkload(spec: ApiWorkloadSpec): ApiPlan {
  let next = 0;
  const pods = (prefix: string, count: number): ApiPod[] =>
    Array.from({ length: count }, (_, j) => ({ name: `${prefix}-${j}`, ip: podIp(next++) }));
  const services: ApiService[] = [];
  for (let i = 0; i < spec.services; i++) {
    const name = `svc-${i}`;
    services.push({ namespace: namespaceOf(i), name, pods: pods(name, spec.podsPerService) });
  }
  const namespaces = [...new Set(services.map((s) => s.namespace))];
  let rolloutNewPods: ApiPod[] = [];
  if (spec.rolloutPods > 0) {
    namespaces.push(ROLLOUT_NAMESPACE);
    services.push({
      namespace: ROLLOUT_NAMESPACE,
      name: ROLLOUT_SERVICE,
      pods: pods(`${ROLLOUT_SERVICE}-old`, spec.rolloutPods),
    });
    rolloutNewPods = pods(`${ROLLOUT_SERVICE}-new`, spec.rolloutPods);
  }
  // The controller creates a Polaris namespace and service only for a Service with instances.
  const synced = services.filter((s) => s.pods.length > 0);
  return {
    namespaces,
    services,
    rolloutNewPods,
    counts: {
      namespaces: new Set(synced.map((s) => s.namespace)).size,
      services: synced.length,
      instances: services.reduce((sum, s) => sum + s.pods.length, 0),
    },
  };
}
