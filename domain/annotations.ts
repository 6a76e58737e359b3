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
