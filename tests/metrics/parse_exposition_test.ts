import assert from "node:assert/strict";
import { findSample, parseExposition } from "./parse_exposition.ts";

Deno.test("parseExposition() reads families, labels, special values and timestamps", () => {
  const families = parseExposition(
    [
      "# A plain comment",
      "# HELP http_requests_total Requests.\\nSecond line.",
      "# TYPE http_requests_total counter",
      'http_requests_total{method="post",code="200",} 1027 1395066363000',
      '  http_requests_total{ method = "get" , code="400"}\t3  ',
      "",
      "# TYPE rpc summary",
      'rpc{quantile="0.5"} 4773',
      "rpc_sum 1.7560473e+07",
      "rpc_count 2693",
      "untyped_metric -Inf",
      "weird NaN",
      "",
    ].join("\n"),
  );
  assert.deepEqual(families.map((f) => [f.name, f.type, f.samples.length]), [
    ["http_requests_total", "counter", 2],
    ["rpc", "summary", 3],
    ["untyped_metric", "untyped", 1],
    ["weird", "untyped", 1],
  ]);
  assert.equal(families[0].help, "Requests.\nSecond line.");
  assert.deepEqual(families[0].samples[0], {
    name: "http_requests_total",
    labels: { method: "post", code: "200" },
    value: 1027,
    timestampMs: 1395066363000,
  });
  assert.equal(
    findSample(families, "http_requests_total", { code: "400", method: "get" })?.value,
    3,
  );
  assert.equal(findSample(families, "rpc_sum")?.value, 17560473);
  assert.equal(findSample(families, "untyped_metric")?.value, -Infinity);
  assert.equal(findSample(families, "http_requests_total", { code: "400" }), undefined);
  assert.deepEqual(parseExposition(""), []);
});

const histogram = (buckets: string, tail = "h_sum 1\nh_count 3\n") =>
  `# TYPE h histogram\n${buckets}${tail}`;

const malformed: { name: string; text: string; expect: RegExp }[] = [
  { name: "no final line feed", text: "a 1", expect: /line 1: no final line feed/ },
  { name: "missing value", text: "a\n", expect: /line 1: expected a space before the value/ },
  { name: "bad value", text: "a one\n", expect: /invalid value "one"/ },
  { name: "extra field", text: "a 1 2 3\n", expect: /unexpected text after the value/ },
  { name: "bad timestamp", text: "a 1 1.5\n", expect: /invalid timestamp "1.5"/ },
  { name: "bad metric name", text: "1a 1\n", expect: /must start with a metric name/ },
  { name: "unquoted label", text: "a{b=c} 1\n", expect: /expected a quoted value for label "b"/ },
  { name: "unterminated label", text: 'a{b="c} 1\n', expect: /unterminated value of label "b"/ },
  { name: "bad escape", text: 'a{b="\\t"} 1\n', expect: /invalid escape "\\t"/ },
  { name: "missing comma", text: 'a{b="1" c="2"} 1\n', expect: /expected "," or "}"/ },
  { name: "repeated label", text: 'a{b="1",b="2"} 1\n', expect: /repeated label "b"/ },
  { name: "repeated series", text: 'a{b="1"} 1\na{b="1"} 2\n', expect: /line 2: repeated series/ },
  { name: "unknown type", text: "# TYPE a countr\n", expect: /unknown metric type "countr"/ },
  { name: "second TYPE", text: "# TYPE a gauge\n# TYPE a gauge\n", expect: /second TYPE/ },
  { name: "second HELP", text: "# HELP a x\n# HELP a y\n", expect: /second HELP/ },
  { name: "TYPE after samples", text: "a 1\n# TYPE a gauge\n", expect: /TYPE for "a" after/ },
  {
    name: "split family",
    text: 'a 1\nb 1\na{x="1"} 2\n',
    expect: /line 3: metric "a" appears again/,
  },
  {
    name: "histogram without +Inf",
    text: histogram('h_bucket{le="1"} 3\n'),
    expect: /histogram "h" has no le="\+Inf" bucket/,
  },
  {
    name: "histogram not cumulative",
    text: histogram('h_bucket{le="1"} 3\nh_bucket{le="2"} 2\nh_bucket{le="+Inf"} 3\n'),
    expect: /not cumulative/,
  },
  {
    name: "histogram buckets out of order",
    text: histogram('h_bucket{le="2"} 1\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 3\n'),
    expect: /out of order/,
  },
  {
    name: "histogram count disagrees",
    text: histogram('h_bucket{le="+Inf"} 2\n'),
    expect: /_count unequal to the \+Inf bucket/,
  },
  {
    name: "histogram without sum",
    text: histogram('h_bucket{le="+Inf"} 3\n', "h_count 3\n"),
    expect: /lacks _sum or _count/,
  },
  { name: "histogram bare sample", text: "# TYPE h histogram\nh 1\n", expect: /without _bucket/ },
];

for (const { name, text, expect } of malformed) {
  Deno.test(`parseExposition() rejects ${name}`, () => {
    assert.throws(() => parseExposition(text), (error: unknown) => {
      assert.ok(error instanceof SyntaxError);
      assert.match(error.message, /^Cannot parse metrics line \d+: /);
      assert.match(error.message, expect);
      return true;
    });
  });
}

Deno.test("parseExposition() accepts a well-formed histogram", () => {
  const [family] = parseExposition(
    histogram('h_bucket{le="1"} 1\nh_bucket{le="2"} 1\nh_bucket{le="+Inf"} 3\n'),
  );
  assert.equal(family.type, "histogram");
  assert.equal(family.samples.length, 5);
});
