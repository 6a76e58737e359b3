/**
 * Compares what Polaris holds with the expectation, after a cycle's quiet period, and counts what
 * the chaos run reports: lost (a wanted instance missing), leaked (an owned instance nobody
 * wants), wrongful (a foreign instance or alias changed or gone), duplicates (one `host:port`
 * twice in a service), wrong fields (protocol, weight, healthy, isolate, health check, version,
 * metadata of a wanted instance), and the same for aliases.
 *
 * @module
 */

import { type Expectation, type ExpectedInstance, HIDDEN_METADATA_KEYS } from "./expectation.ts";
import {
  type ChaosOwner,
  ownedBy,
  type PolarisAlias,
  type PolarisInstance,
  type PolarisSnapshot,
} from "./polaris_objects.ts";

/** Counts of one comparison. */
export interface RegistryCounts {
  lost: number;
  leaked: number;
  wrongful: number;
  duplicates: number;
  wrongFields: number;
  aliasLost: number;
  aliasLeaked: number;
}

/** One thing found wrong, for the report. */
export interface Finding {
  readonly kind: keyof RegistryCounts;
  readonly key: string;
  readonly detail: string;
}

/** What a comparison found. */
export interface Comparison {
  readonly counts: RegistryCounts;
  readonly findings: readonly Finding[];
}

/** What "someone else" put in Polaris, as first read back after seeding. */
export interface ForeignBaseline {
  readonly instances: readonly PolarisInstance[];
  readonly aliases: readonly PolarisAlias[];
}

/** Returns all-zero counts. */
export function zeroCounts(): RegistryCounts {
  return {
    lost: 0,
    leaked: 0,
    wrongful: 0,
    duplicates: 0,
    wrongFields: 0,
    aliasLost: 0,
    aliasLeaked: 0,
  };
}

/** The sum of every count. */
export function totalOf(counts: RegistryCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

function visibleMetadata(metadata: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(metadata).filter((k) => !HIDDEN_METADATA_KEYS.has(k)).sort().map((
      k,
    ) => [k, metadata[k]]),
  );
}

/** The fields of a registered instance that differ from what SPEC §2 asks for. */
export function wrongFieldsOf(expected: ExpectedInstance, actual: PolarisInstance): string[] {
  const out: string[] = [];
  const check = (name: string, want: unknown, got: unknown) => {
    if (want !== got) out.push(`${name}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  check("protocol", expected.protocol, actual.protocol);
  check("weight", expected.weight, actual.weight);
  check("healthy", expected.healthy, actual.healthy);
  check("isolate", expected.isolate, actual.isolate);
  check("enableHealthCheck", false, actual.enableHealthCheck);
  check("version", expected.version, actual.version);
  check("metadata", visibleMetadata(expected.metadata), visibleMetadata(actual.metadata));
  return out;
}

function aliasKey(alias: Pick<PolarisAlias, "aliasNamespace" | "alias">): string {
  return `${alias.aliasNamespace}/${alias.alias}`;
}

/**
 * Compares a Polaris snapshot with the expectation. Instances under a service no Service asks for
 * are judged too: an owned one there is leaked.
 *
 * @example
 * ```ts
 * import { compareRegistry } from "./compare.ts";
 * const owner = { clusterNames: ["a"], source: "polaris-controller", aliasMarker: "managed" };
 * const empty = { instances: new Map(), aliases: new Map(), conflicts: [] };
 * const result = compareRegistry(empty, { instances: [], aliases: [] }, owner, {
 *   instances: [],
 *   aliases: [],
 * });
 * if (result.findings.length !== 0) throw new Error("nothing wanted, nothing held");
 * ```
 */
export function compareRegistry(
  expectation: Expectation,
  snapshot: PolarisSnapshot,
  owner: ChaosOwner,
  foreign: ForeignBaseline,
): Comparison {
  const counts = zeroCounts();
  const findings: Finding[] = [];
  const add = (kind: keyof RegistryCounts, key: string, detail: string) => {
    counts[kind] += 1;
    findings.push({ kind, key, detail });
  };
  const held = new Map<string, Map<string, PolarisInstance[]>>();
  for (const instance of snapshot.instances) {
    const serviceKey = `${instance.namespace}/${instance.service}`;
    const byKey = held.get(serviceKey) ?? new Map<string, PolarisInstance[]>();
    const key = `${instance.host}:${instance.port}`;
    byKey.set(key, [...(byKey.get(key) ?? []), instance]);
    held.set(serviceKey, byKey);
  }
  for (const [serviceKey, byKey] of held) {
    for (const [key, list] of byKey) {
      if (list.length > 1) add("duplicates", `${serviceKey}/${key}`, `${list.length} instances`);
    }
  }
  for (const [serviceKey, wanted] of expectation.instances) {
    const byKey = held.get(serviceKey);
    for (const [key, expected] of wanted) {
      const actual = byKey?.get(key)?.[0];
      if (actual === undefined) {
        add("lost", `${serviceKey}/${key}`, `wanted (${expected.metadata.clusterName}), missing`);
        continue;
      }
      const fields = wrongFieldsOf(expected, actual);
      if (fields.length > 0) add("wrongFields", `${serviceKey}/${key}`, fields.join("; "));
    }
  }
  const conflicts = new Set(expectation.conflicts);
  for (const instance of snapshot.instances) {
    if (!ownedBy(owner, instance)) continue;
    const serviceKey = `${instance.namespace}/${instance.service}`;
    const key = `${instance.host}:${instance.port}`;
    if (expectation.instances.get(serviceKey)?.has(key)) continue;
    if (conflicts.has(`${serviceKey}/${key}`)) continue;
    add("leaked", `${serviceKey}/${key}`, `owned by ${instance.metadata.clusterName}, not wanted`);
  }
  const now = new Map(snapshot.instances.map((i) => [i.id, i]));
  for (const before of foreign.instances) {
    const after = now.get(before.id);
    const key = `${before.namespace}/${before.service}/${before.host}:${before.port}`;
    if (after === undefined) add("wrongful", key, "foreign instance deleted");
    else if (
      after.revision !== before.revision || wrongFieldsOf(asExpected(before), after).length
    ) {
      add("wrongful", key, "foreign instance changed");
    }
  }
  const foreignAliases = new Map(foreign.aliases.map((a) => [aliasKey(a), a]));
  const aliasesNow = new Map(snapshot.aliases.map((a) => [aliasKey(a), a]));
  for (const [key, before] of foreignAliases) {
    const after = aliasesNow.get(key);
    if (after === undefined) add("wrongful", key, "foreign alias deleted");
    else if (
      after.namespace !== before.namespace || after.service !== before.service ||
      after.comment !== before.comment
    ) add("wrongful", key, `foreign alias changed to ${after.namespace}/${after.service}`);
  }
  for (const [key, target] of expectation.aliases) {
    if (foreignAliases.has(key)) continue;
    const actual = aliasesNow.get(key);
    if (actual === undefined) add("aliasLost", key, `wanted for ${target}, missing`);
    else if (`${actual.namespace}/${actual.service}` !== target) {
      add(
        "aliasLost",
        key,
        `wanted for ${target}, points to ${actual.namespace}/${actual.service}`,
      );
    }
  }
  for (const alias of snapshot.aliases) {
    const key = aliasKey(alias);
    if (!alias.comment.includes(owner.aliasMarker) || expectation.aliases.has(key)) continue;
    add("aliasLeaked", key, `ours, for ${alias.namespace}/${alias.service}, not wanted`);
  }
  return { counts, findings };
}

function asExpected(instance: PolarisInstance): ExpectedInstance {
  return { ...instance, metadata: instance.metadata };
}
