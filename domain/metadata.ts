/**
 * Instance metadata composition within Polaris' limits (SPEC §2, reference §3).
 *
 * @module
 */

import { METADATA_ANNOTATION } from "./annotations.ts";
import {
  digestedEntries,
  HIDDEN_DIGEST_KEY,
  hiddenMetadataDigest,
  type ReadBackFields,
} from "./hidden_metadata.ts";
import { CLUSTER_NAME_KEY, POLARIS_LIMITS, SOURCE_KEY } from "./polaris.ts";
import { HELD, type Problem } from "./problems.ts";

/** Which Pod labels become instance metadata. */
export type PodLabelPolicy =
  | { readonly kind: "all" }
  | { readonly kind: "none" }
  | { readonly kind: "keys"; readonly keys: readonly string[] };

/** Result of {@linkcode parseMetadataAnnotation}. */
export interface ParsedMetadata {
  readonly entries: Readonly<Record<string, string>>;
  readonly problems: readonly Problem[];
}

/**
 * Parses `polarismesh.cn/metadata`: a JSON object whose values are strings. Anything else (bad
 * JSON, not an object, a value that is not a string) is invalid input, reported as a fatal
 * problem with no entries: like an invalid `polarismesh.cn/sync` value, it holds the Service
 * (SPEC §2, docs/decisions.md §1), so what is registered keeps its metadata until the annotation
 * is fixed, instead of being rewritten without it or with part of it.
 *
 * @example
 * ```ts
 * import { parseMetadataAnnotation } from "./metadata.ts";
 * const { entries } = parseMetadataAnnotation('{"team":"payments"}');
 * if (entries.team !== "payments") throw new Error("unexpected");
 * if (!parseMetadataAnnotation("{oops").problems[0].fatal) throw new Error("expected a hold");
 * ```
 */
export function parseMetadataAnnotation(raw: string | undefined): ParsedMetadata {
  if (raw === undefined) return { entries: {}, problems: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return invalidMetadata(
      `${METADATA_ANNOTATION} is not valid JSON (${(error as Error).message}): ${
        JSON.stringify(raw)
      }`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return invalidMetadata(
      `${METADATA_ANNOTATION} must be a JSON object of strings, got ${JSON.stringify(raw)}`,
    );
  }
  const entries: Record<string, string> = {};
  const bad: string[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === "string") entries[key] = value;
    else bad.push(`"${key}" is ${JSON.stringify(value)}`);
  }
  if (bad.length > 0) {
    return invalidMetadata(
      `${METADATA_ANNOTATION} must be a JSON object of strings, but ${bad.join(", ")}`,
    );
  }
  return { entries, problems: [] };
}

/** An invalid annotation: no entries, one fatal problem whose message ends with the hold. */
function invalidMetadata(message: string): ParsedMetadata {
  return {
    entries: {},
    problems: [{ code: "invalid-metadata", fatal: true, message: `${message}; ${HELD}` }],
  };
}

/** Selects the Pod labels the policy lets through. */
export function selectPodLabels(
  labels: Readonly<Record<string, string>> | undefined,
  policy: PodLabelPolicy,
): Record<string, string> {
  if (labels === undefined || policy.kind === "none") return {};
  if (policy.kind === "all") return { ...labels };
  const out: Record<string, string> = {};
  // Own properties only: a configured key such as "constructor" must not pick up Object.prototype.
  for (const key of policy.keys) if (Object.hasOwn(labels, key)) out[key] = labels[key];
  return out;
}

/**
 * Counts the Unicode code points of a string: Polaris measures metadata in runes, while
 * `String.length` counts UTF-16 code units (an emoji is one rune but two units).
 */
function runeLength(text: string): number {
  // A string never has more runes than code units, so short strings skip the count.
  if (text.length <= POLARIS_LIMITS.metadataKeyLength) return text.length;
  let runes = 0;
  for (const _ of text) runes++;
  return runes;
}

