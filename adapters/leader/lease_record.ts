/**
 * The `coordination.k8s.io/v1` Lease as the elector reads and writes it: plain JSON, with
 * `MicroTime` stamps written in the exact form kube-apiserver parses (`RFC3339` with six
 * fractional digits).
 *
 * @module
 */

/** The fields of a Lease that leader election uses. */
export interface LeaseRecord {
  /** `metadata.resourceVersion`: sent back on update for optimistic concurrency. */
  readonly resourceVersion: string;
  /** The current holder; empty when nobody holds it (released). */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: string | null;
  readonly renewTime: string | null;
  readonly leaseTransitions: number;
}

/** The `spec` the elector writes. */
export interface LeaseSpec {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: string;
  readonly renewTime: string;
  readonly leaseTransitions: number;
}

/**
 * Returns epoch milliseconds as a Kubernetes `MicroTime` (`2024-01-02T03:04:05.678000Z`).
 *
 * @example
 * ```ts
 * import { microTime } from "./lease_record.ts";
 * if (microTime(Date.UTC(2024, 0, 2, 3, 4, 5, 678)) !== "2024-01-02T03:04:05.678000Z") {
 *   throw new Error("wrong MicroTime");
 * }
 * ```
 */
export function microTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** Reads a Lease object from an API answer; throws `TypeError` when it is not one. */
export function parseLease(body: unknown): LeaseRecord {
  const lease = body as {
    metadata?: { resourceVersion?: unknown };
    spec?: Record<string, unknown>;
  } | undefined;
  const resourceVersion = lease?.metadata?.resourceVersion;
  if (typeof resourceVersion !== "string") {
    throw new TypeError("Cannot read the Lease: the answer has no metadata.resourceVersion");
  }
  const spec = lease?.spec ?? {};
  const text = (value: unknown) => typeof value === "string" ? value : null;
  const count = (value: unknown, fallback: number) =>
    typeof value === "number" && Number.isFinite(value) ? value : fallback;
  return {
    resourceVersion,
    holderIdentity: text(spec.holderIdentity) ?? "",
    leaseDurationSeconds: count(spec.leaseDurationSeconds, 0),
    acquireTime: text(spec.acquireTime),
    renewTime: text(spec.renewTime),
    leaseTransitions: count(spec.leaseTransitions, 0),
  };
}

/** Returns the Lease object to create or update. */
export function leaseObject(
  namespace: string,
  name: string,
  spec: LeaseSpec,
  resourceVersion?: string,
): Record<string, unknown> {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { namespace, name, ...(resourceVersion ? { resourceVersion } : {}) },
    spec,
  };
}
