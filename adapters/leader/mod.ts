/**
 * Leader election on a `coordination.k8s.io/v1` Lease (sync-rules §3.8): only the holder writes.
 *
 * @module
 */

export {
  type ElectorTimers,
  type LeaderStatus,
  LeaseElector,
  type LeaseElectorOptions,
} from "./lease_elector.ts";
export {
  leaseObject,
  type LeaseRecord,
  type LeaseSpec,
  microTime,
  parseLease,
} from "./lease_record.ts";
export { leaderIdentity } from "./leader_identity.ts";
