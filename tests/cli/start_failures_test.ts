/**
 * Start-up failures that say what to do (issue 15): each stops the controller process with exit
 * code 2 and one `Cannot start: …` line, in the format of bad configuration, instead of a stack
 * trace, nested JSON or an error repeated forever. The controller runs as a process, as
 * `deno task start` runs it.
 */
import assert from "node:assert/strict";
import { CONTROLLER_RUN_ARGS } from "../e2e/controller_process.ts";
import { startController } from "../e2e/controller_process.ts";

/** Deno's cache of this process, kept for the child whose HOME moves (nothing is downloaded). */
const DENO_DIR = Deno.env.get("DENO_DIR") ??
  `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`}/deno`;

/** Runs the controller to its end in a temporary folder that is also its HOME. */
async function run(
  args: readonly string[],
  options: { files?: Record<string, string>; env?: Record<string, string> } = {},
): Promise<{ code: number; text: string; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-sync-cli-" });
  try {
    for (const [name, text] of Object.entries(options.files ?? {})) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    const output = await new Deno.Command(Deno.execPath(), {
      args: [...CONTROLLER_RUN_ARGS, ...args.map((a) => a.replaceAll("$DIR", dir))],
      cwd: dir,
      stdin: "null",
      env: {
        NO_COLOR: "1",
        POLARIS_TOKEN: "",
        HOME: dir,
        DENO_DIR,
        KUBECONFIG: "",
        KUBERNETES_SERVICE_HOST: "",
        ...options.env,
      },
      signal: AbortSignal.timeout(60_000),
    }).output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      text: decoder.decode(output.stdout) + decoder.decode(output.stderr),
      dir,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Asserts exit code 2 and a single `Cannot start:` line matching `expected`. */
function assertOneLine(result: { code: number; text: string }, expected: RegExp): void {
  assert.equal(result.code, 2, result.text);
  const lines = result.text.trim().split("\n");
  assert.equal(lines.length, 1, `one line expected, got:\n${result.text}`);
  assert.match(lines[0], /^Cannot start: /);
  assert.match(lines[0], expected);
}

const MESH = "serverAddress: 127.0.0.1:1\nclusterName: a\n";

Deno.test("no kubeconfig anywhere: one line naming where it looked, exit 2", async () => {
  const result = await run(["--config", "$DIR/mesh.yaml"], { files: { "mesh.yaml": MESH } });
  assertOneLine(
    result,
    /^Cannot start: cannot find a kubeconfig of cluster "a": KUBECONFIG is not set, ".+\/\.kube\/config" does not exist, and this is not a Pod \("\/var\/run\/secrets\/kubernetes\.io\/serviceaccount\/token" does not exist\); give --kubeconfig FILE or set KUBECONFIG$/,
  );
  assert.doesNotMatch(result.text, /skipTLSVerify/);
});

Deno.test("a missing --kubeconfig: one line naming the file, exit 2", async () => {
  const result = await run(["--config", "$DIR/mesh.yaml", "--kubeconfig", "$DIR/nope.yaml"], {
    files: { "mesh.yaml": MESH },
  });
  assertOneLine(
    result,
    /^Cannot start: cannot read the kubeconfig ".+\/nope\.yaml" of cluster "a": no such file$/,
  );
});

Deno.test("a --kubeconfig that is not YAML: one line, exit 2", async () => {
  const result = await run(["--config", "$DIR/mesh.yaml", "--kubeconfig", "$DIR/bad.yaml"], {
    files: { "mesh.yaml": MESH, "bad.yaml": "clusters: [\n" },
  });
  assertOneLine(
    result,
    /^Cannot start: cannot read the kubeconfig ".+\/bad\.yaml" of cluster "a": /,
  );
});

Deno.test("a kubeconfig without the context asked for: one line naming its contexts, exit 2", async () => {
  const kubeconfig = [
    "apiVersion: v1",
    "kind: Config",
    "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]",
    "users: [{name: u, user: {token: t}}]",
    "contexts: [{name: east, context: {cluster: c, user: u}}]",
    "current-context: east",
  ].join("\n");
  const mesh = "serverAddress: 127.0.0.1:1\nclusters:\n  - { clusterName: a, context: west }\n";
  const result = await run(["--config", "$DIR/mesh.yaml", "--kubeconfig", "$DIR/kube.yaml"], {
    files: { "mesh.yaml": mesh, "kube.yaml": kubeconfig },
  });
  assertOneLine(
    result,
    /^Cannot start: cannot use the kubeconfig ".+\/kube\.yaml" of cluster "a": it has no context "west" \(its contexts: "east"\)$/,
  );
});

Deno.test("a --listen port in use: one line naming the flag, exit 2", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  const mesh = "serverAddress: 127.0.0.1:1\nclusters:\n  - { clusterName: a, manifests: . }\n";
  const result = await run(["--config", "$DIR/mesh.yaml", "--listen", `127.0.0.1:${port}`], {
    files: { "mesh.yaml": mesh },
  });
  assertOneLine(
    result,
    new RegExp(
      `^Cannot start: cannot listen on 127\\.0\\.0\\.1:${port} \\(--listen, or listen in the config file\\): the address is already in use; give another --listen HOST:PORT, or stop what uses the port$`,
    ),
  );
});

Deno.test("the --dev emulator's port in use: one line naming --emulator-port, exit 2", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  const result = await run(["--dev", "--emulator-port", String(port), "--listen", "127.0.0.1:0"]);
  assertOneLine(
    result,
    new RegExp(
      `^Cannot start: cannot listen on 127\\.0\\.0\\.1:${port} for the embedded Polaris emulator: the address is already in use; give --emulator-port PORT \\(0 for any free port\\), or stop what uses the port$`,
    ),
  );
});

Deno.test("a typo in one of our config keys: one line with a did-you-mean, exit 2", async () => {
  const result = await run(["--config", "$DIR/mesh.yaml"], {
    files: { "mesh.yaml": `${MESH}serviceSync:\n  debounse: 1s\n` },
  });
  assertOneLine(
    result,
    /^Cannot start: serviceSync\.debounse is not a known key; did you mean "serviceSync\.debounce"\?$/,
  );
});

Deno.test({
  name: "at start-up the controller logs the kubeconfig, context and API server of each cluster",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-sync-cli-" });
    const kubeconfig = `${dir}/kube.yaml`;
    await Deno.writeTextFile(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]",
        "users: [{name: u, user: {token: t}}]",
        "contexts: [{name: east-admin, context: {cluster: c, user: u}}]",
        "current-context: east-admin",
      ].join("\n"),
    );
    const controller = await startController({
      config: "serverAddress: 127.0.0.1:1\nclusterName: east\n",
      kubeconfig,
    });
    try {
      const line = await waitForLine(controller.output, /"msg":"Kubernetes cluster"/);
      assert.deepEqual(
        (({ cluster, kubeconfig, context, server }) => ({ cluster, kubeconfig, context, server }))(
          JSON.parse(line),
        ),
        { cluster: "east", kubeconfig, context: "east-admin", server: "https://127.0.0.1:1" },
      );
    } finally {
      await controller.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Waits until the output has a line matching `pattern`, and returns it. */
async function waitForLine(output: () => string, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const line = output().split("\n").find((l) => pattern.test(l));
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`No line matches ${pattern} in:\n${output()}`);
}
