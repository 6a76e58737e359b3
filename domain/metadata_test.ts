import assert from "node:assert/strict";
import { HIDDEN_DIGEST_KEY, hiddenMetadataDigest } from "./hidden_metadata.ts";
import {
  composeMetadata,
  type MetadataLayers,
  parseMetadataAnnotation,
  type PodLabelPolicy,
  selectPodLabels,
} from "./metadata.ts";
import type { ProblemCode } from "./problems.ts";

// ---------------------------------------------------------------------------------------------
// parseMetadataAnnotation()

interface ParseRow {
  readonly name: string;
  readonly raw: string | undefined;
  readonly expect: Record<string, string>;
  readonly problems: readonly ProblemCode[];
}

const parseTable: readonly ParseRow[] = [
  { name: "absent annotation", raw: undefined, expect: {}, problems: [] },
  { name: "empty object", raw: "{}", expect: {}, problems: [] },
  {
    name: "object of strings",
    raw: '{"team":"payments","tier":"gold"}',
    expect: { team: "payments", tier: "gold" },
    problems: [],
  },
  {
    name: "empty string value kept",
    raw: '{"team":""}',
    expect: { team: "" },
    problems: [],
  },
  { name: "invalid JSON", raw: '{"team":', expect: {}, problems: ["invalid-metadata"] },
  { name: "empty string", raw: "", expect: {}, problems: ["invalid-metadata"] },
  { name: "JSON array", raw: '["team"]', expect: {}, problems: ["invalid-metadata"] },
  { name: "JSON null", raw: "null", expect: {}, problems: ["invalid-metadata"] },
  { name: "JSON string", raw: '"team"', expect: {}, problems: ["invalid-metadata"] },
  { name: "JSON number", raw: "42", expect: {}, problems: ["invalid-metadata"] },
  {
    name: "non-string values → one problem, nothing kept (never half-applied)",
    raw: '{"team":"payments","replicas":3,"canary":true,"extra":{"a":"b"},"none":null}',
    expect: {},
    problems: ["invalid-metadata"],
  },
];

for (const row of parseTable) {
  Deno.test(`parseMetadataAnnotation() table: ${row.name}`, () => {
    const parsed = parseMetadataAnnotation(row.raw);
    assert.deepStrictEqual(parsed.entries, row.expect);
    assert.deepStrictEqual(parsed.problems.map((p) => p.code), row.problems);
    // Invalid input holds the Service, as an invalid sync value does (docs/decisions.md §1).
    assert.ok(parsed.problems.every((p) => p.fatal), "an invalid annotation holds the Service");
  });
}

Deno.test("parseMetadataAnnotation() names the annotation and the bad key in its problems", () => {
  const invalid = parseMetadataAnnotation("{oops");
  assert.ok(invalid.problems[0].message.includes("polarismesh.cn/metadata"), "annotation named");
  assert.ok(invalid.problems[0].message.includes("{oops"), "raw value quoted");
  const nonString = parseMetadataAnnotation('{"replicas":3,"canary":true}');
  assert.ok(nonString.problems[0].message.includes('"replicas" is 3'), "bad key named");
  assert.ok(nonString.problems[0].message.includes('"canary" is true'), "every bad key named");
  assert.ok(nonString.problems[0].message.endsWith("until it is fixed"), "the hold is said");
});

// ---------------------------------------------------------------------------------------------
// selectPodLabels()

const podLabels = { app: "cart", version: "v2", "pod-template-hash": "abc123" };

interface SelectRow {
  readonly name: string;
  readonly labels: Record<string, string> | undefined;
  readonly policy: PodLabelPolicy;
  readonly expect: Record<string, string>;
}

