/**
 * Fuzz properties of the annotations a Service or Namespace carries (`polarismesh.cn/sync`, the
 * alias pair, `polarismesh.cn/weight`, `polarismesh.cn/metadata`): for adversarial values, the rules
 * never throw, every value is either valid with sane results or reported with a message naming the
 * annotation and the value, valid values round-trip, and what reaches Polaris stays within its
 * limits. Runs and seed: `tests/fuzz/fuzz_runs.ts`.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { adversarialText, hugeText, numberText } from "../tests/fuzz/adversarial_text.ts";
import { fuzzParameters } from "../tests/fuzz/fuzz_runs.ts";
import { aliasIntent } from "./alias_intent.ts";
import {
  ALIAS_NAMESPACE_ANNOTATION,
  ALIAS_SERVICE_ANNOTATION,
  METADATA_ANNOTATION,
  SYNC_ANNOTATION,
  WEIGHT_ANNOTATION,
} from "./annotations.ts";
import { DEFAULT_WEIGHT, desiredInstances, parseWeight } from "./desired_instances.ts";
import type { EndpointGroup, ServiceInfo } from "./kubernetes.ts";
import { parseMetadataAnnotation } from "./metadata.ts";
import { CLUSTER_NAME_KEY, POLARIS_LIMITS, POLARIS_NAME_PATTERN, SOURCE_KEY } from "./polaris.ts";
import { shouldSync, type SyncDecision } from "./should_sync.ts";

/** Counts Unicode code points, as Polaris measures metadata. */
function runes(text: string): number {
  return [...text].length;
}

/** An annotation value: absent, or any adversarial string, `"true"` and `"false"` often. */
const annotationValue: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("true", "false"),
  adversarialText,
);

function withAnnotation(name: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [name]: value };
}

// --- polarismesh.cn/sync ----------------------------------------------------------------------

/** SPEC §2's table, written out again: what shouldSync() must answer. */
function expectedSync(
  input: {
    mode: "all" | "demand";
    ignored: boolean;
    externalName: boolean;
    namespaceValue: string | undefined;
    serviceValue: string | undefined;
  },
): "sync" | "off" | "invalid-Service" | "invalid-Namespace" {
  if (input.ignored || input.externalName) return "off";
  const own = input.serviceValue;
  if (own === "true") return "sync";
  if (own === "false") return "off";
  if (own !== undefined) return "invalid-Service";
  const ns = input.namespaceValue;
  if (ns === "true") return "sync";
  if (ns === "false") return "off";
  if (ns !== undefined) return "invalid-Namespace";
  return input.mode === "all" ? "sync" : "off";
}

function outcomeOf(decision: SyncDecision): string {
  if (decision.sync) return "sync";
  const reason = decision.reason;
  return reason.code === "invalid-annotation" ? `invalid-${reason.object}` : "off";
}

Deno.test("shouldSync() property: follows SPEC §2's table for any sync annotation values", () => {
  fc.assert(
    fc.property(
      fc.record({
        mode: fc.constantFrom("all" as const, "demand" as const),
        ignored: fc.boolean(),
        externalName: fc.boolean(),
        namespaceValue: annotationValue,
        serviceValue: annotationValue,
        namespaceKnown: fc.boolean(),
      }),
      (input) => {
        const namespace = input.namespaceKnown || input.namespaceValue !== undefined
          ? { name: "shop", annotations: withAnnotation(SYNC_ANNOTATION, input.namespaceValue) }
          : undefined;
        const service: ServiceInfo = {
          namespace: "shop",
          name: "cart",
          type: input.externalName ? "ExternalName" : "ClusterIP",
          annotations: withAnnotation(SYNC_ANNOTATION, input.serviceValue),
        };
        const decision = shouldSync(
          { mode: input.mode, ignoredNamespaces: input.ignored ? ["shop"] : ["kube-system"] },
          namespace,
          service,
        );
        assert.equal(outcomeOf(decision), expectedSync(input));
        const text = decision.sync ? decision.because : decision.reason.message;
        assert.ok(text.trim().length > 0, "every answer says why");
        if (!decision.sync && decision.reason.code === "invalid-annotation") {
          const raw = decision.reason.object === "Service"
            ? input.serviceValue!
            : input.namespaceValue!;
          assert.equal(decision.reason.value, raw);
          assert.ok(decision.reason.message.includes(SYNC_ANNOTATION), decision.reason.message);
          assert.ok(decision.reason.message.includes(`"${raw}"`), "the message quotes the value");
          assert.ok(decision.reason.message.includes(decision.reason.object));
        }
      },
    ),
    fuzzParameters({ runs: 2_000 }),
  );
});

// --- polarismesh.cn/weight ----------------------------------------------------------------------

/** What a weight annotation may hold: valid weights (padded, zero-filled) and anything else. */
const weightText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: POLARIS_LIMITS.maxWeight }).map(String),
  fc.tuple(fc.constantFrom("", " ", "0", "00", "\t"), fc.integer({ min: 0, max: 65_535 }))
    .map(([prefix, n]) => `${prefix}${n}`),
  numberText,
  adversarialText,
);

