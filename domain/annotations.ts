/**
 * The annotation names the controller reads, shared with polaris-controller so that an existing
 * installation keeps its meaning (sync-rules §2).
 *
 * @module
 */

/** `"true"`/`"false"` on a Namespace or a Service: whether it is synced. */
export const SYNC_ANNOTATION = "polarismesh.cn/sync";
/** Name of the Polaris service alias to create for a Service. */
export const ALIAS_SERVICE_ANNOTATION = "polarismesh.cn/aliasService";
/** Polaris namespace of that alias. */
export const ALIAS_NAMESPACE_ANNOTATION = "polarismesh.cn/aliasNamespace";
/** Instance weight, an integer in 0..65535 (default 100). */
export const WEIGHT_ANNOTATION = "polarismesh.cn/weight";
/** A JSON object of string values added to every instance's metadata. */
export const METADATA_ANNOTATION = "polarismesh.cn/metadata";
/** Polaris namespace to register under instead of the Kubernetes namespace (sic, "overide"). */
export const OVERRIDE_NAMESPACE_ANNOTATION = "polarismesh.cn/overideNamespace";
/** Polaris service name to register under instead of the Service name (sic, "overide"). */
export const OVERRIDE_SERVICE_ANNOTATION = "polarismesh.cn/overideService";
/** Heartbeat TTL in seconds, 1..60: turns the health check on; the workload must heartbeat. */
export const TTL_ANNOTATION = "polarismesh.cn/ttl";
/** A JSON object `{"<podIndex>-<port>": weight}` of weights by Pod index and target port. */
export const CUSTOM_WEIGHT_ANNOTATION = "polarismesh.cn/customWeight";
/** The workload kind; a StatefulSet kind makes Pod indexes count for `customWeight`. */
export const WORKLOAD_KIND_ANNOTATION = "polarismesh.cn/workloadKind";
/** Instance version: a Pod label, a `polarismesh.cn/metadata` key or a Service annotation. */
export const CUSTOM_VERSION_ANNOTATION = "polarismesh.cn/customVersion";
/** polaris-controller's deprecated `"true"`/`"false"`; it has no effect there, nor here. */
export const ENABLE_REGISTER_ANNOTATION = "polarismesh.cn/enableRegister";
