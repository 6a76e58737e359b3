/**
 * The rule "do the clusters agree on this Polaris service?" (SPEC §2, multi-cluster): the copies of
 * one Service in several clusters become one Polaris service, so an annotation that acts on it and
 * differs between the copies is reported, with which value applies (docs/decisions.md §25).
 *
 * @module
 */

import {
  ALIAS_NAMESPACE_ANNOTATION,
  ALIAS_SERVICE_ANNOTATION,
  METADATA_ANNOTATION,
  WEIGHT_ANNOTATION,
} from "./annotations.ts";
import { parseWeight } from "./desired_instances.ts";
import { parseMetadataAnnotation } from "./metadata.ts";
import type { Problem } from "./problems.ts";

/** One cluster's copy of a Service, as the rule compares it. */
export interface ServiceCopy {
  readonly clusterName: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/** An annotation (or a pair) the rule compares, and what applies when the copies differ. */
interface Compared {
  /** How the annotation is named in the message. */
  readonly name: string;
  /** The value as the copy shows it, quoted, or `(absent)`. */
  readonly shown: (annotations: Readonly<Record<string, string>>) => string;
  /** The value as it acts: two copies that differ only in spelling (`"050"`, `"50"`) agree. */
  readonly effective: (annotations: Readonly<Record<string, string>>) => string;
  readonly applies: (first: string) => string;
}

function shownValue(raw: string | undefined): string {
  return raw === undefined ? "(absent)" : JSON.stringify(raw);
}

const COMPARED: readonly Compared[] = [
  {
    name: `the alias (${ALIAS_NAMESPACE_ANNOTATION} / ${ALIAS_SERVICE_ANNOTATION})`,
    shown: (a) => {
      const namespace = a[ALIAS_NAMESPACE_ANNOTATION];
      const alias = a[ALIAS_SERVICE_ANNOTATION];
      if (namespace === undefined && alias === undefined) return "(absent)";
      return JSON.stringify(`${namespace ?? ""}/${alias ?? ""}`);
    },
    effective: (a) =>
      JSON.stringify([a[ALIAS_NAMESPACE_ANNOTATION] ?? null, a[ALIAS_SERVICE_ANNOTATION] ?? null]),
    applies: (first) =>
      `the alias of "${first}" applies, the first cluster of the configuration that syncs the Service`,
  },
  {
    name: WEIGHT_ANNOTATION,
    shown: (a) => shownValue(a[WEIGHT_ANNOTATION]),
    effective: (a) => {
      const parsed = parseWeight(a[WEIGHT_ANNOTATION]);
      return "weight" in parsed ? String(parsed.weight) : `invalid ${a[WEIGHT_ANNOTATION]}`;
    },
    applies: () => "each cluster's instances carry their own cluster's weight",
  },
  {
    name: METADATA_ANNOTATION,
    shown: (a) => shownValue(a[METADATA_ANNOTATION]),
    effective: (a) => {
      const parsed = parseMetadataAnnotation(a[METADATA_ANNOTATION]);
      if (parsed.problems.length > 0) return `invalid ${a[METADATA_ANNOTATION]}`;
      return JSON.stringify(Object.entries(parsed.entries).sort(([x], [y]) => x < y ? -1 : 1));
    },
    applies: () => "each cluster's instances carry their own cluster's metadata",
  },
];

/**
 * Compares the copies of one Service that the clusters sync (in the order of the configuration)
 * on the annotations that act on the shared Polaris service: the alias, the weight and the
 * metadata. Returns one non-fatal `clusters-disagree` problem per annotation on which some copy
 * differs from the others, naming every cluster's value and which applies: the alias of the first
 * cluster (there is one alias per Polaris service), and for weight and metadata each cluster's own
 * value on its own instances. Values that act the same (`"050"` and `"50"`, an absent weight and
 * `"100"`, the same metadata in another key order) agree.
 *
 * @example
 * ```ts
 * import { clusterDisagreements } from "./cluster_disagreements.ts";
 * const problems = clusterDisagreements([
 *   { clusterName: "a", annotations: {} },
 *   { clusterName: "b", annotations: { "polarismesh.cn/weight": "500" } },
 * ]);
 * if (problems.length !== 1 || problems[0].fatal) throw new Error("expected one warning");
 * ```
 */
export function clusterDisagreements(copies: readonly ServiceCopy[]): Problem[] {
  if (copies.length < 2) return [];
  const problems: Problem[] = [];
  for (const compared of COMPARED) {
    const values = new Set(copies.map((copy) => compared.effective(copy.annotations)));
    if (values.size < 2) continue;
    const each = copies.map((copy) => `${copy.clusterName} ${compared.shown(copy.annotations)}`);
    problems.push({
      code: "clusters-disagree",
      fatal: false,
      message: `clusters disagree on ${compared.name}: ${each.join(", ")}; ${
        compared.applies(copies[0].clusterName)
      }`,
    });
  }
  return problems;
}
