/**
 * Fuzz properties of the manifest files `deno task dev` reads: any text gives the reduced objects
 * or a `SyntaxError`/`TypeError` naming the file and the document (never another error, never a
 * crash); valid manifests written out as YAML read back as the objects they describe, annotation
 * and label values kept as the strings they are; a manifest with one field the API server would
 * refuse is refused with that field's path. Runs and seed: `tests/fuzz/fuzz_runs.ts`.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { stringify } from "yaml";
import { adversarialText } from "../../tests/fuzz/adversarial_text.ts";
import { fuzzParameters } from "../../tests/fuzz/fuzz_runs.ts";
import { parseManifestFile } from "./parse_manifest_file.ts";

const dnsName = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,12}[a-z0-9])?$/);

/** Annotation and label keys, the controller's own and some that JavaScript objects find special. */
const mapKey = fc.oneof(
  fc.constantFrom(
    "polarismesh.cn/sync",
    "polarismesh.cn/weight",
    "polarismesh.cn/metadata",
    "polarismesh.cn/aliasService",
    "version",
    "constructor",
    "prototype",
    "toString",
  ),
  fc.stringMatching(/^([a-z0-9.]{1,8}\/)?[A-Za-z0-9][-A-Za-z0-9_.]{0,10}$/),
);

/** Values YAML would read as something else unless quoted: the writer must quote them. */
const mapValue = fc.oneof(
  adversarialText.filter((s) => s.length < 2_000),
  fc.constantFrom("true", "50", "1.0", "null", "~", "yes", "0x1F", "2024-06-11", "- a", "a: b"),
);

const stringMapArb = fc.dictionary(mapKey, mapValue, { maxKeys: 5 });

const namespaceDoc = fc.record({ name: dnsName, annotations: fc.option(stringMapArb) }).map((
  n,
) => ({
  doc: {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: n.name, ...(n.annotations ? { annotations: n.annotations } : {}) },
  },
  expect: { kind: "namespace" as const, name: n.name, annotations: n.annotations ?? {} },
}));

const serviceDoc = fc.record({
  name: dnsName,
  namespace: fc.option(dnsName, { nil: undefined }),
  type: fc.option(fc.constantFrom("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"), {
    nil: undefined,
  }),
  annotations: fc.option(stringMapArb, { nil: undefined }),
  port: fc.integer({ min: 1, max: 65_535 }),
}).map((s) => ({
  doc: {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: s.name,
      ...(s.namespace ? { namespace: s.namespace } : {}),
      ...(s.annotations ? { annotations: s.annotations } : {}),
    },
    spec: { ...(s.type ? { type: s.type } : {}), ports: [{ name: "http", port: s.port }] },
  },
  expect: {
    kind: "service" as const,
    info: {
      namespace: s.namespace ?? "default",
      name: s.name,
      type: s.type ?? "ClusterIP",
      annotations: s.annotations ?? {},
    },
  },
}));

const podDoc = fc.record({
  name: dnsName,
  labels: stringMapArb,
  ip: fc.ipV4(),
  ready: fc.boolean(),
}).map((p) => ({
  doc: {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: p.name, namespace: "shop", labels: p.labels },
    status: {
      podIP: p.ip,
      conditions: [{ type: "Ready", status: p.ready ? "True" : "False" }],
    },
  },
  expect: { kind: "pod" as const, name: p.name, labels: p.labels, podIP: p.ip, ready: p.ready },
}));

const validDoc = fc.oneof(namespaceDoc, serviceDoc, podDoc);

Deno.test("parseManifestFile() property: valid manifests written as YAML read back as the objects they describe", () => {
  fc.assert(
    fc.property(
      fc.array(validDoc, { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      (docs, asList) => {
        const text = asList
          ? stringify({ apiVersion: "v1", kind: "List", items: docs.map((d) => d.doc) })
          : docs.map((d) => stringify(d.doc)).join("---\n");
        const file = parseManifestFile(text, "fuzz.yaml");
        const expect = docs.map((d) => d.expect);
        assert.deepStrictEqual(
          file.namespaces.map((n) => ({ ...n, annotations: { ...n.annotations } })),
          expect.flatMap((e) =>
            e.kind === "namespace" ? [{ name: e.name, annotations: { ...e.annotations } }] : []
          ),
        );
        assert.deepStrictEqual(
          file.services.map((s) => ({ ...s.info, annotations: { ...s.info.annotations } })),
          expect.flatMap((e) =>
            e.kind === "service" ? [{ ...e.info, annotations: { ...e.info.annotations } }] : []
          ),
        );
        assert.deepStrictEqual(
          file.pods.map((p) => ({
            name: p.name,
            labels: { ...p.labels },
            podIP: p.podIP,
            ready: p.ready,
          })),
          expect.flatMap((e) =>
            e.kind === "pod"
              ? [{ name: e.name, labels: { ...e.labels }, podIP: e.podIP, ready: e.ready }]
              : []
          ),
        );
        assert.deepStrictEqual(file.skipped, []);
      },
    ),
    fuzzParameters({ runs: 300, cost: 4 }),
  );
});

/** One field set to what the API server would refuse, and the path the error must name. */
const refusal = fc.oneof(
  fc.constantFrom(
    { path: ["metadata", "name"], value: "", names: "metadata.name" },
    { path: ["metadata", "name"], value: undefined, names: "metadata.name" },
    { path: ["metadata", "name"], value: 5, names: "metadata.name" },
    { path: ["metadata", "namespace"], value: "", names: "metadata.namespace" },
    { path: ["metadata", "annotations"], value: "x", names: "metadata.annotations" },
    { path: ["metadata", "labels"], value: ["a"], names: "metadata.labels" },
    { path: ["kind"], value: 5, names: "kind" },
    { path: ["kind"], value: undefined, names: "kind" },
    { path: ["apiVersion"], value: "", names: "apiVersion" },
  ),
  fc.record({
    key: mapKey,
    value: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true })),
    where: fc.constantFrom("annotations", "labels"),
  }).map(({ key, value, where }) => ({
    path: ["metadata", where, key],
    value,
    names: `metadata.${where}.${key}`,
  })),
);

