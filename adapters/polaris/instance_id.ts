/**
 * The id Polaris gives an instance registered without one.
 *
 * @module
 */

import { createHash } from "node:crypto";

/**
 * Returns the id Polaris computes for an instance: the lowercase hex SHA-1 of
 * `namespace##service##host##port`, with `##vpcId` before the host when a VPC id is set
 * (reference §3, `CalculateInstanceID`). Batch answers may echo only this id, so the client
 * matches on it as well as on the tetrad.
 *
 * @example
 * ```ts
 * import { polarisInstanceId } from "./instance_id.ts";
 * const id = polarisInstanceId({ namespace: "default", service: "my-svc", host: "10.0.0.1", port: 8080 });
 * if (id !== "e6db698ae67b11fddfdd8d0dace2975543f1deb0") throw new Error(id);
 * ```
 */
export function polarisInstanceId(
  instance: {
    readonly namespace: string;
    readonly service: string;
    readonly host: string;
    readonly port: number;
    readonly vpcId?: string;
  },
): string {
  const parts = [instance.namespace, instance.service];
  if (instance.vpcId) parts.push(instance.vpcId);
  parts.push(instance.host, String(instance.port));
  return createHash("sha1").update(parts.join("##")).digest("hex");
}
