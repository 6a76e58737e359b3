/**
 * The rule "which version does an instance carry" (sync-rules §2.10).
 *
 * @module
 */

import { CUSTOM_VERSION_ANNOTATION } from "./annotations.ts";

/** Where an instance's version may come from, highest first. */
export interface VersionSources {
  /** The Pod's labels (all of them, whatever the label policy sends as metadata). */
  readonly podLabels: Readonly<Record<string, string>> | undefined;
  /** The entries of `polarismesh.cn/metadata`. */
  readonly metadataAnnotation: Readonly<Record<string, string>>;
  /** The Service's annotations. */
  readonly serviceAnnotations: Readonly<Record<string, string>>;
}

/**
 * The instance version: `polarismesh.cn/customVersion` as a Pod label, else as a key of
 * `polarismesh.cn/metadata` (polaris-controller reads it from those two, merged), else as an
 * annotation on the Service (our addition: the name reads as one), else the Pod label `version`,
 * else empty. Unlike polaris-controller, which sets it on create only, a changed version is
 * updated.
 *
 * @example
 * ```ts
 * import { instanceVersion } from "./instance_version.ts";
 * const v = instanceVersion({
 *   podLabels: { version: "v1" }, metadataAnnotation: {},
 *   serviceAnnotations: { "polarismesh.cn/customVersion": "2.0" },
 * });
 * if (v !== "2.0") throw new Error("unexpected");
 * ```
 */
export function instanceVersion(sources: VersionSources): string {
  return sources.podLabels?.[CUSTOM_VERSION_ANNOTATION] ??
    sources.metadataAnnotation[CUSTOM_VERSION_ANNOTATION] ??
    sources.serviceAnnotations[CUSTOM_VERSION_ANNOTATION] ??
    sources.podLabels?.version ?? "";
}
