/**
 * Keeps secrets (the Polaris access token) out of everything people see: log lines, `/debug` and
 * `/metrics` answers, Kubernetes Events and the error messages behind them. Each sink passes its
 * text through a {@linkcode Redactor} made from the configuration, so a token that reached a
 * message by any path (a server echoing request headers into its answer, a future field) leaves
 * the process as `***`.
 *
 * @module
 */

/** What a secret is replaced with. */
export const REDACTED = "***";

/** Returns `text` with every secret it knows replaced by {@linkcode REDACTED}. */
export type Redactor = (text: string) => string;

/** The redactor of a process without secrets: returns its text unchanged. */
export const NO_SECRETS: Redactor = (text) => text;

/**
 * Returns a redactor for `secrets` (undefined and empty ones are skipped). Each secret is
 * replaced as written and as JSON escapes it, since a token with `"` or `\` in it shows up
 * escaped in JSON text. A secret is never skipped for being short: a token such as `polaris`
 * turns `polaris-system` into `***-system` in the logs, which is ugly but shows nothing.
 *
 * @example
 * ```ts
 * import { secretRedactor } from "./secret_redactor.ts";
 * const redact = secretRedactor(["s3cr3t-token", undefined]);
 * const text = redact('Polaris answered 401000: token "s3cr3t-token" is invalid');
 * if (text !== 'Polaris answered 401000: token "***" is invalid') throw new Error(text);
 * ```
 */
export function secretRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  if (forms.size === 0) return NO_SECRETS;
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const form of ordered) {
      if (result.includes(form)) result = result.replaceAll(form, REDACTED);
    }
    return result;
  };
}

/**
 * Returns a copy of plain JSON-like data (objects, arrays, strings, numbers) with every string,
 * keys included, passed through `redact`. Other values are kept as they are; a value without a
 * secret in it comes back equal, so a sink can redact whatever it serializes.
 *
 * @example
 * ```ts
 * import { redactStrings, secretRedactor } from "./secret_redactor.ts";
 * const data = redactStrings({ lastError: "token t0k3n-x refused", attempts: 2 }, secretRedactor(["t0k3n-x"]));
 * if (JSON.stringify(data) !== '{"lastError":"token *** refused","attempts":2}') throw new Error();
 * ```
 */
export function redactStrings(value: unknown, redact: Redactor): unknown {
  if (redact === NO_SECRETS) return value;
  return walk(value, redact, new Set());
}

function walk(value: unknown, redact: Redactor, seen: Set<object>): unknown {
  if (typeof value === "string") return redact(value);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, redact, seen));
    // toJSON first (dates, URLs), as JSON.stringify would.
    const plain = typeof (value as { toJSON?: unknown }).toJSON === "function"
      ? (value as { toJSON: () => unknown }).toJSON()
      : value;
    if (plain !== value) return walk(plain, redact, seen);
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[redact(key)] = walk(item, redact, seen);
    return result;
  } finally {
    seen.delete(value);
  }
}