Deno.test("parseWeight() property: a weight within 0..65535, or a fatal problem naming the value", () => {
  fc.assert(
    fc.property(fc.option(weightText, { nil: undefined }), (raw) => {
      const parsed = parseWeight(raw);
      const trimmed = raw?.trim();
      const valid = raw === undefined ||
        (/^[0-9]+$/.test(trimmed!) && Number(trimmed) <= POLARIS_LIMITS.maxWeight);
      if (valid) {
        assert.deepStrictEqual(parsed, {
          weight: raw === undefined ? DEFAULT_WEIGHT : Number(trimmed),
        });
        return;
      }
      assert.ok("problem" in parsed, `${JSON.stringify(raw)} must be reported`);
      const { problem } = parsed;
      assert.equal(problem.code, "invalid-weight");
      assert.equal(problem.fatal, true, "a bad weight holds the cluster (decisions §1)");
      assert.ok(problem.message.includes(WEIGHT_ANNOTATION), problem.message);
      assert.ok(problem.message.includes(`"${raw}"`), "the message quotes the value");
    }),
    fuzzParameters({ runs: 2_000 }),
  );
});

Deno.test("parseWeight() property: every weight Polaris accepts round-trips through its text", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: POLARIS_LIMITS.maxWeight }), (n) => {
      assert.deepStrictEqual(parseWeight(String(n)), { weight: n });
    }),
    fuzzParameters({ runs: 1_000 }),
  );
});

// --- polarismesh.cn/metadata --------------------------------------------------------------------

/** Metadata keys that trip up JavaScript objects or collide with the controller's own keys. */
const metadataKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    CLUSTER_NAME_KEY,
    SOURCE_KEY,
    "k8s_pod",
    "version",
    "",
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ maxLength: 8, unit: "grapheme" }),
);

/** A JSON value of any type, to put where a string is expected. */
const nonString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
);

Deno.test("parseMetadataAnnotation() property: a JSON object of strings round-trips, keys like __proto__ included", () => {
  fc.assert(
    fc.property(
      fc.dictionary(metadataKey, fc.oneof(fc.string(), adversarialText), { maxKeys: 8 }),
      (map) => {
        const parsed = parseMetadataAnnotation(JSON.stringify(map));
        assert.deepStrictEqual(parsed.problems, []);
        assert.deepStrictEqual({ ...parsed.entries }, { ...map });
      },
    ),
    fuzzParameters({ runs: 1_000 }),
  );
});

Deno.test("parseMetadataAnnotation() property: never throws; keeps only strings; a value that is not a string holds it all, named", () => {
  const metadataText = fc.oneof(
    adversarialText,
    fc.json(),
    fc.dictionary(metadataKey, fc.oneof(fc.string({ maxLength: 5 }), nonString), { maxKeys: 6 })
      .map((m) => JSON.stringify(m)),
    fc.constantFrom('{"a":"1","a":"2"}', '{"a":"1",}', "{'a':'b'}", '{"a":"b"', "a: b"),
  );
  fc.assert(
    fc.property(metadataText, (raw) => {
      const { entries, problems } = parseMetadataAnnotation(raw);
      for (const value of Object.values(entries)) assert.equal(typeof value, "string");
      let json: unknown;
      let isJson = true;
      try {
        json = JSON.parse(raw);
      } catch {
        isJson = false;
      }
      const isObject = typeof json === "object" && json !== null && !Array.isArray(json);
      if (!isJson || !isObject) {
        assert.deepStrictEqual(entries, {});
        assert.equal(problems.length, 1, `${JSON.stringify(raw)} must be reported once`);
      } else {
        // One value that is not a string makes the whole annotation invalid (the cluster is held,
        // decisions §1): no entry is kept, and the one problem names every such key.
        const nonStrings = Object.entries(json as object).filter(([, v]) => typeof v !== "string");
        if (nonStrings.length === 0) assert.equal(problems.length, 0);
        else {
          assert.deepStrictEqual(entries, {});
          assert.equal(problems.length, 1);
          for (const [key] of nonStrings) {
            assert.ok(
              problems[0].message.includes(`"${key}" is `),
              `the problem names the key ${JSON.stringify(key)}`,
            );
          }
        }
      }
      for (const problem of problems) {
        assert.equal(problem.code, "invalid-metadata");
        assert.ok(problem.message.includes(METADATA_ANNOTATION), problem.message);
      }
    }),
    fuzzParameters({ runs: 2_000 }),
  );
});

// --- desired instances: what reaches Polaris ----------------------------------------------------

const oneEndpoint: EndpointGroup[] = [{
  addresses: [{ address: "10.0.0.1", ready: true, terminating: false, podName: "cart-0" }],
  ports: [{ name: "http", port: 8080, protocol: "TCP" }],
}];

