import assert from "node:assert/strict";
import { matchesLabels, parseLabelSelector } from "./label_selector.ts";

const LABELS = { app: "web", env: "prod", "example.com/team": "payments", empty: "" };

Deno.test("matchesLabels() scenario table, as kubectl -l reads each selector", () => {
  const cases: Array<[string, boolean]> = [
    ["", true],
    ["app=web", true],
    ["app==web", true],
    ["app = web", true],
    ["app=db", false],
    ["app!=db", true],
    ["app!=web", false],
    ["missing!=x", true],
    ["app", true],
    ["missing", false],
    ["!missing", true],
    ["!app", false],
    ["env in (prod, staging)", true],
    ["env in (staging)", false],
    ["missing in (a)", false],
    ["env notin (staging)", true],
    ["env notin (prod)", false],
    ["missing notin (a)", true],
    ["example.com/team=payments", true],
    ["empty=", true],
    ["app=web,env=prod", true],
    ["app=web,env=dev", false],
    ["app=web, env in (prod,dev), !legacy", true],
  ];
  for (const [text, want] of cases) {
    const parsed = parseLabelSelector(text);
    assert.ok("selector" in parsed, `${text}: ${"error" in parsed ? parsed.error : ""}`);
    assert.equal(matchesLabels(parsed.selector, LABELS), want, text);
  }
});

Deno.test("parseLabelSelector() names what is wrong", () => {
  const cases: Array<[string, RegExp]> = [
    ["app=web,", /an empty requirement/],
    ["env in (a", /unbalanced parentheses/],
    ["env in a)", /unbalanced parentheses/],
    ["-app=web", /"-app" is not a label key/],
    ["app=we b", /is not a requirement/],
    ["app=-web", /"-web" is not a label value/],
    ["Bad_Prefix/app=web", /invalid prefix/],
    ["env in (a,-b)", /"-b" is not a label value/],
    [`${"a".repeat(64)}=x`, /is not a label key/],
  ];
  for (const [text, message] of cases) {
    const parsed = parseLabelSelector(text);
    assert.ok("error" in parsed, `${text} must be refused`);
    assert.match(parsed.error, message, text);
  }
});
