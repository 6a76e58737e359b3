/**
 * The Polaris token never appears in a log line, an operator endpoint or a Kubernetes Event, even
 * when Polaris fails and gives the token back. The controller runs as a process (the permissions
 * of `deno task start`) against a fake Kubernetes API that keeps the Events written to it and a
 * Polaris that answers a rotation of requests with refusals, server errors, plain-text bodies, a
 * token for a code, refused batch items and timeouts, each quoting the request headers (the
 * emulator answers the rest). Then every line the process printed, every answer of `/healthz`,
 * `/readyz`, `/metrics` and the `/debug` endpoints and pages, and every Event is searched for any
 * 8 characters of the token in a row. Bad configurations holding the token are checked too.
 */
import assert from "node:assert/strict";
import { startPolarisEmulator } from "../../emulator/mod.ts";
import { CONTROLLER_RUN_ARGS, startController } from "../e2e/controller_process.ts";
import { ECHO_KINDS, startEchoingPolaris } from "./_echoing_polaris.ts";
import { startFakeKubeApi } from "./_fake_kube_api.ts";

/** Distinctive, and long enough that any 8 characters of it in a row give it away. */
const TOKEN = "pst-LEAKCHECK-5e0c9b27d41f8a63";

/** The parts of the token found in `text`: every run of 8 of its characters. */
function leaks(text: string): string[] {
  const found = new Set<string>();
  for (let i = 0; i + 8 <= TOKEN.length; i++) {
    const part = TOKEN.slice(i, i + 8);
    if (text.includes(part)) found.add(part);
  }
  return [...found];
}

/** Shows where a leak is: the lines of `text` holding a part of the token. */
function linesWithLeaks(text: string): string {
  return text.split("\n").filter((line) => leaks(line).length > 0).slice(0, 10).join("\n");
}

const SERVICES = [
  { namespace: "shop", name: "cart", addresses: ["10.1.0.1", "10.1.0.2"], port: 8080 },
  { namespace: "shop", name: "search", addresses: ["10.1.0.3"], port: 8080 },
  { namespace: "shop", name: "orders", addresses: ["10.1.0.4"], port: 9090 },
  {
    namespace: "shop",
    name: "typo",
    annotations: { "polarismesh.cn/sync": "yes" },
    addresses: ["10.1.0.5"],
    port: 8080,
  },
  { namespace: "billing", name: "ledger", addresses: ["10.2.0.1"], port: 7070 },
];

/** Polaris client timeout of the runs; a `timeout` answer waits longer. */
const POLARIS_TIMEOUT_MS = 300;

function mesh(polarisUrl: string, token?: string): string {
  return [
    `serverAddress: ${polarisUrl}`,
    ...(token === undefined ? [] : [`accessToken: ${JSON.stringify(token)}`]),
    "clusterName: leak-check",
    "serviceSync:",
    "  mode: all",
    "  debounce: 20ms",
    "  resyncPeriod: 1s",
    "  backoffBase: 50ms",
    "  backoffMax: 300ms",
    "  podLabels: none",
    "  endpointsApi: endpoints",
    "polaris:",
    `  timeout: ${POLARIS_TIMEOUT_MS}ms`,
    "  maxRetries: 1",
    "",
  ].join("\n");
}

/** Every operator endpoint and page, the detail of every service included. */
async function operatorAnswers(url: string): Promise<Record<string, string>> {
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    return await response.text();
  };
  const paths = [
    "/healthz",
    "/readyz",
    "/metrics",
    "/debug",
    "/debug/page.js",
    "/debug/overview",
    "/debug/clusters",
    "/debug/services?limit=1000",
  ];
  const answers: Record<string, string> = {};
  for (const path of paths) answers[path] = await get(path);
  const page = JSON.parse(answers["/debug/services?limit=1000"]) as { items: { key: string }[] };
  for (const { key } of page.items) {
    // Each detail reads Polaris again: through the rotation, so some of them fail too.
    answers[`/debug/services/${key}`] = await get(`/debug/services/${key}`);
  }
  return answers;
}

