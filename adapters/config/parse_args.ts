/**
 * Reads the command line into typed flags, before any value is validated, with `node:util`'s
 * `parseArgs` and options built from the flag table.
 *
 * @module
 */

import { parseArgs as parseNodeArgs, type ParseArgsOptionsConfig } from "node:util";
import { type CliFlags, type FlagDefinition, FLAGS } from "./flags.ts";

/** The outcome of reading the command line. */
export type ParsedArgs =
  | { readonly kind: "flags"; readonly flags: CliFlags }
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string };

/** One token of `parseArgs({ tokens: true })`: an option, a positional or `--`. */
type Token = NonNullable<ReturnType<typeof parseNodeArgs>["tokens"]>[number];

/** Every flag by its `parseArgs` option name (the name without its dashes). */
const BY_OPTION: ReadonlyMap<string, FlagDefinition> = new Map(
  FLAGS.map((flag) => [flag.name.slice(2), flag]),
);

/** The `parseArgs` options of the flag table: a value flag is a string, the others booleans. */
const OPTIONS: ParseArgsOptionsConfig = Object.fromEntries(
  FLAGS.map((flag) => [
    flag.name.slice(2),
    flag.kind === "value"
      ? { type: "string" }
      : flag.kind === "help"
      ? { type: "boolean", short: flag.short }
      : { type: "boolean" },
  ]),
);

const HELP_SPELLINGS: readonly string[] = FLAGS.flatMap((flag) =>
  flag.kind === "help" ? [flag.name, `-${flag.short}`] : []
);

/**
 * Parses `--flag value`, `--flag=value` and switches (`--once`, also `--once=true|false`).
 * `--help` or `-h` anywhere wins over everything else, so help is shown even beside a typo. An
 * unknown flag, a positional argument or a value flag without its value (or followed by something
 * that looks like a flag: write `--listen=-x` for such a value) is an error naming it. A later
 * occurrence of a flag wins, as with most CLIs. Values are not checked here: that is
 * `loadConfig`'s job, with the same rules as the config file.
 */
export function parseArgs(args: readonly string[]): ParsedArgs {
  if (args.some((arg) => HELP_SPELLINGS.includes(arg))) return { kind: "help" };
  // parseArgs rejects a value given to a boolean, so `--once=false` is handed over as `--once`
  // and its value kept by position, where its token points back.
  const switchValues = new Map<number, boolean>();
  const plain = args.map((arg, index) => {
    const match = /^(--[^=]+)=(true|false)$/.exec(arg);
    if (match === null || BY_OPTION.get(match[1].slice(2))?.kind !== "switch") return arg;
    switchValues.set(index, match[2] === "true");
    return match[1];
  });
  let tokens: readonly Token[];
  try {
    tokens = parseNodeArgs({ args: plain, options: OPTIONS, strict: true, tokens: true }).tokens;
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    return failure(describeFirstProblem(plain, error));
  }
  const flags: Record<string, string | boolean> = Object.fromEntries(
    FLAGS.flatMap((flag) => flag.kind === "switch" ? [[flag.field, false]] : []),
  );
  for (const token of tokens) {
    // Strict mode lets through no unknown flag and no positional, but it does let `--` through.
    const flag = token.kind === "option" ? BY_OPTION.get(token.name) : undefined;
    if (token.kind !== "option" || flag === undefined) return failure(notAFlag(token));
    if (flag.kind === "help") return { kind: "help" };
    flags[flag.field] = flag.kind === "value"
      ? token.value ?? ""
      : switchValues.get(token.index) ?? true;
  }
  // Every field written above is a row of FLAGS, which is what CliFlags is inferred from.
  return { kind: "flags", flags: flags as CliFlags };
}

function failure(problem: string): ParsedArgs {
  return { kind: "error", message: `Cannot start: ${problem}` };
}

/** Whether `error` is one `parseArgs` throws for arguments it does not accept. */
function isParseArgsError(error: unknown): error is Error & { readonly code: string } {
  return error instanceof Error && "code" in error && typeof error.code === "string" &&
    error.code.startsWith("ERR_PARSE_ARGS_");
}

/**
 * Returns the message for the first argument strict `parseArgs` refused, in the words used
 * before `parseArgs` did the parsing: the same arguments read without `strict` give the tokens in
 * order, and the first that strict mode refuses is the one named. Falls back to `parseArgs`'s
 * own message.
 */
function describeFirstProblem(args: readonly string[], error: Error): string {
  const { tokens } = parseNodeArgs({
    args: [...args],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    const flag = token.kind === "option" ? BY_OPTION.get(token.name) : undefined;
    if (token.kind !== "option" || flag === undefined) return notAFlag(token);
    const problem = valueProblem(flag, token);
    if (problem !== undefined) return problem;
  }
  return error.message;
}

/** Returns the message for a positional argument, a lone `--` or an unknown flag. */
function notAFlag(token: Token): string {
  if (token.kind === "positional") {
    return `"${token.value}" is not a flag; this program takes no positional arguments`;
  }
  const name = token.kind === "option" ? token.rawName : "--";
  return `${name} is not a known flag; expected one of ${FLAGS.map((f) => f.name).join(", ")}`;
}

/** Returns what is wrong with the value given to a known flag, or undefined if nothing is. */
function valueProblem(
  flag: FlagDefinition,
  token: Extract<Token, { kind: "option" }>,
): string | undefined {
  const name = token.rawName;
  if (flag.kind === "value") {
    const missing = token.value === undefined ||
      (!token.inlineValue && token.value.startsWith("-"));
    return missing ? `${name} has no value; expected ${name} ${flag.placeholder}` : undefined;
  }
  return token.value === undefined
    ? undefined
    : `${name} is "${token.value}"; expected no value, true or false`;
}
