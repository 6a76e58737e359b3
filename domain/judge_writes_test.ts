import assert from "node:assert/strict";
import {
  describeFailures,
  failedAnswers,
  isVanished,
  type ItemAnswer,
  judgeAliasDeletes,
  judgeAliasWrite,
  judgeInstanceWrites,
  missingResource,
} from "./judge_writes.ts";

const ok: ItemAnswer = { ok: true, code: 200000 };
const busy: ItemAnswer = { ok: false, code: 500000, retryable: true, message: "boom" };
const lost: ItemAnswer = { ok: false, code: undefined, retryable: true, message: "timeout" };
const bad: ItemAnswer = { ok: false, code: 400150, retryable: false, message: "metadata" };
const gone: ItemAnswer = { ok: false, code: 400304, retryable: false, message: "not found" };
const taken: ItemAnswer = { ok: false, code: 400201, retryable: false, message: "existed" };
const noService: ItemAnswer = { ok: false, code: 400301, retryable: false, message: "no service" };
const noNamespace: ItemAnswer = {
  ok: false,
  code: 400305,
  retryable: false,
  message: "no namespace",
};

Deno.test("judgeInstanceWrites() gathers every failure and picks the retryable ones", () => {
  const verdict = judgeInstanceWrites([ok, busy], [bad], [], [lost]);
  assert.deepStrictEqual(verdict.failed, [busy, bad, lost]);
  assert.deepStrictEqual(verdict.retryable, [busy, lost]);
  assert.deepStrictEqual(verdict.missing, []);
  assert.deepStrictEqual(judgeInstanceWrites([ok], [ok]), {
    failed: [],
    retryable: [],
    missing: [],
  });
});

Deno.test("judgeInstanceWrites(): a missing service or namespace is named and retried", () => {
  const verdict = judgeInstanceWrites([noService, noService, ok], [bad], [noNamespace]);
  assert.deepStrictEqual(verdict.failed, [noService, noService, bad, noNamespace]);
  assert.deepStrictEqual(verdict.retryable, [noService, noService, noNamespace]);
  assert.deepStrictEqual(verdict.missing, ["namespace", "service"]);
  assert.deepStrictEqual(judgeInstanceWrites([noService]).missing, ["service"]);
});

Deno.test("missingResource() reads 400305 as the namespace, 400301 as the service", () => {
  assert.deepStrictEqual(missingResource(noNamespace), "namespace");
  assert.deepStrictEqual(missingResource(noService), "service");
  for (const answer of [ok, busy, lost, bad, gone, taken]) {
    assert.deepStrictEqual(missingResource(answer), undefined);
  }
});

Deno.test("judgeInstanceWrites() retries an update answered 400303: the listed instance is gone", () => {
  const vanished: ItemAnswer = { ok: false, code: 400303, retryable: false, message: "not found" };
  assert.deepStrictEqual(judgeInstanceWrites([], [vanished]).retryable, [vanished]);
  assert.ok(isVanished(vanished));
  assert.ok(!isVanished(bad));
});

Deno.test("judgeAliasDeletes(): an alias already gone (400304) is done", () => {
  assert.deepStrictEqual(judgeAliasDeletes([ok, gone, busy]), [busy]);
});

const ALIAS_ROWS: readonly [string, ItemAnswer, ReturnType<typeof judgeAliasWrite>][] = [
  ["success", ok, "written"],
  ["400201, the name is held", taken, "taken"],
  ["5xx", busy, "retry"],
  ["no answer", lost, "retry"],
  ["another 4xx", bad, "refused"],
  ["400301, the service it points to is missing", noService, "retry"],
];
for (const [name, answer, verdict] of ALIAS_ROWS) {
  Deno.test(`judgeAliasWrite(): ${name} → ${verdict}`, () => {
    assert.deepStrictEqual(judgeAliasWrite(answer), verdict);
  });
}

Deno.test("describeFailures() names the count, the first code and its message", () => {
  assert.deepStrictEqual(
    describeFailures("write instances", "shop/cart", failedAnswers([bad, busy])),
    'Cannot write instances for "shop/cart": 2 item(s) failed (Polaris answered 400150: metadata)',
  );
  assert.deepStrictEqual(
    describeFailures("write instances", "shop/cart", failedAnswers([lost])),
    'Cannot write instances for "shop/cart": 1 item(s) failed (no answer: timeout)',
  );
});
