/**
 * Structured logging for polaris-k8s-sync: JSON lines in a container, readable text on a
 * terminal (SPEC §6).
 *
 * @module
 */

export { isLogLevel, LOG_LEVELS, type LogFn, type LogLevel, logLevelRank } from "./log_level.ts";
export { errorChainText, type LogValue, toLogValue } from "./log_value.ts";
export {
  createLogger,
  type LogFields,
  type LogFormat,
  type Logger,
  type LoggerOptions,
} from "./logger.ts";
export {
  NO_SECRETS,
  REDACTED,
  type Redactor,
  redactStrings,
  secretRedactor,
} from "./secret_redactor.ts";
