/**
 * Runs kubectl for the deploy tests. On a machine without it, installs Debian's
 * `kubernetes-client` package once (CI does the same in `.ci/run`); `KUBECTL` names another binary.
 *
 * @module
 */

/** What a kubectl run printed, and its exit code. */
export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@linkcode kubectl}. */
export interface KubectlOptions {
  /** The kubeconfig (passed as `KUBECONFIG`). */
  readonly kubeconfig?: string;
  /** Text written to standard input. */
  readonly stdin?: string;
}

let found: Promise<string> | undefined;

/** Returns the kubectl binary: `KUBECTL`, else `kubectl` on PATH, else Debian's once installed. */
export function kubectlPath(): Promise<string> {
  found ??= locate();
  return found;
}

async function locate(): Promise<string> {
  const named = Deno.env.get("KUBECTL");
  if (named) return named;
  if (await onPath("kubectl")) return "kubectl";
  const install = ["install", "-y", "--no-install-recommends", "kubernetes-client"];
  if ((await run("apt-get", install)).code !== 0) {
    // A fresh machine may not have read the package lists yet.
    await run("apt-get", ["update"]);
    await run("apt-get", install);
  }
  if (await onPath("kubectl")) return "kubectl";
  throw new Error(
    "Cannot find kubectl: install Debian's kubernetes-client (apt-get install -y kubernetes-client) or set KUBECTL",
  );
}

async function onPath(name: string): Promise<boolean> {
  return (await run("sh", ["-c", `command -v ${name}`])).code === 0;
}

async function run(command: string, args: readonly string[]): Promise<KubectlResult> {
  try {
    const output = await new Deno.Command(command, {
      args: [...args],
      stdin: "null",
      env: { DEBIAN_FRONTEND: "noninteractive" },
    }).output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } catch (error) {
    return { code: 127, stdout: "", stderr: String(error) };
  }
}

/** Runs `kubectl args` and returns what it printed; it does not throw on a non-zero exit. */
export async function kubectl(
  args: readonly string[],
  options: KubectlOptions = {},
): Promise<KubectlResult> {
  const child = new Deno.Command(await kubectlPath(), {
    args: [...args],
    env: options.kubeconfig ? { KUBECONFIG: options.kubeconfig } : {},
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Like {@linkcode kubectl}, but throws with kubectl's output when it exits non-zero. */
export async function kubectlOk(
  args: readonly string[],
  options: KubectlOptions = {},
): Promise<string> {
  const result = await kubectl(args, options);
  if (result.code !== 0) {
    throw new Error(
      `Cannot run "kubectl ${args.join(" ")}": exit ${result.code}: ${result.stderr.trim()}`,
    );
  }
  return result.stdout;
}
