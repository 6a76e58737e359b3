/**
 * The rule "which weight has this Pod on this port" beyond `polarismesh.cn/weight`
 * (sync-rules §2.9): `polarismesh.cn/customWeight` with `polarismesh.cn/workloadKind`, as
 * polaris-controller reads them.
 *
 * @module
 */

import { CUSTOM_WEIGHT_ANNOTATION } from "./annotations.ts";
import { POLARIS_LIMITS } from "./polaris.ts";
import { HELD, type Problem } from "./problems.ts";

/** `polarismesh.cn/workloadKind` values that give Pods an index (polaris-controller's four). */
export const STATEFUL_WORKLOAD_KINDS: ReadonlySet<string> = new Set([
  "statefulset",
  "StatefulSet",
  "statefulsetplus",
  "StatefulSetPlus",
]);

/** Weights by `"<podIndex>-<targetPort>"`; a key with no index applies to every Pod. */
export type CustomWeights = (podName: string | undefined, port: number) => number | undefined;

/** The answer of {@linkcode parseCustomWeight}. */
export type ParsedCustomWeight =
  | { readonly weightOf: CustomWeights }
  | { readonly problem: Problem };

const KEY = /^([0-9]*)-([0-9]+)$/;

/**
 * The index of a Pod as polaris-controller takes it: what follows the last `-` of its name, for a
 * StatefulSet kind only (`web-2` → `"2"`); otherwise, or without a `-`, the empty index.
 */
export function podIndex(podName: string | undefined, workloadKind: string | undefined): string {
  if (podName === undefined || workloadKind === undefined) return "";
  if (!STATEFUL_WORKLOAD_KINDS.has(workloadKind)) return "";
  const dash = podName.lastIndexOf("-");
  return dash < 0 ? "" : podName.slice(dash + 1);
}

function invalid(raw: string, why: string): ParsedCustomWeight {
  return {
    problem: {
      code: "invalid-custom-weight",
      fatal: true,
      message: `${CUSTOM_WEIGHT_ANNOTATION}=${JSON.stringify(raw)} ${why}; ${HELD}`,
    },
  };
}

/**
 * Parses `polarismesh.cn/customWeight`: a JSON object whose keys are `"<podIndex>-<port>"` (the
 * target port; `"-8080"` for every Pod, which is what every key means unless
 * `polarismesh.cn/workloadKind` names a StatefulSet kind) and whose values are integer weights in
 * 0..65535, like `polarismesh.cn/weight`. A matching key wins over `polarismesh.cn/weight`.
 * Anything else is invalid input that holds the Service: polaris-controller logs bad JSON and
 * registers every Pod with the default weight, which would move traffic because of a typo.
 *
 * @example
 * ```ts
 * import { parseCustomWeight } from "./custom_weight.ts";
 * const parsed = parseCustomWeight('{"0-8080": 0, "-9090": 5}', "StatefulSet");
 * if (!("weightOf" in parsed)) throw new Error("unexpected");
 * if (parsed.weightOf("web-0", 8080) !== 0 || parsed.weightOf("web-1", 8080) !== undefined) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseCustomWeight(
  raw: string | undefined,
  workloadKind: string | undefined,
): ParsedCustomWeight {
  if (raw === undefined) return { weightOf: () => undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return invalid(raw, `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return invalid(raw, `must be a JSON object {"<podIndex>-<port>": weight}`);
  }
  const weights = new Map<string, number>();
  for (const [key, value] of Object.entries(parsed)) {
    if (!KEY.test(key)) {
      return invalid(raw, `has the key "${key}"; keys are "<podIndex>-<port>", e.g. "0-8080"`);
    }
    if (!Number.isInteger(value) || value < 0 || value > POLARIS_LIMITS.maxWeight) {
      return invalid(
        raw,
        `gives "${key}" ${
          JSON.stringify(value)
        }; weights are integers in 0..${POLARIS_LIMITS.maxWeight}`,
      );
    }
    weights.set(key, value);
  }
  return {
    weightOf: (podName, port) => weights.get(`${podIndex(podName, workloadKind)}-${port}`),
  };
}
