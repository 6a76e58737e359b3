import assert from "node:assert/strict";
import { NO_SECRETS, redactStrings, secretRedactor } from "./secret_redactor.ts";

const TOKEN = "pst-7c1e9a04-LEAK";

const rows: ReadonlyArray<{
  name: string;
  secrets: readonly (string | undefined)[];
  text: string;
  expect: string;
}> = [
  {
    name: "keeps a text without a secret",
    secrets: [TOKEN],
    text: "Polaris answered 500",
    expect: "",
  },
  {
    name: "replaces every occurrence",
    secrets: [TOKEN],
    text: `X-Polaris-Token: ${TOKEN}; again ${TOKEN}`,
    expect: "X-Polaris-Token: ***; again ***",
  },
  {
    name: "replaces a token with a quote and a backslash as JSON escapes it",
    secrets: ['a"b\\c-token'],
    text: JSON.stringify({ info: 'token a"b\\c-token refused' }),
    expect: '{"info":"token *** refused"}',
  },
  {
    name: "replaces the longer of two secrets whole when it holds the other",
    secrets: ["abc", "abcdef"],
    text: "abcdef abc",
    expect: "*** ***",
  },
  {
    name: "replaces nothing for undefined and empty secrets",
    secrets: [undefined, ""],
    text: "a b",
    expect: "",
  },
];

for (const row of rows) {
  Deno.test(`secretRedactor() ${row.name}`, () => {
    const redact = secretRedactor(row.secrets);
    assert.equal(redact(row.text), row.expect === "" ? row.text : row.expect);
  });
}

Deno.test("secretRedactor() without secrets is the identity NO_SECRETS", () => {
  assert.equal(secretRedactor([undefined, ""]), NO_SECRETS);
});

Deno.test("redactStrings() redacts strings and keys at any depth and keeps everything else", () => {
  const redact = secretRedactor([TOKEN]);
  const when = new Date(0);
  const data = {
    items: [{ lastError: `refused ${TOKEN}`, attempts: 3, ok: false, none: null }],
    [TOKEN]: "a key",
    when,
  };
  assert.deepEqual(redactStrings(data, redact), {
    items: [{ lastError: "refused ***", attempts: 3, ok: false, none: null }],
    "***": "a key",
    when: "1970-01-01T00:00:00.000Z",
  });
  assert.equal(redactStrings(data, NO_SECRETS), data, "no copy without secrets");
});
