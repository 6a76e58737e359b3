import fc from "fast-check";
import assert from "node:assert/strict";
import { desiredInstances } from "./desired_instances.ts";
import {
  digestedEntries,
  fnv1a64,
  HIDDEN_DIGEST_KEY,
  hiddenMetadataDigest,
} from "./hidden_metadata.ts";
import { planService } from "./plan.ts";
import { type DesiredInstance, HIDDEN_METADATA_KEYS, type RegisteredInstance } from "./polaris.ts";

const owner = { clusterNames: ["cluster-a"], source: "polaris-controller" };

/** The instances one Pod `cart-a` at 10.0.0.1:8080 gives, with these labels. */
function desiredWith(labels: Readonly<Record<string, string>>): DesiredInstance[] {
  return [
    ...desiredInstances({
      clusterName: "cluster-a",
      source: "polaris-controller",
      service: { namespace: "shop", name: "cart", type: "ClusterIP", annotations: {} },
      groups: [{
        addresses: [{ address: "10.0.0.1", ready: true, terminating: false, podName: "cart-a" }],
        ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      }],
      podLabels: () => labels,
      podLabelPolicy: { kind: "all" },
    }).instances,
  ];
}

/** What the console list shows of a written instance: the hidden keys stripped (reference §3). */
function listedAfterWrite(d: DesiredInstance): RegisteredInstance {
  const metadata = Object.fromEntries(
    Object.entries(d.metadata).filter(([key]) => !HIDDEN_METADATA_KEYS.has(key)),
  );
  return { ...d, id: `${d.host}:${d.port}`, enableHealthCheck: false, vpcId: "", metadata };
}

for (const key of ["zone", "region", "campus"]) {
  Deno.test(`planService() updates an instance whose only change is the hidden Pod label "${key}"`, () => {
    const written = desiredWith({ app: "cart", [key]: "one" }).map(listedAfterWrite);
    const plan = planService({
      desired: desiredWith({ app: "cart", [key]: "two" }),
      registered: written,
      owner,
      deletesAllowed: true,
    });
    assert.deepStrictEqual(plan.updates.map((u) => u.changed), [["metadata"]]);
    assert.deepStrictEqual(plan.updates[0].desired.metadata[key], "two");
  });
}

Deno.test("planService() updates an instance whose Pod label version, too long for the field, changed", () => {
  const written = desiredWith({ app: "cart", version: "a".repeat(33) }).map(listedAfterWrite);
  const plan = planService({
    desired: desiredWith({ app: "cart", version: "b".repeat(33) }),
    registered: written,
    owner,
    deletesAllowed: true,
  });
  assert.deepStrictEqual(plan.updates.map((u) => u.changed), [["metadata"]]);
});

Deno.test("planService() ignores a Pod label protocol: the server shows the protocol field instead", () => {
  const plan = planService({
    desired: desiredWith({ app: "cart", protocol: "two" }),
    registered: desiredWith({ app: "cart", protocol: "one" }).map(listedAfterWrite),
    owner,
    deletesAllowed: true,
  });
  assert.deepStrictEqual(plan.updates, []);
});

Deno.test("planService() plans nothing for hidden Pod labels it wrote before", () => {
  const labels = { app: "cart", zone: "z1", region: "r1", campus: "c1", version: "v1" };
  const plan = planService({
    desired: desiredWith(labels),
    registered: desiredWith(labels).map(listedAfterWrite),
    owner,
    deletesAllowed: true,
  });
  assert.deepStrictEqual(plan.updates, []);
  assert.deepStrictEqual(plan.creates, []);
});

Deno.test("planService() updates an instance whose hidden Pod label was removed", () => {
  const plan = planService({
    desired: desiredWith({ app: "cart" }),
    registered: desiredWith({ app: "cart", zone: "z1" }).map(listedAfterWrite),
    owner,
    deletesAllowed: true,
  });
  assert.deepStrictEqual(plan.updates.map((u) => u.changed), [["metadata"]]);
  assert.ok(!("zone" in plan.updates[0].desired.metadata));
});

Deno.test("desiredInstances() adds no digest when the only hidden label is the instance's version", () => {
  const [instance] = desiredWith({ app: "cart", version: "v1" });
  assert.deepStrictEqual(instance.version, "v1");
  assert.ok(!(HIDDEN_DIGEST_KEY in instance.metadata));
});

// ---------------------------------------------------------------------------------------------
// The digest itself.

const fields = { version: "v1", protocol: "http/TCP" };

Deno.test("hiddenMetadataDigest() covers the hidden keys only, whatever their order", () => {
  const digest = hiddenMetadataDigest({ app: "cart", zone: "z1", region: "r1" }, fields);
  assert.match(digest ?? "", /^[0-9a-f]{16}$/);
  assert.deepStrictEqual(
    hiddenMetadataDigest({ region: "r1", zone: "z1", team: "x" }, fields),
    digest,
  );
  assert.notDeepStrictEqual(hiddenMetadataDigest({ region: "r1", zone: "z2" }, fields), digest);
  assert.deepStrictEqual(hiddenMetadataDigest({ app: "cart", team: "x" }, fields), undefined);
});

Deno.test("digestedEntries() leaves out version and protocol while their fields are set", () => {
  assert.deepStrictEqual(digestedEntries({ version: "v2", protocol: "grpc" }, fields), []);
  assert.deepStrictEqual(
    digestedEntries({ version: "v2", protocol: "grpc" }, { version: "", protocol: "" }),
    [["protocol", "grpc"], ["version", "v2"]],
  );
  assert.deepStrictEqual(digestedEntries({ campus: "c", zone: "z" }, fields), [
    ["campus", "c"],
    ["zone", "z"],
  ]);
});

/** FNV-1a 64 over the UTF-16 code units, low byte first, written with BigInt as a reference. */
function fnv1a64Reference(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    for (const byte of [unit & 0xff, unit >> 8]) {
      hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
    }
  }
  return hash.toString(16).padStart(16, "0");
}

Deno.test("fnv1a64() is FNV-1a 64: the offset basis for no input, and the BigInt reference", () => {
  assert.deepStrictEqual(fnv1a64(""), "cbf29ce484222325");
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
      assert.deepStrictEqual(fnv1a64(text), fnv1a64Reference(text));
    }),
    { numRuns: 200 },
  );
});