const selectTable: readonly SelectRow[] = [
  { name: "all", labels: podLabels, policy: { kind: "all" }, expect: podLabels },
  { name: "none", labels: podLabels, policy: { kind: "none" }, expect: {} },
  {
    name: "keys: only listed keys that exist",
    labels: podLabels,
    policy: { kind: "keys", keys: ["version", "app", "missing"] },
    expect: { app: "cart", version: "v2" },
  },
  { name: "keys: empty list", labels: podLabels, policy: { kind: "keys", keys: [] }, expect: {} },
  {
    name: "keys: names of Object.prototype members are not labels",
    labels: podLabels,
    policy: { kind: "keys", keys: ["constructor", "toString", "__proto__", "app"] },
    expect: { app: "cart" },
  },
  { name: "unknown Pod, all", labels: undefined, policy: { kind: "all" }, expect: {} },
  {
    name: "unknown Pod, keys",
    labels: undefined,
    policy: { kind: "keys", keys: ["app"] },
    expect: {},
  },
];

for (const row of selectTable) {
  Deno.test(`selectPodLabels() table: ${row.name}`, () => {
    const selected = selectPodLabels(row.labels, row.policy);
    assert.deepStrictEqual(selected, row.expect);
    assert.deepStrictEqual(Object.keys(selected).sort(), Object.keys(row.expect).sort());
  });
}

Deno.test("selectPodLabels() returns a copy, never the Pod's own label map", () => {
  const labels = { app: "cart" };
  const selected = selectPodLabels(labels, { kind: "all" });
  selected.app = "changed";
  assert.deepStrictEqual(labels, { app: "cart" });
});

// ---------------------------------------------------------------------------------------------
// composeMetadata()

const OWNERSHIP = { clusterName: "cluster-a", source: "polaris-controller" };
/** The instance fields composeMetadata() assumes when it is given none. */
const NO_FIELDS = { version: "", protocol: "" };
const K8S = { k8s_namespace: "shop", k8s_service: "cart", k8s_pod: "cart-1" };

function layers(overrides: Partial<MetadataLayers>): MetadataLayers {
  return { podLabels: {}, annotation: {}, kubernetes: K8S, ...OWNERSHIP, ...overrides };
}

/** `count` entries named `<prefix>00`, `<prefix>01`, ... (zero-padded so key order = number order). */
function numbered(prefix: string, count: number, value = "x"): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < count; i++) out[`${prefix}${String(i).padStart(2, "0")}`] = value;
  return out;
}

function without(
  record: Record<string, string>,
  keys: readonly string[],
): Record<string, string> {
  const out = { ...record };
  for (const key of keys) delete out[key];
  return out;
}

const key128 = "k".repeat(128);
const key129 = "k".repeat(129);
const value4096 = "v".repeat(4096);
const value4097 = "v".repeat(4097);
// Polaris counts runes; an emoji is one rune but two UTF-16 code units.
const emojiKey128 = "🔑".repeat(128);
const emojiKey129 = "🔑".repeat(129);
const emojiValue4096 = "😀".repeat(4096);
const emojiValue4097 = "😀".repeat(4097);

interface ComposeRow {
  readonly name: string;
  readonly layers: MetadataLayers;
  readonly expect: Record<string, string>;
  /** Problem codes, and a substring each problem's message must hold. */
  readonly problems: readonly (readonly [ProblemCode, string])[];
}

