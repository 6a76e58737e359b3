/**
 * The rule "which Polaris alias does this Service ask for" (sync-rules §2.8).
 *
 * @module
 */

import { ALIAS_NAMESPACE_ANNOTATION, ALIAS_SERVICE_ANNOTATION } from "./annotations.ts";
import { checkPolarisName } from "./desired_instances.ts";

/** What a Service's alias annotations ask for. */
export type AliasIntent =
  | { readonly kind: "none" }
  | { readonly kind: "alias"; readonly aliasNamespace: string; readonly alias: string }
  | { readonly kind: "invalid"; readonly message: string };

/** Where a Service's alias annotations may come from besides the Service itself. */
export interface AliasDefaults {
  /** The Service's name: the alias name when only the Namespace names an alias namespace. */
  readonly serviceName: string;
  /** The annotations of the Service's Namespace. */
  readonly namespaceAnnotations?: Readonly<Record<string, string>>;
}

/**
 * Reads `polarismesh.cn/aliasService` + `polarismesh.cn/aliasNamespace`: both set → an alias;
 * neither → none; only one, an empty value, or a name Polaris refuses → invalid, with the reason.
 * `polarismesh.cn/aliasNamespace` on the Namespace (polaris-controller #101) applies to every
 * Service in it that does not name its own: such a Service gets an alias in that Polaris namespace,
 * named by its own `polarismesh.cn/aliasService`, else by the Service's name. One alias name cannot
 * serve every Service, so `polarismesh.cn/aliasService` on a Namespace is not read.
 *
 * @example
 * ```ts
 * import { aliasIntent } from "./alias_intent.ts";
 * const intent = aliasIntent({
 *   "polarismesh.cn/aliasService": "cart-alias",
 *   "polarismesh.cn/aliasNamespace": "shared",
 * });
 * if (intent.kind !== "alias" || intent.alias !== "cart-alias") throw new Error("unexpected");
 * ```
 */
export function aliasIntent(
  annotations: Readonly<Record<string, string>>,
  defaults?: AliasDefaults,
): AliasIntent {
  const fromNamespace = defaults?.namespaceAnnotations?.[ALIAS_NAMESPACE_ANNOTATION];
  const ownNamespace = annotations[ALIAS_NAMESPACE_ANNOTATION];
  const aliasNamespace = ownNamespace ?? fromNamespace;
  const alias = annotations[ALIAS_SERVICE_ANNOTATION] ??
    (ownNamespace === undefined && fromNamespace !== undefined ? defaults?.serviceName : undefined);
  if (alias === undefined && aliasNamespace === undefined) return { kind: "none" };
  if (alias === undefined || aliasNamespace === undefined) {
    const missing = alias === undefined ? ALIAS_SERVICE_ANNOTATION : ALIAS_NAMESPACE_ANNOTATION;
    return {
      kind: "invalid",
      message: `alias annotations must come in pairs: ${missing} is missing`,
    };
  }
  const checks = [
    [ALIAS_NAMESPACE_ANNOTATION, checkPolarisName("namespace", aliasNamespace)],
    [ALIAS_SERVICE_ANNOTATION, checkPolarisName("service", alias)],
  ] as const;
  for (const [annotation, problem] of checks) {
    // The annotation is named, not only the value: the message reaches Events and /debug alone.
    if (problem) {
      return { kind: "invalid", message: `${annotation} is invalid: ${problem.message}` };
    }
  }
  return { kind: "alias", aliasNamespace, alias };
}