async function waitFor(check: () => boolean, what: () => string, output: () => string) {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what()}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (
  const run of [
    { name: "from POLARIS_TOKEN", inFile: false, extraArgs: [] },
    { name: "from accessToken, with --dry-run", inFile: true, extraArgs: ["--dry-run"] },
  ]
) {
  Deno.test({
    name: `controller process: the token ${run.name} is in no log line, answer or Event`,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const emulator = await startPolarisEmulator({ token: TOKEN });
      const polaris = startEchoingPolaris(emulator.url, POLARIS_TIMEOUT_MS * 3);
      const kube = startFakeKubeApi(SERVICES);
      const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-sync-token-" });
      const kubeconfig = `${dir}/kubeconfig`;
      await Deno.writeTextFile(kubeconfig, kube.kubeconfig);
      const controller = await startController({
        config: mesh(polaris.url, run.inFile ? TOKEN : undefined),
        kubeconfig,
        extraArgs: ["--log-level", "debug", ...run.extraArgs],
        env: run.inFile ? {} : { POLARIS_TOKEN: TOKEN },
      });
      try {
        // Writes (and so refused batch items and SyncFailed Events) only happen without --dry-run.
        const kinds = ECHO_KINDS.filter((k) => !(run.inFile && k === "items-refused"));
        await waitFor(
          () => kinds.every((kind) => (polaris.served()[kind] ?? 0) > 0),
          () => `every kind of echoing answer (served so far: ${JSON.stringify(polaris.served())})`,
          controller.output,
        );
        await waitFor(
          () => kube.eventWrites.some((e) => JSON.stringify(e).includes("SyncInvalid")),
          () => "the Event on shop/typo",
          controller.output,
        );
        if (!run.inFile) {
          await waitFor(
            () => kube.eventWrites.some((e) => JSON.stringify(e).includes("Polaris answered")),
            () => "an Event about a Polaris failure",
            controller.output,
          );
        }
        const answers = await operatorAnswers(controller.url);
        const code = await controller.stop();
        assert.equal(code, 0, controller.output());
        assert.deepEqual(polaris.tokensSeen(), [TOKEN], "the token was sent, and only it");
        const output = controller.output();
        assert.deepEqual(leaks(output), [], `the log shows the token:\n${linesWithLeaks(output)}`);
        for (const [path, text] of Object.entries(answers)) {
          assert.deepEqual(leaks(text), [], `${path} shows the token:\n${linesWithLeaks(text)}`);
        }
        const events = JSON.stringify(kube.eventWrites, null, 1);
        assert.deepEqual(leaks(events), [], `an Event shows the token:\n${linesWithLeaks(events)}`);
        // Not vacuous: echoed tokens did reach the log and the Events, redacted.
        assert.match(output, /\*\*\*/);
        if (!run.inFile) assert.match(events, /\*\*\*/);
      } finally {
        await controller.stop();
        await kube.stop();
        await polaris.stop();
        await emulator.stop();
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

/** Runs `deno task start` with `args` and a config file holding `yaml`; returns what it printed. */
async function startWith(yaml: string, args: readonly string[] = []) {
  const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-sync-token-" });
  try {
    await Deno.writeTextFile(`${dir}/mesh.yaml`, yaml);
    const output = await new Deno.Command(Deno.execPath(), {
      args: [...CONTROLLER_RUN_ARGS, "--config", `${dir}/mesh.yaml`, ...args],
      cwd: dir,
      stdin: "null",
      env: { NO_COLOR: "1", POLARIS_TOKEN: "" },
    }).output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      text: decoder.decode(output.stdout) + decoder.decode(output.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const badConfigs = [
  { name: "its quote not closed", yaml: `accessToken: "${TOKEN}\nclusterName: a\n` },
  { name: "a map for a token", yaml: `accessToken: {value: ${TOKEN}}\nclusterName: a\n` },
  { name: "a list for a token", yaml: `serviceSync:\n  accessToken: [${TOKEN}]\nclusterName: a\n` },
  { name: "a bad key after it", yaml: `accessToken: ${TOKEN}\nclusterName: a\npolaris: {x: 1}\n` },
  { name: "a duplicate key", yaml: `accessToken: ${TOKEN}\naccessToken: ${TOKEN}\n` },
];

for (const bad of badConfigs) {
  Deno.test(`deno task start: a config with ${bad.name} stops without showing the token`, async () => {
    const { code, text } = await startWith(bad.yaml);
    assert.equal(code, 2, text);
    assert.deepEqual(leaks(text), [], text);
  });
}
