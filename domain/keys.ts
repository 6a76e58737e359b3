/**
 * Keys that name Polaris services and instances throughout the controller.
 *
 * A Polaris service is identified by its namespace and name; one service actor exists per key
 * (README "Where things are"). An instance inside a service is identified by `host:port` (IPv6
 * hosts are kept as they are, so the key is split on the last colon).
 *
 * @module
 */

/** `"<namespace>/<service>"`, the id of one Polaris service and of its actor. */
export type ServiceKey = string;

/** `"<host>:<port>"`, the id of one instance inside a Polaris service. */
export type InstanceKey = string;

/**
 * Returns the key of a Polaris service.
 *
 * @example
 * ```ts
 * import { serviceKey } from "./keys.ts";
 * if (serviceKey("default", "web") !== "default/web") throw new Error("unexpected");
 * ```
 */
export function serviceKey(namespace: string, service: string): ServiceKey {
  return `${namespace}/${service}`;
}

/**
 * Splits a service key into namespace and service. Kubernetes names never hold `/`, so the first
 * `/` separates them; a Polaris alias target may hold `/` in its service name, which stays whole.
 *
 * @example
 * ```ts
 * import { parseServiceKey } from "./keys.ts";
 * const { namespace, service } = parseServiceKey("default/web");
 * if (namespace !== "default" || service !== "web") throw new Error("unexpected");
 * ```
 */
export function parseServiceKey(key: ServiceKey): { namespace: string; service: string } {
  const slash = key.indexOf("/");
  if (slash < 0) throw new TypeError(`Cannot parse service key "${key}": no "/" in it`);
  return { namespace: key.slice(0, slash), service: key.slice(slash + 1) };
}

/**
 * Returns the key of an instance inside its service.
 *
 * @example
 * ```ts
 * import { instanceKey } from "./keys.ts";
 * if (instanceKey("10.0.0.1", 8080) !== "10.0.0.1:8080") throw new Error("unexpected");
 * ```
 */
export function instanceKey(host: string, port: number): InstanceKey {
  return `${host}:${port}`;
}
