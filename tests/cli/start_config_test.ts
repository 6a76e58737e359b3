/**
 * `deno task start --config bad.yaml` stops with exit code 2 and one message naming the problem
 * (issue #2, docs/configuration.md); `--help` documents every option. The controller runs as a
 * process, exactly as the task runs it.
 */
import assert from "node:assert/strict";

import { CONTROLLER_RUN_ARGS } from "../e2e/controller_process.ts";

async function run(args: readonly string[], files: Record<string, string> = {}) {
  const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-sync-cli-" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        ...CONTROLLER_RUN_ARGS,
        ...args.map((a) => a.replace("$DIR", dir)),
      ],
      cwd: dir,
      stdin: "null",
      env: { NO_COLOR: "1", POLARIS_TOKEN: "" },
    }).output();
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    return { code: output.code, text };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const good = "serverAddress: polaris:8090\nclusterName: a\nserviceSync:\n  mode: all\n";

const badConfigs: ReadonlyArray<{ name: string; yaml: string; mentions: readonly string[] }> = [
  {
    name: "unknown mode",
    yaml: good.replace("mode: all", "mode: everything"),
    mentions: ["serviceSync.mode", "everything"],
  },
  {
    name: "empty clusterName",
    yaml: good.replace("clusterName: a", 'clusterName: ""'),
    mentions: ["clusterName"],
  },
  { name: "malformed YAML", yaml: "serverAddress: [polaris\nclusterName: a\n", mentions: ["YAML"] },
  {
    name: "bad URL",
    yaml: good.replace("polaris:8090", "http://polaris:notaport"),
    mentions: ["serverAddress"],
  },
  {
    name: "bad duration",
    yaml: good + "  debounce: soon\n",
    mentions: ["serviceSync.debounce", "soon"],
  },
  {
    name: "negative batch size",
    yaml: good + "  batchSize: -5\n",
    mentions: ["serviceSync.batchSize", "-5"],
  },
  {
    name: "batch size over 100",
    yaml: good + "  batchSize: 500\n",
    mentions: ["serviceSync.batchSize", "500"],
  },
];

for (const bad of badConfigs) {
  Deno.test(`deno task start --config: ${bad.name} exits 2 naming the problem`, async () => {
    const { code, text } = await run(["--config", "$DIR/bad.yaml"], { "bad.yaml": bad.yaml });
    assert.deepStrictEqual(code, 2, text);
    for (const word of bad.mentions) {
      assert.ok(text.includes(word), `"${word}" missing in: ${text}`);
    }
    assert.deepStrictEqual(text.trim().split("\n").length, 1, `one message expected, got: ${text}`);
  });
}

Deno.test("deno task start --config: a missing file exits 2 naming the file", async () => {
  const { code, text } = await run(["--config", "$DIR/nope.yaml"]);
  assert.deepStrictEqual(code, 2, text);
  assert.ok(text.includes("nope.yaml"), text);
});

Deno.test("deno task start --help documents every flag", async () => {
  const { code, text } = await run(["--help"]);
  assert.deepStrictEqual(code, 0, text);
  for (
    const flag of [
      "--config",
      "--kubeconfig",
      "--cluster-name",
      "--sync-mode",
      "--polaris-address",
      "--listen",
      "--dry-run",
      "--once",
      "--log-level",
      "POLARIS_TOKEN",
    ]
  ) assert.ok(text.includes(flag), `--help does not mention ${flag}`);
});