Deno.test("desiredInstances() property: any weight and metadata annotations give instances within Polaris' limits, ownership last, or none when held", () => {
  const bigMetadata = fc.dictionary(
    fc.oneof(metadataKey, hugeText.map((s) => s.slice(0, 200))),
    fc.oneof(fc.string(), hugeText.map((s) => s.slice(0, 5_000))),
    { maxKeys: 80 },
  ).map((m) => JSON.stringify(m));
  fc.assert(
    fc.property(
      fc.option(weightText, { nil: undefined }),
      fc.option(fc.oneof(bigMetadata, adversarialText), { nil: undefined }),
      fc.dictionary(metadataKey, fc.string({ maxLength: 10 }), { maxKeys: 70 }),
      (weight, metadata, podLabels) => {
        const { instances, problems } = desiredInstances({
          clusterName: "cluster-a",
          source: "polaris-controller",
          service: {
            namespace: "shop",
            name: "cart",
            type: "ClusterIP",
            annotations: {
              ...withAnnotation(WEIGHT_ANNOTATION, weight),
              ...withAnnotation(METADATA_ANNOTATION, metadata),
            },
          },
          groups: oneEndpoint,
          podLabels: () => podLabels,
          podLabelPolicy: { kind: "all" },
        });
        for (const problem of problems) assert.ok(problem.message.trim().length > 0);
        // A bad weight or metadata annotation holds the cluster: no instance at all (decisions §1).
        if (problems.some((p) => p.fatal)) {
          assert.deepStrictEqual(instances, []);
          return;
        }
        assert.equal(instances.length, 1);
        const [instance] = instances;
        assert.ok(instance.weight >= 0 && instance.weight <= POLARIS_LIMITS.maxWeight);
        const entries = Object.entries(instance.metadata);
        assert.ok(entries.length <= POLARIS_LIMITS.metadataEntries, `${entries.length} entries`);
        for (const [key, value] of entries) {
          assert.ok(key.length > 0 && runes(key) <= POLARIS_LIMITS.metadataKeyLength);
          assert.ok(runes(value) <= POLARIS_LIMITS.metadataValueLength);
        }
        assert.equal(instance.metadata[CLUSTER_NAME_KEY], "cluster-a");
        assert.equal(instance.metadata[SOURCE_KEY], "polaris-controller");
        assert.ok(instance.version.length <= POLARIS_LIMITS.versionLength);
      },
    ),
    fuzzParameters({ runs: 300 }),
  );
});

// --- polarismesh.cn/aliasService + polarismesh.cn/aliasNamespace --------------------------------

/** A name Polaris accepts, or one it does not (too long, characters outside its pattern). */
const aliasName = fc.oneof(
  fc.stringMatching(/^[0-9A-Za-z\-./:_]{1,20}$/),
  fc.constantFrom("a".repeat(64), "a".repeat(65), "a".repeat(128), "a".repeat(129)),
  adversarialText,
);

function acceptedName(kind: "namespace" | "service", name: string): boolean {
  const max = kind === "namespace"
    ? POLARIS_LIMITS.namespaceNameLength
    : POLARIS_LIMITS.serviceNameLength;
  return POLARIS_NAME_PATTERN.test(name) && name.length <= max;
}

Deno.test("aliasIntent() property: none, a valid alias, or invalid naming the annotation and the value", () => {
  fc.assert(
    fc.property(
      fc.option(aliasName, { nil: undefined }),
      fc.option(aliasName, { nil: undefined }),
      (alias, aliasNamespace) => {
        const intent = aliasIntent({
          ...withAnnotation(ALIAS_SERVICE_ANNOTATION, alias),
          ...withAnnotation(ALIAS_NAMESPACE_ANNOTATION, aliasNamespace),
        });
        if (alias === undefined && aliasNamespace === undefined) {
          assert.deepStrictEqual(intent, { kind: "none" });
          return;
        }
        if (alias === undefined || aliasNamespace === undefined) {
          assert.equal(intent.kind, "invalid");
          const missing = alias === undefined
            ? ALIAS_SERVICE_ANNOTATION
            : ALIAS_NAMESPACE_ANNOTATION;
          assert.ok(intent.kind === "invalid" && intent.message.includes(missing));
          return;
        }
        const badNamespace = !acceptedName("namespace", aliasNamespace);
        const badService = !acceptedName("service", alias);
        if (!badNamespace && !badService) {
          assert.deepStrictEqual(intent, { kind: "alias", alias, aliasNamespace });
          return;
        }
        assert.equal(intent.kind, "invalid");
        if (intent.kind !== "invalid") return;
        const [annotation, value] = badNamespace
          ? [ALIAS_NAMESPACE_ANNOTATION, aliasNamespace]
          : [ALIAS_SERVICE_ANNOTATION, alias];
        assert.ok(intent.message.includes(annotation), `${intent.message} names ${annotation}`);
        assert.ok(intent.message.includes(`"${value}"`), "the message quotes the value");
      },
    ),
    fuzzParameters({ runs: 2_000 }),
  );
});