const serviceRefusal = fc.constantFrom(
  { path: ["spec", "ports", 0, "port"], value: 0, names: "spec.ports.0.port" },
  { path: ["spec", "ports", 0, "port"], value: 65_536, names: "spec.ports.0.port" },
  { path: ["spec", "ports", 0, "port"], value: "80", names: "spec.ports.0.port" },
  { path: ["spec", "ports", 0, "port"], value: 80.5, names: "spec.ports.0.port" },
  { path: ["spec", "ports", 0, "protocol"], value: "tcp", names: "spec.ports.0.protocol" },
  { path: ["spec", "type"], value: "Headless", names: "spec.type" },
);

function setAt(
  target: Record<string, unknown>,
  path: readonly (string | number)[],
  value: unknown,
) {
  let node: Record<string | number, unknown> = target;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

Deno.test("parseManifestFile() property: one field the API server would refuse is refused with its path, the file and the document", () => {
  const broken = fc.oneof(
    fc.tuple(fc.oneof(namespaceDoc, podDoc, serviceDoc), refusal),
    fc.tuple(serviceDoc, serviceRefusal),
  );
  fc.assert(
    fc.property(fc.array(validDoc, { maxLength: 3 }), broken, (before, [target, field]) => {
      const doc = structuredClone(target.doc) as Record<string, unknown>;
      setAt(doc, field.path, field.value);
      const text = [...before.map((d) => d.doc), doc].map((d) => stringify(d)).join("---\n");
      assert.throws(() => parseManifestFile(text, "shop.yaml"), (error) => {
        assert.ok(error instanceof TypeError, String(error));
        const where = `Cannot parse manifest file "shop.yaml": document ${before.length + 1}`;
        assert.ok(error.message.startsWith(where), error.message);
        assert.ok(error.message.includes(field.names), `${error.message} names ${field.names}`);
        return true;
      });
    }),
    fuzzParameters({ runs: 300, cost: 3 }),
  );
});

/** Pieces of YAML that parsers trip on: anchors and aliases, tags, directives, deep nesting. */
const yamlPiece = fc.oneof(
  fc.constantFrom(
    "---",
    "...",
    "%YAML 1.2",
    "%TAG ! tag:example.com,2000:",
    "apiVersion: v1",
    "kind: Service",
    "kind: Namespace",
    "metadata: {name: shop}",
    "metadata:\n  name: cart\n  annotations:\n    polarismesh.cn/weight: 50",
    "a: &anchor {b: c}",
    "d: *anchor",
    "e: *missing",
    "f: !!binary aGVsbG8=",
    "g: !!js/function 'function () {}'",
    "h: !custom x",
    "? [complex, key]\n: value",
    "<<: *anchor",
    "- a\n- b",
    "items: [",
    "\t- tab",
    "\uFEFFapiVersion: v1",
    "x: 1\nx: 2",
    "'unterminated",
  ),
  fc.integer({ min: 1, max: 400 }).map((n) => "[".repeat(n)),
  fc.integer({ min: 2, max: 9 }).map((n) => {
    // An alias bomb: n levels of nine aliases to the level below.
    const lines = ['l0: &l0 ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < n; i++) {
      lines.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(",")}]`);
    }
    return lines.join("\n");
  }),
  fc.string({ maxLength: 30 }),
  adversarialText.filter((s) => s.length < 5_000),
);

Deno.test("parseManifestFile() property: any text gives objects, or a SyntaxError or TypeError naming the file and the document", () => {
  fc.assert(
    fc.property(
      fc.array(yamlPiece, { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join("\n")),
      fc.oneof(fc.constant("a.yaml"), fc.string({ maxLength: 20 })),
      (text, fileName) => {
        let file;
        try {
          file = parseManifestFile(text, fileName);
        } catch (error) {
          assert.ok(
            error instanceof SyntaxError || error instanceof TypeError,
            `${JSON.stringify(text.slice(0, 200))} threw ${String(error)}`,
          );
          assert.match(
            error.message,
            /^Cannot parse manifest file ".*": document \d+/s,
            JSON.stringify(text.slice(0, 200)),
          );
          assert.ok(error.message.includes(`"${fileName}"`));
          return;
        }
        for (const list of [file.namespaces, file.services, file.pods, file.endpoints]) {
          assert.ok(Array.isArray(list));
        }
      },
    ),
    fuzzParameters({ runs: 300, cost: 5 }),
  );
});
