/**
 * `install.sh` without a cluster: `--dry-run` output, its checks of flags, of kubectl and of the
 * cluster. kubectl is needed (its kustomize renders the manifests), an API server is not.
 */
import assert from "node:assert/strict";
import { parse, parseAllDocuments } from "yaml";
import { kubectlPath } from "./kubectl.ts";
import { deployManifests, type Manifest, manifestOf } from "./manifests.ts";
import { freePort } from "../cluster/free_ports.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function install(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command("bash", {
    args: [`${ROOT}install.sh`, ...args],
    env: { KUBECONFIG: "/nonexistent/kubeconfig", KUBECTL: await kubectlPath(), ...env },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

const VALUES = ["--polaris-address", "https://polaris.example:8443", "--cluster-name", "east-1"];

/** The shape of a YAML value: its keys, recursively, without the values. */
function keysOf(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return typeof value;
  return Object.fromEntries(
    Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, keysOf(v)]),
  );
}

Deno.test("install.sh --dry-run prints every manifest with the given values, without a cluster", async () => {
  const run = await install(
    [...VALUES, "--mode", "demand", "--image", "registry.example/sync@sha256:abc", "--dry-run"],
    { POLARIS_TOKEN: "do-not-print" },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stdout + run.stderr, /do-not-print|ZG8tbm90LXByaW50/);
  const objects = parseAllDocuments(run.stdout).map((d) => d.toJS() as Manifest);
  assert.equal(objects.length, deployManifests().length + 1, "the manifests and the Secret");
  const secret = objects.find((o) => o.kind === "Secret") as Manifest & { data: { token: string } };
  assert.equal(atob(secret.data.token), "REDACTED");
  const configMap = objects.find((o) => o.kind === "ConfigMap") as Manifest & {
    data: { mesh: string };
  };
  const mesh = parse(configMap.data.mesh) as Record<string, unknown>;
  assert.equal(mesh.serverAddress, "https://polaris.example:8443");
  assert.equal(mesh.clusterName, "east-1");
  assert.deepEqual(mesh.serviceSync, { mode: "demand" });
  const deployment = objects.find((o) => o.kind === "Deployment") as Manifest & {
    spec: { template: { spec: { containers: { image: string }[] } } };
  };
  assert.equal(
    deployment.spec.template.spec.containers[0].image,
    "registry.example/sync@sha256:abc",
  );
});

Deno.test("install.sh writes the mesh ConfigMap with the keys of deploy/config_map.yaml", async () => {
  const run = await install([...VALUES, "--dry-run"]);
  assert.equal(run.code, 0, run.stderr);
  const configMap = parseAllDocuments(run.stdout).map((d) => d.toJS() as Manifest)
    .find((o) => o.kind === "ConfigMap") as Manifest & { data: { mesh: string } };
  const written = parse(configMap.data.mesh);
  const shipped = parse(manifestOf<{ data: { mesh: string } }>("ConfigMap").data.mesh);
  assert.deepEqual(keysOf(written), keysOf(shipped));
  assert.deepEqual(written.leaderElection, shipped.leaderElection);
});

Deno.test("install.sh --uninstall --dry-run names every object of deploy/", async () => {
  const run = await install(["--uninstall", "--dry-run"]);
  assert.equal(run.code, 0, run.stderr);
  for (const object of deployManifests()) {
    const name = object.kind === "Namespace"
      ? `namespace ${object.metadata.name}`
      : `${object.kind.toLowerCase()}/${object.metadata.name}`;
    assert.ok(run.stdout.includes(name), `${name} in:\n${run.stdout}`);
  }
  assert.match(run.stdout, /secret\/polaris-k8s-sync-token/);
  assert.match(run.stdout, /lease\.coordination\.k8s\.io\/polaris-k8s-sync/);
});

Deno.test("install.sh stops with exit code 2 naming a missing or bad value", async () => {
  const cases: [string[], RegExp][] = [
    [["--polaris-address", "polaris", "--dry-run"], /--cluster-name is missing/],
    [["--cluster-name", "a", "--dry-run"], /--polaris-address is missing/],
    [
      [...VALUES, "--mode", "sometimes", "--dry-run"],
      /--mode is "sometimes"; expected "all" or "demand"/,
    ],
    [
      ["--polaris-address", "polaris", "--cluster-name", "a b", "--dry-run"],
      /--cluster-name is "a b"/,
    ],
    [
      ["--polaris-address", 'x" y', "--cluster-name", "a", "--dry-run"],
      /--polaris-address is "x" y"/,
    ],
    [["--colour"], /unknown option "--colour"/],
    [["--image"], /--image needs a value/],
  ];
  for (const [args, message] of cases) {
    const run = await install(args);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, message);
  }
});

Deno.test("install.sh checks kubectl and the cluster before it changes anything", async () => {
  const noKubectl = await install(VALUES, { KUBECTL: "/nonexistent/kubectl" });
  assert.equal(noKubectl.code, 1);
  assert.match(noKubectl.stderr, /Cannot find kubectl \("\/nonexistent\/kubectl"\)/);

  const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-sync-install-" });
  try {
    const port = freePort();
    const kubeconfig = `${dir}/kubeconfig`;
    await Deno.writeTextFile(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{name: gone, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
        "users: [{name: someone, user: {token: abc}}]",
        "contexts: [{name: gone, context: {cluster: gone, user: someone}}]",
        "current-context: gone",
      ].join("\n"),
    );
    const unreachable = await install(VALUES, { KUBECONFIG: kubeconfig });
    assert.equal(unreachable.code, 1, unreachable.stdout);
    assert.match(unreachable.stderr, /Cannot reach the cluster of kubectl context "gone"/);
    assert.doesNotMatch(unreachable.stdout, /created|configured/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