const composeTable: readonly ComposeRow[] = [
  {
    name: "ownership and k8s_* keys alone",
    layers: layers({}),
    expect: { ...K8S, ...OWNERSHIP },
    problems: [],
  },
  {
    name: "no k8s_pod when the Pod is unknown",
    layers: layers({ kubernetes: { k8s_namespace: "shop", k8s_service: "cart" } }),
    expect: { k8s_namespace: "shop", k8s_service: "cart", ...OWNERSHIP },
    problems: [],
  },
  {
    name: "labels and annotation merged",
    layers: layers({ podLabels: { app: "cart" }, annotation: { team: "payments" } }),
    expect: { app: "cart", team: "payments", ...K8S, ...OWNERSHIP },
    problems: [],
  },
  {
    name: "annotation wins over a Pod label",
    layers: layers({ podLabels: { team: "from-label" }, annotation: { team: "from-annotation" } }),
    expect: { team: "from-annotation", ...K8S, ...OWNERSHIP },
    problems: [],
  },
  {
    name: "k8s_* keys win over labels and annotation",
    layers: layers({ podLabels: { k8s_pod: "fake" }, annotation: { k8s_service: "fake" } }),
    expect: { ...K8S, ...OWNERSHIP },
    problems: [],
  },
  {
    name: "ownership keys win over a Pod label",
    layers: layers({ podLabels: { clusterName: "evil", source: "evil" } }),
    expect: { ...K8S, ...OWNERSHIP },
    problems: [],
  },
  {
    name: "ownership keys win over the annotation",
    layers: layers({ annotation: { clusterName: "evil", source: "evil" } }),
    expect: { ...K8S, ...OWNERSHIP },
    problems: [],
  },
  {
    name: "key of 128 characters kept",
    layers: layers({ annotation: { [key128]: "x" } }),
    expect: { [key128]: "x", ...K8S, ...OWNERSHIP },
    problems: [],
  },
  {
    name: "key of 129 characters dropped and reported",
    layers: layers({ annotation: { [key129]: "x", team: "payments" } }),
    expect: { team: "payments", ...K8S, ...OWNERSHIP },
    problems: [["metadata-limit", "128"]],
  },
  {
    name: "empty key dropped and reported",
    layers: layers({ annotation: { "": "x" } }),
    expect: { ...K8S, ...OWNERSHIP },
    problems: [["metadata-limit", "empty"]],
  },
  {
    name: "value of 4096 characters kept",
    layers: layers({ annotation: { big: value4096 } }),
    expect: { big: value4096, ...K8S, ...OWNERSHIP },
    problems: [],
  },
  {
    name: "value of 4097 characters dropped and reported",
    layers: layers({ podLabels: { big: value4097, app: "cart" } }),
    expect: { app: "cart", ...K8S, ...OWNERSHIP },
    problems: [["metadata-limit", '"big"']],
  },
  {
    name: "key of 128 emoji (runes) kept",
    layers: layers({ annotation: { [emojiKey128]: "x" } }),
    expect: { [emojiKey128]: "x", ...K8S, ...OWNERSHIP },
    problems: [],
  },
  {
    name: "key of 129 emoji (runes) dropped",
    layers: layers({ annotation: { [emojiKey129]: "x" } }),
    expect: { ...K8S, ...OWNERSHIP },
    problems: [["metadata-limit", "128"]],
  },
  {
    name: "value of 4096 emoji (runes) kept",
    layers: layers({ annotation: { big: emojiValue4096 } }),
    expect: { big: emojiValue4096, ...K8S, ...OWNERSHIP },
    problems: [],
  },
  {
    name: "value of 4097 emoji (runes) dropped",
    layers: layers({ annotation: { big: emojiValue4097 } }),
    expect: { ...K8S, ...OWNERSHIP },
    problems: [["metadata-limit", "4096"]],
  },
  {
    name: "exactly 64 entries: nothing dropped",
    layers: layers({ podLabels: numbered("label", 59) }),
    expect: { ...numbered("label", 59), ...K8S, ...OWNERSHIP },
    problems: [],
  },
  {
    name: "65 entries: the lowest Pod label (in key order) dropped",
    layers: layers({ podLabels: numbered("label", 60) }),
    expect: { ...without(numbered("label", 60), ["label00"]), ...K8S, ...OWNERSHIP },
    problems: [["metadata-limit", '"label00"']],
  },
  {
    name: "over 64: Pod labels go before annotation entries",
    layers: layers({ podLabels: numbered("label", 20), annotation: numbered("ann", 50) }),
    // 20 + 50 + 3 + 2 = 75: the 11 lowest-priority entries are labels 00..10.
    expect: {
      ...without(numbered("label", 20), [...Object.keys(numbered("label", 11))]),
      ...numbered("ann", 50),
      ...K8S,
      ...OWNERSHIP,
    },
    problems: [["metadata-limit", "75 entries"]],
  },
  {
    name: "over 64 from the annotation alone: k8s_* and ownership keys survive",
    layers: layers({ annotation: numbered("ann", 70) }),
    // 70 + 3 + 2 = 75: annotation entries 00..10 dropped.
    expect: {
      ...without(numbered("ann", 70), [...Object.keys(numbered("ann", 11))]),
      ...K8S,
      ...OWNERSHIP,
    },
    problems: [["metadata-limit", '"ann10"']],
  },
  {
    name: "a label overridden by the annotation counts once",
    layers: layers({ podLabels: numbered("k", 59), annotation: numbered("k", 59, "y") }),
    expect: { ...numbered("k", 59, "y"), ...K8S, ...OWNERSHIP },
    problems: [],
  },
  {
    name: "a dropped oversized entry does not count towards 64",
    layers: layers({ podLabels: numbered("label", 59), annotation: { [key129]: "x" } }),
    expect: { ...numbered("label", 59), ...K8S, ...OWNERSHIP },
    problems: [["metadata-limit", "128"]],
  },
  {
    name: "a hidden console key brings the digest of the hidden keys",
    layers: layers({ podLabels: { app: "cart", zone: "z1" } }),
    expect: {
      app: "cart",
      zone: "z1",
      [HIDDEN_DIGEST_KEY]: hiddenMetadataDigest({ zone: "z1" }, NO_FIELDS)!,
      ...K8S,
      ...OWNERSHIP,
    },
    problems: [],
  },
  {
    name: "a Pod label or annotation entry named like the digest is never sent",
    layers: layers({
      podLabels: { [HIDDEN_DIGEST_KEY]: "fake" },
      annotation: { [HIDDEN_DIGEST_KEY]: "fake" },
    }),
    expect: { ...K8S, ...OWNERSHIP },
    problems: [],
  },
  {
    name: "the digest takes one of the 64 entries",
    layers: layers({ podLabels: { ...numbered("label", 58), zone: "z1" } }),
    // 58 + 1 + 3 + 2 = 64, and the digest makes 65: the lowest label goes.
    expect: {
      ...without(numbered("label", 58), ["label00"]),
      zone: "z1",
      [HIDDEN_DIGEST_KEY]: hiddenMetadataDigest({ zone: "z1" }, NO_FIELDS)!,
      ...K8S,
      ...OWNERSHIP,
    },
    problems: [["metadata-limit", "65 entries"]],
  },
];

