/**
 * Instances for tests: one address of `shop/cart` on port 8080, owned by cluster `a` with the
 * default source, as wanted and as Polaris lists it. Test-only (the underscore keeps it out of
 * the module's surface).
 *
 * @module
 */

import type { DesiredInstance, RegisteredInstance } from "./polaris.ts";

/** An instance of `shop/cart` at `host:8080` as a cluster wants it. */
export function desiredInstance(
  host: string,
  fields: Partial<DesiredInstance> = {},
): DesiredInstance {
  return {
    namespace: "shop",
    service: "cart",
    host,
    port: 8080,
    protocol: "http/TCP",
    version: "",
    weight: 100,
    healthy: true,
    isolate: false,
    metadata: { clusterName: "a", source: "polaris-controller" },
    ...fields,
  };
}

/** The same instance as Polaris lists it, at `revision` (none when `null`). */
export function listedInstance(host: string, revision: string | null = "r1"): RegisteredInstance {
  return {
    ...desiredInstance(host),
    id: host,
    enableHealthCheck: false,
    vpcId: "",
    ...(revision === null ? {} : { revision }),
  };
}
