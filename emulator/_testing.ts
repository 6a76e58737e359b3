/**
 * Test helpers for the emulator's HTTP tests: start, call, always stop.
 *
 * @module
 */

import { type PolarisEmulator, type PolarisEmulatorOptions, startPolarisEmulator } from "./mod.ts";
import type { Json, JsonObject } from "./render.ts";

/** A decoded emulator answer. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  /** The JSON body, `null` when the body is not JSON. */
  readonly body: Json;
  readonly text: string;
}

/** Runs `fn` against a fresh emulator on 127.0.0.1:0 and stops it afterwards. */
export async function withEmulator(
  options: PolarisEmulatorOptions,
  fn: (emulator: PolarisEmulator) => Promise<void> | void,
): Promise<void> {
  const emulator = await startPolarisEmulator({ port: 0, ...options });
  try {
    await fn(emulator);
  } finally {
    await emulator.stop();
  }
}

/** Sends a request with a JSON body (when given) and decodes the answer. */
export async function call(
  emulator: PolarisEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers = { "content-type": "application/json", ...headers };
  }
  const res = await fetch(`${emulator.url}${path}`, init);
  const text = await res.text();
  let parsed: Json = null;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    // Plain-text answers (404, 405, 415, injected faults) have no JSON body.
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** An instance request item with defaults. */
export function ins(
  host: string,
  port: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { namespace: "default", service: "my-svc", host, port, ...extra };
}

/** Follows a path of keys and indexes into JSON; `undefined` when the path does not exist. */
export function at(
  value: Json | undefined,
  ...path: ReadonlyArray<string | number>
): Json | undefined {
  let current: Json | undefined = value;
  for (const step of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = typeof step === "number"
      ? (current as readonly Json[])[step]
      : (current as JsonObject)[step];
  }
  return current;
}

/** Returns the per-item codes of a batch answer. */
export function itemCodes(answer: Answer): Array<Json | undefined> {
  const responses = at(answer.body, "responses");
  return Array.isArray(responses) ? responses.map((r) => at(r, "code")) : [];
}

/** Returns a list of a query answer (`instances`, `services`, …) as objects. */
export function listed(answer: Answer, key: string): JsonObject[] {
  const list = at(answer.body, key);
  return Array.isArray(list) ? (list as JsonObject[]) : [];
}
