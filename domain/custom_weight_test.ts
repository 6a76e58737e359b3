import assert from "node:assert/strict";
import { parseCustomWeight, podIndex } from "./custom_weight.ts";

Deno.test("podIndex() is the suffix after the last '-' for a StatefulSet kind only", () => {
  const cases: Array<[string | undefined, string | undefined, string]> = [
    ["web-2", "StatefulSet", "2"],
    ["web-2", "statefulset", "2"],
    ["my-web-11", "statefulsetplus", "11"],
    ["web-2", "StatefulSetPlus", "2"],
    ["web-2", "Deployment", ""],
    ["web-2", undefined, ""],
    ["web", "StatefulSet", ""],
    [undefined, "StatefulSet", ""],
  ];
  for (const [pod, kind, want] of cases) assert.equal(podIndex(pod, kind), want, `${pod} ${kind}`);
});

Deno.test("parseCustomWeight() weighs by index and target port; a key without an index is every Pod's", () => {
  const parsed = parseCustomWeight('{"0-8080": 0, "1-8080": 7, "-9090": 30}', "StatefulSet");
  assert.ok("weightOf" in parsed);
  assert.equal(parsed.weightOf("web-0", 8080), 0);
  assert.equal(parsed.weightOf("web-1", 8080), 7);
  assert.equal(parsed.weightOf("web-2", 8080), undefined);
  // With a StatefulSet kind every Pod has an index, so "-9090" matches none of them.
  assert.equal(parsed.weightOf("web-0", 9090), undefined);
  const plain = parseCustomWeight('{"0-8080": 0, "-9090": 30}', undefined);
  assert.ok("weightOf" in plain);
  assert.equal(plain.weightOf("web-0", 9090), 30);
  assert.equal(plain.weightOf("web-0", 8080), undefined, "no index without a StatefulSet kind");
  const none = parseCustomWeight(undefined, "StatefulSet");
  assert.ok("weightOf" in none);
  assert.equal(none.weightOf("web-0", 8080), undefined);
});

Deno.test("parseCustomWeight() holds the Service on bad JSON, keys or weights, and says which", () => {
  const cases: Array<[string, RegExp]> = [
    ["{oops", /is not valid JSON/],
    ["[1]", /must be a JSON object/],
    ['"50"', /must be a JSON object/],
    ['{"web-0": 5}', /has the key "web-0"/],
    ['{"8080": 5}', /has the key "8080"/],
    ['{"0-8080": "5"}', /gives "0-8080" "5"/],
    ['{"0-8080": 1.5}', /gives "0-8080" 1\.5/],
    ['{"0-8080": 70000}', /integers in 0\.\.65535/],
    ['{"0-8080": -1}', /gives "0-8080" -1/],
  ];
  for (const [raw, message] of cases) {
    const parsed = parseCustomWeight(raw, "StatefulSet");
    assert.ok("problem" in parsed, raw);
    assert.equal(parsed.problem.fatal, true);
    assert.equal(parsed.problem.code, "invalid-custom-weight");
    assert.match(parsed.problem.message, message, raw);
    assert.match(parsed.problem.message, /the Service is held/);
  }
});
