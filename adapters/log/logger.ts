/**
 * The controller's structured logger: JSON lines for log collectors, readable text for a
 * terminal (SPEC §6), with child loggers that carry context such as `service: "ns/name"`.
 *
 * @module
 */

import { type LogLevel, logLevelRank } from "./log_level.ts";
import { errorChainText, type LogValue, toLogValue } from "./log_value.ts";
import { NO_SECRETS, type Redactor, redactStrings } from "./secret_redactor.ts";

/** Shape of a log line: one JSON object per line, or `time LEVEL message key=value…`. */
export type LogFormat = "json" | "text";

/** Context or event fields attached to a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A structured logger; every method writes at most one line. */
export interface Logger {
  /** The least severe level this logger writes. */
  readonly level: LogLevel;
  /** Returns true when a line at `level` would be written (to skip building costly fields). */
  enabled(level: LogLevel): boolean;
  /** Writes a line for developers, hidden unless the level is `debug`. */
  debug(message: string, fields?: LogFields): void;
  /** Writes a line about normal progress. */
  info(message: string, fields?: LogFields): void;
  /** Writes a line about something that was handled but deserves attention. */
  warn(message: string, fields?: LogFields): void;
  /** Writes a line about a failure. */
  error(message: string, fields?: LogFields): void;
  /** Returns a logger that adds `fields` to every line (a later field of the same name wins). */
  child(fields: LogFields): Logger;
}

/** Options of {@linkcode createLogger}. */
export interface LoggerOptions {
  /** The least severe level written. */
  readonly level: LogLevel;
  /** `json` in a container, `text` on a terminal; `main.ts` decides with `isTerminal()`. */
  readonly format: LogFormat;
  /** Receives each finished line, without its newline; `console.log` by default. */
  readonly write?: (line: string) => void;
  /** The clock stamped on each line; injected by tests. */
  readonly now?: () => Date;
  /**
   * Applied to every string of every line, messages, fields and error chains alike: `main.ts`
   * passes the redactor of the Polaris token, so no line can show it. None by default.
   */
  readonly redact?: Redactor;
}

/** Keys every line owns; a field with one of these names is written as `field.<name>`. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(["time", "level", "msg"]);

/**
 * Returns a structured logger writing lines at `options.level` and above. Field values are
 * converted with `toLogValue`, so an error in a field keeps its message and its `cause` chain,
 * and a field can never make logging throw.
 *
 * @example
 * ```ts
 * import { createLogger } from "./logger.ts";
 * const lines: string[] = [];
 * const log = createLogger({
 *   level: "info",
 *   format: "json",
 *   write: (line) => lines.push(line),
 *   now: () => new Date(0),
 * });
 * log.child({ service: "default/web" }).info("Synced", { instances: 3 });
 * const expected =
 *   '{"time":"1970-01-01T00:00:00.000Z","level":"info","msg":"Synced","service":"default/web","instances":3}';
 * if (lines[0] !== expected) throw new Error(lines[0]);
 * ```
 */
export function createLogger(options: LoggerOptions): Logger {
  const sink: Sink = {
    rank: logLevelRank(options.level),
    level: options.level,
    format: options.format,
    write: options.write ?? ((line) => console.log(line)),
    now: options.now ?? (() => new Date()),
    redact: options.redact ?? NO_SECRETS,
  };
  return new StructuredLogger(sink, {});
}

interface Sink {
  readonly rank: number;
  readonly level: LogLevel;
  readonly format: LogFormat;
  readonly write: (line: string) => void;
  readonly now: () => Date;
  readonly redact: Redactor;
}

class StructuredLogger implements Logger {
  readonly #sink: Sink;
  readonly #context: LogFields;

  constructor(sink: Sink, context: LogFields) {
    this.#sink = sink;
    this.#context = context;
  }

  get level(): LogLevel {
    return this.#sink.level;
  }

  enabled(level: LogLevel): boolean {
    return logLevelRank(level) >= this.#sink.rank;
  }

  debug(message: string, fields?: LogFields): void {
    this.#log("debug", message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.#log("info", message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.#log("warn", message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.#log("error", message, fields);
  }

  child(fields: LogFields): Logger {
    return new StructuredLogger(this.#sink, { ...this.#context, ...fields });
  }

  #log(level: LogLevel, message: string, fields: LogFields | undefined): void {
    if (!this.enabled(level)) return;
    const merged: Record<string, unknown> = { ...this.#context, ...fields };
    const time = this.#sink.now().toISOString();
    const { redact } = this.#sink;
    // JSON lines are redacted value by value, so a secret can never take JSON syntax with it.
    const line = this.#sink.format === "json"
      ? JSON.stringify(redactStrings(jsonRecord(time, level, message, merged), redact))
      : redact(textLine(time, level, message, merged));
    this.#sink.write(line);
  }
}

function fieldName(key: string): string {
  return RESERVED_KEYS.has(key) ? `field.${key}` : key;
}

function jsonRecord(
  time: string,
  level: LogLevel,
  message: string,
  fields: Readonly<Record<string, unknown>>,
): Record<string, LogValue> {
  const record: Record<string, LogValue> = { time, level, msg: message };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) record[fieldName(key)] = toLogValue(value);
  }
  return record;
}

function textLine(
  time: string,
  level: LogLevel,
  message: string,
  fields: Readonly<Record<string, unknown>>,
): string {
  let line = `${time} ${level.toUpperCase().padEnd(5)} ${message}`;
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) line += ` ${fieldName(key)}=${textValue(value)}`;
  }
  return line;
}

function textValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(errorChainText(value));
  const plain = toLogValue(value);
  if (typeof plain === "string") {
    return /^[^\s"=\\]+$/.test(plain) ? plain : JSON.stringify(plain);
  }
  return JSON.stringify(plain);
}
