/**
 * The annotation names the chaos harness sets and reads, written out here rather than imported
 * from `domain/`, so the expectation is computed from SPEC §2 by the harness's own code.
 *
 * @module
 */

/** `"true"` / `"false"` on a Namespace or a Service (SPEC §2). */
export const SYNC = "polarismesh.cn/sync";
/** Instance weight, 0..65535, default 100. */
export const WEIGHT = "polarismesh.cn/weight";
/** A JSON map of strings added to every instance's metadata. */
export const METADATA = "polarismesh.cn/metadata";
/** Name of the Polaris alias of a Service (with `ALIAS_NAMESPACE`). */
export const ALIAS_SERVICE = "polarismesh.cn/aliasService";
/** Polaris namespace of that alias. */
export const ALIAS_NAMESPACE = "polarismesh.cn/aliasNamespace";
