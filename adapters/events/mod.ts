/**
 * Kubernetes Events on Services whose sync is invalid or in conflict (sync-rules §1,
 * docs/operating.md), and the optional Normal ones (`events.emit`): the recorder (deduplicated,
 * rate-limited, bounded), the rules that pick Events from a reconcile report, and the JSON requests
 * that write them (sent by `KubeClient`).
 *
 * @module
 */

export {
  type EventReason,
  EventRecorder,
  type EventRecorderOptions,
  type EventRecorderStats,
  type EventResult,
  type EventType,
  type ServiceRef,
} from "./event_recorder.ts";
export {
  normalEvents,
  type PlannedEvent,
  type ReportForEvents,
  serviceEvents,
  type SummaryForEvents,
} from "./service_events.ts";
export {
  type KubeJsonAnswer,
  type KubeJsonApi,
  type KubeJsonRequest,
  statusMessage,
} from "./kube_json_api.ts";
export { TokenBucket, type TokenBucketOptions } from "./token_bucket.ts";
