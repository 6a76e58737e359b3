/**
 * Reads the `deno task` commands of `deno.json` as argument lists, for the tests that run the
 * controller exactly as a task does and compare the tasks with the Deno permissions documented
 * and used elsewhere.
 *
 * @module
 */

/** The checkout's root, where `deno.json` and `main.ts` are (and where `deno task` runs). */
export const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * Returns the words of `deno task <name>` after `deno`, with `$HOME` expanded as deno task's shell
 * expands it. Throws for a task that is not one plain `deno …` command.
 */
export function denoTaskArgs(name: string): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)) as {
    tasks: Record<string, string>;
  };
  const command = config.tasks[name];
  if (command === undefined) throw new Error(`Cannot find the task "${name}" in deno.json`);
  if (/[|&;<>()"'`\\]/.test(command)) {
    throw new Error(`Cannot read the task "${name}" as plain words: ${command}`);
  }
  const [program, ...args] = command.trim().split(/\s+/);
  if (program !== "deno") throw new Error(`The task "${name}" does not run deno: ${command}`);
  const home = Deno.env.get("HOME") ?? "";
  return args.map((word) => word.replaceAll("$HOME", home));
}

/** Returns the `--allow-*` and `--deny-*` flags among `args`, before the script. */
export function permissionFlags(args: readonly string[]): string[] {
  const script = args.findIndex((word) => word.endsWith(".ts"));
  return args.slice(0, script < 0 ? args.length : script)
    .filter((word) => /^--(allow|deny)-/.test(word));
}
