/**
 * `install.sh` end to end on a real current kube-apiserver (with kube-controller-manager, which
 * finalizes a deleted namespace): it installs, a second run changes nothing, a changed value
 * restarts the Deployment, and `--uninstall` removes everything it added. There is no kubelet, so
 * the Deployment never becomes ready: every run uses `--no-wait`.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { loadConfig } from "../../adapters/config/load_config.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { kubectl, kubectlOk, kubectlPath } from "./kubectl.ts";
import { deployManifests } from "./manifests.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const NAMESPACE = "polaris-system";
const slow = { sanitizeOps: false, sanitizeResources: false };
const plane = await startControlPlane();
const kubeconfig = plane.kubeconfigPath;

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the top-level `./install.sh` without a terminal, as CI or a pipeline would. */
async function install(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<RunResult> {
  const output = await new Deno.Command("bash", {
    args: [`${ROOT}install.sh`, ...args],
    env: { KUBECONFIG: kubeconfig, KUBECTL: await kubectlPath(), ...env },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** The `kind/name` lines of `kubectl apply`, mapped to their verb (created, unchanged...). */
function applied(stdout: string): Map<string, string> {
  const verbs = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const match = /^(\S+\/\S+) (created|configured|unchanged)$/.exec(line);
    if (match) verbs.set(match[1], match[2]);
  }
  return verbs;
}

/** Every object install.sh manages, as `kubectl get` arguments. */
function managedObjects(): string[][] {
  const objects = deployManifests().map((m) => {
    const kind = `${m.kind.toLowerCase()}.${
      m.apiVersion.includes("/") ? m.apiVersion.split("/")[0] : ""
    }`
      .replace(/\.$/, "");
    return m.metadata.namespace
      ? [`${kind}/${m.metadata.name}`, "-n", m.metadata.namespace]
      : [`${kind}/${m.metadata.name}`];
  });
  return [...objects, ["secret/polaris-k8s-sync-token", "-n", NAMESPACE]];
}

async function exists(args: readonly string[]): Promise<boolean> {
  const result = await kubectl(["get", ...args, "-o", "name"], { kubeconfig });
  if (result.code === 0) return true;
  assert.match(result.stderr, /NotFound|not found/, result.stderr);
  return false;
}

const FIRST = [
  "--polaris-address",
  "polaris.polaris-system:8090",
  "--cluster-name",
  "east",
  "--mode",
  "demand",
  "--image",
  "registry.example/mesh/polaris-k8s-sync:0.1.0",
  "--no-wait",
];

Deno.test({
  name: "install.sh installs everything, and a second run changes nothing",
  ...slow,
  async fn() {
    const first = await install(FIRST, { POLARIS_TOKEN: "s3cret" });
    assert.equal(first.code, 0, first.stderr);
    const created = applied(first.stdout);
    assert.equal(created.size, deployManifests().length + 1, first.stdout); // + the Secret
    assert.ok([...created.values()].every((verb) => verb === "created"), first.stdout);
    for (const object of managedObjects()) assert.ok(await exists(object), object.join(" "));
    assert.match(first.stdout + first.stderr, /No resources found in polaris-system namespace/);

    const mesh = await kubectlOk(
      [
        "get",
        "configmap",
        "polaris-k8s-sync-config",
        "-n",
        NAMESPACE,
        "-o",
        "jsonpath={.data.mesh}",
      ],
      { kubeconfig },
    );
    const loaded = loadConfig(["--config", "mesh.yaml"], {
      env: {},
      readTextFile: () => mesh,
      inCluster: true,
    });
    assert.equal(loaded.kind, "config", JSON.stringify(loaded));
    if (loaded.kind !== "config") return;
    assert.equal(loaded.config.polaris.baseUrl, "http://polaris.polaris-system:8090");
    assert.equal(loaded.config.clusters[0].clusterName, "east");
    assert.equal(loaded.config.sync.mode, "demand");
    assert.equal(loaded.config.leaderElection.enabled, true);
    const token = await kubectlOk(
      ["get", "secret", "polaris-k8s-sync-token", "-n", NAMESPACE, "-o", "jsonpath={.data.token}"],
      { kubeconfig },
    );
    assert.equal(atob(token), "s3cret");
    const image = await kubectlOk(
      ["get", "deployment", "polaris-k8s-sync", "-n", NAMESPACE, "-o", "jsonpath={..image}"],
      { kubeconfig },
    );
    assert.equal(image, "registry.example/mesh/polaris-k8s-sync:0.1.0");

    const second = await install(FIRST, { POLARIS_TOKEN: "s3cret" });
    assert.equal(second.code, 0, second.stderr);
    const verbs = applied(second.stdout);
    assert.equal(verbs.size, created.size, second.stdout);
    assert.ok([...verbs.values()].every((verb) => verb === "unchanged"), second.stdout);
    assert.doesNotMatch(second.stdout, /restarted/);

    // Without any value, the earlier install's values are kept (and the Secret left alone).
    const bare = await install(["--no-wait", "--yes"]);
    assert.equal(bare.code, 0, bare.stderr);
    const bareVerbs = applied(bare.stdout);
    assert.ok([...bareVerbs.values()].every((verb) => verb === "unchanged"), bare.stdout);
    assert.equal(
      atob(
        await kubectlOk(
          [
            "get",
            "secret",
            "polaris-k8s-sync-token",
            "-n",
            NAMESPACE,
            "-o",
            "jsonpath={.data.token}",
          ],
          { kubeconfig },
        ),
      ),
      "s3cret",
    );
  },
});

Deno.test({
  name: "install.sh restarts the Deployment when the configuration changes",
  ...slow,
  async fn() {
    const args = [...FIRST];
    args[args.indexOf("east")] = "west";
    const run = await install(args);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(applied(run.stdout).get("configmap/polaris-k8s-sync-config"), "configured");
    assert.equal(applied(run.stdout).get("deployment.apps/polaris-k8s-sync"), "unchanged");
    assert.match(run.stdout, /deployment\.apps\/polaris-k8s-sync restarted/);
    const annotations = JSON.parse(
      await kubectlOk(
        [
          "get",
          "deployment",
          "polaris-k8s-sync",
          "-n",
          NAMESPACE,
          "-o",
          "jsonpath={.spec.template.metadata.annotations}",
        ],
        { kubeconfig },
      ),
    ) as Record<string, string>;
    assert.ok(annotations["kubectl.kubernetes.io/restartedAt"], JSON.stringify(annotations));
    const mesh = parse(
      await kubectlOk(
        [
          "get",
          "configmap",
          "polaris-k8s-sync-config",
          "-n",
          NAMESPACE,
          "-o",
          "jsonpath={.data.mesh}",
        ],
        { kubeconfig },
      ),
    ) as { clusterName: string };
    assert.equal(mesh.clusterName, "west");
  },
});

Deno.test({
  name: "install.sh --uninstall removes everything, keeping a namespace that other workloads use",
  ...slow,
  async fn() {
    // A Lease the controller would have left, and a workload that is not ours.
    await kubectlOk(["apply", "-f", "-"], {
      kubeconfig,
      stdin: JSON.stringify({
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: "polaris-k8s-sync", namespace: NAMESPACE },
        spec: { holderIdentity: "" },
      }),
    });
    await kubectlOk([
      "create",
      "service",
      "clusterip",
      "polaris",
      "-n",
      NAMESPACE,
      "--tcp=8090:8090",
    ], {
      kubeconfig,
    });
    const kept = await install(["--uninstall"]);
    assert.equal(kept.code, 0, kept.stderr);
    for (const object of managedObjects()) {
      if (object[0].startsWith("namespace/")) continue;
      assert.equal(await exists(object), false, object.join(" "));
    }
    assert.equal(await exists(["lease/polaris-k8s-sync", "-n", NAMESPACE]), false);
    assert.match(
      kept.stdout,
      /Kept namespace\/polaris-system: other workloads live in it: service\/polaris/,
    );
    assert.ok(await exists(["namespace/polaris-system"]));
    assert.ok(await exists(["service/polaris", "-n", NAMESPACE]));

    await kubectlOk(["delete", "service", "polaris", "-n", NAMESPACE], { kubeconfig });
    const gone = await install(["--uninstall"]);
    assert.equal(gone.code, 0, gone.stderr);
    assert.match(gone.stdout, /namespace "polaris-system" deleted/);
    assert.equal(await exists(["namespace/polaris-system"]), false);
    const again = await install(["--uninstall"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already gone/);
  },
});

Deno.test({
  name: "install.sh tests: teardown",
  ...slow,
  async fn() {
    await plane.stop();
  },
});