for (const row of composeTable) {
  Deno.test(`composeMetadata() table: ${row.name}`, () => {
    const { metadata, problems } = composeMetadata(row.layers);
    assert.deepStrictEqual(metadata, row.expect);
    assert.deepStrictEqual(problems.map((p) => p.code), row.problems.map(([code]) => code));
    problems.forEach((p, i) => {
      const needle = row.problems[i][1];
      assert.ok(
        p.message.includes(needle),
        `problem ${i} ${JSON.stringify(p.message)} ∌ ${needle}`,
      );
      assert.ok(!p.fatal, "metadata limits never stop the sync");
    });
  });
}

Deno.test("composeMetadata() never returns more than 64 entries or oversized ones", () => {
  const { metadata } = composeMetadata(
    layers({
      podLabels: { ...numbered("label", 100), [key129]: "x" },
      annotation: { ...numbered("ann", 100), big: value4097 },
    }),
  );
  const keys = Object.keys(metadata);
  assert.deepStrictEqual(keys.length, 64);
  assert.ok(keys.every((k) => k.length > 0 && k.length <= 128), "key limit");
  assert.ok(Object.values(metadata).every((v) => v.length <= 4096), "value limit");
  assert.deepStrictEqual(metadata.clusterName, "cluster-a");
  assert.deepStrictEqual(metadata.source, "polaris-controller");
  assert.deepStrictEqual(metadata.k8s_pod, "cart-1");
});

Deno.test("composeMetadata() returns its keys sorted", () => {
  const { metadata } = composeMetadata(layers({ podLabels: { zz: "1", aa: "2" } }));
  const keys = Object.keys(metadata);
  assert.deepStrictEqual(keys, [...keys].sort());
});
