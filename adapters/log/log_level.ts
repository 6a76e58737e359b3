/**
 * Log levels of the controller's structured logger, in increasing severity.
 *
 * @module
 */

/** Every log level, least severe first; a logger writes its own level and every later one. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** How severe a log line is; `--log-level` picks the least severe level written. */
export type LogLevel = typeof LOG_LEVELS[number];

/**
 * The structured log function a component takes in its options (level, message, fields), so it
 * logs without depending on the logger: the one declaration of that shape.
 */
export type LogFn = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/**
 * Returns true when `value` names a log level. Config parsing uses it so that a typo in
 * `--log-level` stops start-up instead of silently logging at another level.
 */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * Returns the rank of a level (debug 0 … error 3), so that levels compare as numbers.
 */
export function logLevelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}
