/**
 * Kubernetes label selectors in their text form (`app=web,tier!=db,env in (a,b),!legacy`), the
 * syntax of `kubectl -l` and of external-dns' `--label-filter`: parsed once from the config, then
 * matched against a Service's labels (sync-rules §2.11).
 *
 * @module
 */

/** One requirement of a selector. */
export type LabelRequirement =
  | { readonly key: string; readonly op: "exists" | "absent" }
  | { readonly key: string; readonly op: "in" | "notin"; readonly values: readonly string[] };

/** A parsed selector: every requirement must hold. The empty selector matches everything. */
export interface LabelSelector {
  /** The text it was parsed from, for messages. */
  readonly text: string;
  readonly requirements: readonly LabelRequirement[];
}

/** The answer of {@linkcode parseLabelSelector}. */
export type ParsedSelector = { readonly selector: LabelSelector } | { readonly error: string };

// A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters.
const NAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const VALUE = /^([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$/;

function keyError(key: string): string | undefined {
  const slash = key.indexOf("/");
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) {
    return `"${key}" has an invalid prefix (a DNS subdomain)`;
  }
  if (!NAME.test(name)) return `"${key}" is not a label key`;
  return undefined;
}

/** Splits on the commas that are not inside parentheses. */
function splitRequirements(text: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(") depth++;
    if (text[i] === ")") depth--;
    if (depth < 0 || depth > 1) return undefined;
    if (text[i] === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) return undefined;
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function parseRequirement(part: string): LabelRequirement | string {
  let match = /^!\s*(\S+)$/.exec(part);
  if (match) return keyError(match[1]) ?? { key: match[1], op: "absent" };
  match = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(part);
  if (match) {
    const [, key, op, value] = match;
    const bad = keyError(key) ??
      (VALUE.test(value) ? undefined : `"${value}" is not a label value`);
    return bad ?? { key, op: op === "!=" ? "notin" : "in", values: [value] };
  }
  match = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (match) {
    const [, key, op, list] = match;
    const values = list.split(",").map((v) => v.trim());
    const bad = keyError(key) ??
      values.map((v) => VALUE.test(v) ? undefined : `"${v}" is not a label value`).find(Boolean);
    return bad ?? { key, op: op as "in" | "notin", values };
  }
  match = /^(\S+)$/.exec(part);
  if (match) return keyError(match[1]) ?? { key: match[1], op: "exists" };
  return `"${part}" is not a requirement (key, !key, key=value, key!=value, key in (a,b), key notin (a,b))`;
}

/**
 * Parses a label selector. The empty text is the selector that matches every Service.
 *
 * @example
 * ```ts
 * import { matchesLabels, parseLabelSelector } from "./label_selector.ts";
 * const parsed = parseLabelSelector("app=web,env in (prod,staging),!legacy");
 * if (!("selector" in parsed)) throw new Error(parsed.error);
 * if (!matchesLabels(parsed.selector, { app: "web", env: "prod" })) throw new Error("unexpected");
 * if (matchesLabels(parsed.selector, { app: "web", env: "prod", legacy: "" })) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseLabelSelector(text: string): ParsedSelector {
  const requirements: LabelRequirement[] = [];
  if (text.trim() === "") return { selector: { text, requirements } };
  const parts = splitRequirements(text);
  if (!parts) return { error: `unbalanced parentheses in "${text}"` };
  for (const part of parts) {
    if (part === "") return { error: `an empty requirement in "${text}"` };
    const requirement = parseRequirement(part);
    if (typeof requirement === "string") return { error: requirement };
    requirements.push(requirement);
  }
  return { selector: { text, requirements } };
}

/** True when every requirement of the selector holds for `labels`. */
export function matchesLabels(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>>,
): boolean {
  return selector.requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.op) {
      case "exists":
        return has;
      case "absent":
        return !has;
      case "in":
        return has && r.values.includes(labels[r.key]);
      case "notin":
        return !has || !r.values.includes(labels[r.key]);
    }
  });
}
