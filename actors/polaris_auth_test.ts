import assert from "node:assert/strict";
import type { PolarisRequestReport } from "../adapters/polaris/mod.ts";
import { authFailureMessage, PolarisAuthWatch } from "./polaris_auth.ts";

function answer(code: number | undefined): PolarisRequestReport {
  return {
    method: "GET",
    path: "/naming/v1/instances",
    code,
    status: 200,
    durationMs: 1,
    attempt: 1,
  };
}

Deno.test("PolarisAuthWatch logs one error per episode of 401001 and one line when it ends", () => {
  const lines: string[] = [];
  const watch = new PolarisAuthWatch({
    tokenGiven: false,
    log: (level, message) => lines.push(`${level} ${message}`),
  });
  watch.observe(answer(200000));
  assert.equal(watch.failure, null);
  watch.observe(answer(401001));
  watch.observe(answer(401001));
  watch.observe(answer(undefined)); // no answer: says nothing about the token
  watch.observe(answer(500000));
  assert.equal(watch.failure, authFailureMessage(false));
  watch.observe(answer(200000));
  assert.equal(watch.failure, null);
  watch.observe(answer(401001));
  assert.deepEqual(lines, [
    `error ${authFailureMessage(false)}`,
    "info Polaris accepts the access token again",
    `error ${authFailureMessage(false)}`,
  ]);
});

Deno.test("authFailureMessage() names POLARIS_TOKEN and accessToken, missing or wrong", () => {
  for (const given of [false, true]) {
    const message = authFailureMessage(given);
    assert.match(message, /401001/);
    assert.match(message, /POLARIS_TOKEN/);
    assert.match(message, /accessToken/);
    assert.match(message, given ? /wrong/ : /missing/);
  }
});
