/**
 * Reads the command line into typed flags, before any value is validated.
 *
 * @module
 */

import { FLAGS } from "./config_reference.ts";

/** The flags given on the command line; a value flag is absent when not given. */
export interface CliFlags {
  readonly config?: string;
  readonly kubeconfig?: string;
  readonly clusterName?: string;
  readonly syncMode?: string;
  readonly polarisAddress?: string;
  readonly listen?: string;
  readonly logLevel?: string;
  readonly dryRun: boolean;
  readonly once: boolean;
  readonly dev: boolean;
}

/** The outcome of reading the command line. */
export type ParsedArgs =
  | { readonly kind: "flags"; readonly flags: CliFlags }
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string };

type ValueField =
  | "config"
  | "kubeconfig"
  | "clusterName"
  | "syncMode"
  | "polarisAddress"
  | "listen"
  | "logLevel";
type SwitchField = "dryRun" | "once" | "dev";

const VALUE_FLAGS: Readonly<Record<string, ValueField>> = {
  "--config": "config",
  "--kubeconfig": "kubeconfig",
  "--cluster-name": "clusterName",
  "--sync-mode": "syncMode",
  "--polaris-address": "polarisAddress",
  "--listen": "listen",
  "--log-level": "logLevel",
};

const SWITCH_FLAGS: Readonly<Record<string, SwitchField>> = {
  "--dry-run": "dryRun",
  "--once": "once",
  "--dev": "dev",
};

/**
 * Parses `--flag value`, `--flag=value` and switches (`--once`, also `--once=true|false`).
 * `--help` or `-h` anywhere wins over everything else, so help is shown even beside a typo. An
 * unknown flag, a positional argument or a value flag without its value is an error naming it.
 * A later occurrence of a flag wins, as with most CLIs. Values are not checked here: that is
 * `loadConfig`'s job, with the same rules as the config file.
 */
export function parseArgs(args: readonly string[]): ParsedArgs {
  if (args.some((arg) => arg === "--help" || arg === "-h")) return { kind: "help" };
  const values: Partial<Record<ValueField, string>> = {};
  const switches: Record<SwitchField, boolean> = { dryRun: false, once: false, dev: false };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const equals = arg.indexOf("=");
    const name = arg.startsWith("--") && equals > 0 ? arg.slice(0, equals) : arg;
    const inline = arg.startsWith("--") && equals > 0 ? arg.slice(equals + 1) : undefined;
    const valueField = VALUE_FLAGS[name];
    const switchField = SWITCH_FLAGS[name];
    if (valueField !== undefined) {
      if (inline !== undefined) {
        values[valueField] = inline;
        continue;
      }
      const next = args[index + 1];
      if (next === undefined || next.startsWith("--")) {
        return error(`${name} has no value`, `expected ${name} ${placeholder(name)}`);
      }
      values[valueField] = next;
      index++;
    } else if (switchField !== undefined) {
      if (inline === undefined || inline === "true") switches[switchField] = true;
      else if (inline === "false") switches[switchField] = false;
      else return error(`${name} is "${inline}"`, "expected no value, true or false");
    } else if (arg.startsWith("-")) {
      return error(`${name} is not a known flag`, `expected one of ${flagNames()}`);
    } else {
      return error(`"${arg}" is not a flag`, "this program takes no positional arguments");
    }
  }
  return { kind: "flags", flags: { ...values, ...switches } };
}

function error(subject: string, expected: string): ParsedArgs {
  return { kind: "error", message: `Cannot start: ${subject}; ${expected}` };
}

function placeholder(name: string): string {
  return FLAGS.find((flag) => flag.name === name)?.value ?? "VALUE";
}

function flagNames(): string {
  return FLAGS.map((flag) => flag.name).join(", ");
}
