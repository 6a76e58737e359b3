import assert from "node:assert/strict";
import { clusterDisagreements, type ServiceCopy } from "./cluster_disagreements.ts";

const ALIAS = {
  "polarismesh.cn/aliasNamespace": "shared",
  "polarismesh.cn/aliasService": "cart-alias",
};

function copy(clusterName: string, annotations: Record<string, string> = {}): ServiceCopy {
  return { clusterName, annotations };
}

interface Row {
  readonly name: string;
  readonly copies: readonly ServiceCopy[];
  /** The messages expected, each as fragments it must contain; none when the clusters agree. */
  readonly expect: readonly (readonly string[])[];
}

const table: readonly Row[] = [
  { name: "one cluster: nothing to compare", copies: [copy("a", ALIAS)], expect: [] },
  { name: "no copy", copies: [], expect: [] },
  {
    name: "identical copies agree",
    copies: [
      copy("a", { ...ALIAS, "polarismesh.cn/weight": "50" }),
      copy("b", { ...ALIAS, "polarismesh.cn/weight": "50" }),
    ],
    expect: [],
  },
  {
    name: "an alias only on cluster-b: cluster-a's (none) applies",
    copies: [copy("a"), copy("b", ALIAS)],
    expect: [[
      "clusters disagree on the alias",
      'a (absent), b "shared/cart-alias"',
      'the alias of "a" applies',
    ]],
  },
  {
    name: "two different aliases",
    copies: [copy("a", ALIAS), copy("b", { ...ALIAS, "polarismesh.cn/aliasService": "other" })],
    expect: [['a "shared/cart-alias", b "shared/other"', 'the alias of "a" applies']],
  },
  {
    name: "a weight on one cluster only",
    copies: [copy("a"), copy("b", { "polarismesh.cn/weight": "500" })],
    expect: [[
      "clusters disagree on polarismesh.cn/weight",
      'a (absent), b "500"',
      "each cluster's instances carry their own cluster's weight",
    ]],
  },
  {
    name: 'an absent weight and "100" agree',
    copies: [copy("a"), copy("b", { "polarismesh.cn/weight": "100" })],
    expect: [],
  },
  {
    name: "weights written differently but equal agree",
    copies: [
      copy("a", { "polarismesh.cn/weight": "050" }),
      copy("b", { "polarismesh.cn/weight": "50" }),
    ],
    expect: [],
  },
  {
    name: "metadata that differs",
    copies: [copy("a", { "polarismesh.cn/metadata": '{"team":"a"}' }), copy("b")],
    expect: [[
      'clusters disagree on polarismesh.cn/metadata: a "{\\"team\\":\\"a\\"}", b (absent)',
    ]],
  },
  {
    name: "the same metadata in another key order and spacing agrees",
    copies: [
      copy("a", { "polarismesh.cn/metadata": '{"team":"a","tier":"gold"}' }),
      copy("b", { "polarismesh.cn/metadata": '{ "tier": "gold", "team": "a" }' }),
    ],
    expect: [],
  },
  {
    name: "three clusters, two annotations: one problem each, every cluster named in order",
    copies: [
      copy("a", { "polarismesh.cn/weight": "1" }),
      copy("b", { ...ALIAS, "polarismesh.cn/weight": "1" }),
      copy("c", { "polarismesh.cn/weight": "2" }),
    ],
    expect: [
      ['a (absent), b "shared/cart-alias", c (absent)'],
      ['a "1", b "1", c "2"'],
    ],
  },
];

for (const row of table) {
  Deno.test(`clusterDisagreements() table: ${row.name}`, () => {
    const problems = clusterDisagreements(row.copies);
    assert.deepStrictEqual(problems.length, row.expect.length, JSON.stringify(problems));
    for (const [i, fragments] of row.expect.entries()) {
      assert.deepStrictEqual([problems[i].code, problems[i].fatal], ["clusters-disagree", false]);
      for (const fragment of fragments) {
        assert.ok(problems[i].message.includes(fragment), `${problems[i].message} has ${fragment}`);
      }
    }
  });
}
