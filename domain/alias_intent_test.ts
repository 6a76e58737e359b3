import assert from "node:assert/strict";
import { aliasIntent } from "./alias_intent.ts";

const SERVICE = "polarismesh.cn/aliasService";
const NAMESPACE = "polarismesh.cn/aliasNamespace";

interface Row {
  readonly name: string;
  readonly annotations: Record<string, string>;
  /** The intent, or for an invalid one a substring its message must hold. */
  readonly expect:
    | { readonly kind: "none" }
    | { readonly kind: "alias"; readonly aliasNamespace: string; readonly alias: string }
    | { readonly kind: "invalid"; readonly mentions: string };
}

const table: readonly Row[] = [
  { name: "neither annotation", annotations: {}, expect: { kind: "none" } },
  {
    name: "neither, other annotations present",
    annotations: { "polarismesh.cn/sync": "true" },
    expect: { kind: "none" },
  },
  {
    name: "both",
    annotations: { [SERVICE]: "basket", [NAMESPACE]: "shared" },
    expect: { kind: "alias", aliasNamespace: "shared", alias: "basket" },
  },
  {
    name: "both, names with the characters Polaris allows (. / : _ -)",
    annotations: { [SERVICE]: "a/b.c:d_e-F", [NAMESPACE]: "Shared.ns_1" },
    expect: { kind: "alias", aliasNamespace: "Shared.ns_1", alias: "a/b.c:d_e-F" },
  },
  {
    name: "only aliasService",
    annotations: { [SERVICE]: "basket" },
    expect: { kind: "invalid", mentions: NAMESPACE },
  },
  {
    name: "only aliasNamespace",
    annotations: { [NAMESPACE]: "shared" },
    expect: { kind: "invalid", mentions: SERVICE },
  },
  {
    name: "empty aliasService",
    annotations: { [SERVICE]: "", [NAMESPACE]: "shared" },
    expect: { kind: "invalid", mentions: '""' },
  },
  {
    name: "empty aliasNamespace",
    annotations: { [SERVICE]: "basket", [NAMESPACE]: "" },
    expect: { kind: "invalid", mentions: '""' },
  },
  // Found by domain/annotations_fuzz_test.ts (shrunk to these values): the message named the value
  // and the rule but not the annotation, so an Event alone did not say which one to fix.
  {
    name: "an empty aliasService is reported by its annotation's name",
    annotations: { [SERVICE]: "", [NAMESPACE]: "0" },
    expect: { kind: "invalid", mentions: `${SERVICE} is invalid` },
  },
  {
    name: "a bad aliasNamespace is reported by its annotation's name",
    annotations: { [SERVICE]: "basket", [NAMESPACE]: "shared#1" },
    expect: { kind: "invalid", mentions: `${NAMESPACE} is invalid` },
  },
  {
    name: "alias name with a space",
    annotations: { [SERVICE]: "my basket", [NAMESPACE]: "shared" },
    expect: { kind: "invalid", mentions: '"my basket"' },
  },
  {
    name: "alias namespace with #",
    annotations: { [SERVICE]: "basket", [NAMESPACE]: "shared#1" },
    expect: { kind: "invalid", mentions: '"shared#1"' },
  },
  {
    name: "alias name with non-ASCII letters",
    annotations: { [SERVICE]: "购物车", [NAMESPACE]: "shared" },
    expect: { kind: "invalid", mentions: "购物车" },
  },
  {
    name: "alias name of 128 characters",
    annotations: { [SERVICE]: "a".repeat(128), [NAMESPACE]: "shared" },
    expect: { kind: "alias", aliasNamespace: "shared", alias: "a".repeat(128) },
  },
  {
    name: "alias name of 129 characters",
    annotations: { [SERVICE]: "a".repeat(129), [NAMESPACE]: "shared" },
    expect: { kind: "invalid", mentions: "128" },
  },
  {
    name: "alias namespace of 64 characters",
    annotations: { [SERVICE]: "basket", [NAMESPACE]: "n".repeat(64) },
    expect: { kind: "alias", aliasNamespace: "n".repeat(64), alias: "basket" },
  },
  {
    name: "alias namespace of 65 characters",
    annotations: { [SERVICE]: "basket", [NAMESPACE]: "n".repeat(65) },
    expect: { kind: "invalid", mentions: "64" },
  },
];

for (const row of table) {
  Deno.test(`aliasIntent() table: ${row.name}`, () => {
    const intent = aliasIntent(row.annotations);
    if (row.expect.kind !== "invalid") {
      assert.deepStrictEqual(intent, row.expect);
      return;
    }
    assert.deepStrictEqual(intent.kind, "invalid");
    if (intent.kind !== "invalid") return;
    assert.ok(
      intent.message.includes(row.expect.mentions),
      `${JSON.stringify(intent.message)} should mention ${row.expect.mentions}`,
    );
  });
}

Deno.test("aliasIntent() scenario table: polarismesh.cn/aliasNamespace on the Namespace applies to every Service", () => {
  const onNamespace = { [NAMESPACE]: "shared", [SERVICE]: "ignored-on-a-namespace" };
  const rows: Array<[string, Record<string, string>, string]> = [
    ["nothing on the Service: the Service's name in the Namespace's", {}, "alias shared/cart"],
    ["its own alias name in the Namespace's", { [SERVICE]: "basket" }, "alias shared/basket"],
    ["its own pair wins", { [SERVICE]: "basket", [NAMESPACE]: "own" }, "alias own/basket"],
    [
      "its own namespace alone is still half a pair",
      { [NAMESPACE]: "own" },
      "invalid: alias annotations must come in pairs: polarismesh.cn/aliasService is missing",
    ],
  ];
  for (const [name, annotations, want] of rows) {
    const intent = aliasIntent(annotations, {
      serviceName: "cart",
      namespaceAnnotations: onNamespace,
    });
    const got = intent.kind === "alias"
      ? `alias ${intent.aliasNamespace}/${intent.alias}`
      : intent.kind === "invalid"
      ? `invalid: ${intent.message}`
      : "none";
    assert.ok(got.startsWith(want), `${name}: ${got}`);
  }
  // aliasService alone on a Namespace asks for nothing.
  assert.deepStrictEqual(
    aliasIntent({}, { serviceName: "cart", namespaceAnnotations: { [SERVICE]: "x" } }),
    { kind: "none" },
  );
});
