/**
 * The rule "which Polaris alias does this Service ask for" (SPEC §2, aliases).
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

/**
 * Reads `polarismesh.cn/aliasService` + `polarismesh.cn/aliasNamespace`: both set → an alias;
 * neither → none; only one, an empty value, or a name Polaris refuses → invalid, with the reason.
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
export function aliasIntent(annotations: Readonly<Record<string, string>>): AliasIntent {
  const alias = annotations[ALIAS_SERVICE_ANNOTATION];
  const aliasNamespace = annotations[ALIAS_NAMESPACE_ANNOTATION];
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