/** The layers of instance metadata, lowest priority first. */
export interface MetadataLayers {
  readonly podLabels: Readonly<Record<string, string>>;
  readonly annotation: Readonly<Record<string, string>>;
  /** `k8s_namespace`, `k8s_service`, `k8s_pod`. */
  readonly kubernetes: Readonly<Record<string, string>>;
  readonly clusterName: string;
  readonly source: string;
  /**
   * The instance's `version` and `protocol` fields: while one is set, the server shows it in place
   * of the metadata key of its name, which then needs no digest. Absent: every hidden key counts.
   */
  readonly fields?: ReadBackFields;
}

/**
 * Composes instance metadata: Pod labels, then the annotation's map, then the `k8s_*` keys, then
 * the ownership keys last so nothing can override `clusterName` or `source` (SPEC §2), and, when
 * a key the console list hides is present, the digest of those keys (`hiddenMetadataDigest`, also
 * ours; decisions §6). Entries whose key or value exceed Polaris' limits are dropped and reported;
 * when more than 64 entries remain, the lowest layers lose their entries first (in key order), and
 * that is reported too. Nothing over a limit is ever sent.
 *
 * @example
 * ```ts
 * import { composeMetadata } from "./metadata.ts";
 * const { metadata } = composeMetadata({
 *   podLabels: { clusterName: "evil" }, annotation: {}, kubernetes: {},
 *   clusterName: "a", source: "polaris-controller",
 * });
 * if (metadata.clusterName !== "a") throw new Error("ownership must win");
 * ```
 */
export function composeMetadata(
  layers: MetadataLayers,
): { metadata: Record<string, string>; problems: Problem[] } {
  const problems: Problem[] = [];
  const ownership = { [CLUSTER_NAME_KEY]: layers.clusterName, [SOURCE_KEY]: layers.source };
  const ordered: Array<readonly [string, Readonly<Record<string, string>>]> = [
    ["Pod label", layers.podLabels],
    [METADATA_ANNOTATION, layers.annotation],
    ["Kubernetes", layers.kubernetes],
    ["ownership", ownership],
  ];
  const merged = new Map<string, { value: string; layer: number }>();
  ordered.forEach(([origin, entries], layer) => {
    for (const key of Object.keys(entries).sort()) {
      const value = entries[key];
      if (key.length === 0 || runeLength(key) > POLARIS_LIMITS.metadataKeyLength) {
        problems.push({
          code: "metadata-limit",
          fatal: false,
          message: `${origin} key ${
            JSON.stringify(key.slice(0, 40))
          } is empty or longer than ${POLARIS_LIMITS.metadataKeyLength} characters; dropped`,
        });
        continue;
      }
      if (runeLength(value) > POLARIS_LIMITS.metadataValueLength) {
        problems.push({
          code: "metadata-limit",
          fatal: false,
          message:
            `${origin} "${key}" has a value longer than ${POLARIS_LIMITS.metadataValueLength} characters; dropped`,
        });
        continue;
      }
      merged.delete(key); // re-insert so a higher layer owns the key
      merged.set(key, { value, layer });
    }
  });
  // The digest's key is ours: a label or annotation entry of that name is never sent.
  merged.delete(HIDDEN_DIGEST_KEY);
  const fields = layers.fields ?? { version: "", protocol: "" };
  const values = () => {
    const out: Record<string, string> = {};
    for (const [key, { value }] of merged) out[key] = value;
    return out;
  };
  const limit = POLARIS_LIMITS.metadataEntries;
  // The digest takes an entry of its own, counted before anything is dropped.
  const total = merged.size + (digestedEntries(values(), fields).length > 0 ? 1 : 0);
  if (total > limit) {
    const byPriority = [...merged.entries()].sort((a, b) =>
      a[1].layer - b[1].layer || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
    );
    const dropped = byPriority.slice(0, total - limit).map(([key]) => key);
    for (const key of dropped) merged.delete(key);
    problems.push({
      code: "metadata-limit",
      fatal: false,
      message: `instance metadata has ${total} entries, over Polaris' limit of ${limit}; dropped ${
        dropped.map((k) => `"${k}"`).join(", ")
      }`,
    });
  }
  const metadata = values();
  const digest = hiddenMetadataDigest(metadata, fields);
  if (digest !== undefined) metadata[HIDDEN_DIGEST_KEY] = digest;
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(metadata).sort()) sorted[key] = metadata[key];
  return { metadata: sorted, problems };
}
