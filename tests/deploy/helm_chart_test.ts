/**
 * The Helm chart (`deploy/helm/polaris-k8s-sync`) with Helm built from its Go module
 * (`tests/deps/helm`): it lints; it refuses to render without `cluster.name` and with several
 * replicas but no leader election; its values under polaris-controller's chart names
 * (`cluster.name`, `polaris.server.address`, `polaris.sync.service.mode`) and ours reach the
 * rendered ConfigMap, which the controller's own config loader accepts; and the rendered
 * objects apply with server-side apply to a real kube-apiserver.
 */
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { loadConfig } from "../../adapters/config/load_config.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { kubectl, kubectlOk } from "./kubectl.ts";

const CHART = new URL("../../deploy/helm/polaris-k8s-sync", import.meta.url).pathname;
const slow = { sanitizeOps: false, sanitizeResources: false };

/** The helm binary `tests/deps/build-go-deps.sh helm` built (it prints "helm <folder>"). */
async function helmPath(): Promise<string> {
  const script = new URL("../deps/build-go-deps.sh", import.meta.url).pathname;
  const out = await new Deno.Command("bash", { args: [script, "helm"], stderr: "null" }).output();
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  if (out.code !== 0 || !line.startsWith("helm ")) throw new Error(`Cannot build helm: ${line}`);
  return `${line.slice("helm ".length)}/helm`;
}

const helm = await helmPath();

async function runHelm(args: readonly string[]) {
  const out = await new Deno.Command(helm, { args: [...args], stdout: "piped", stderr: "piped" })
    .output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

const VALUES = [
  "--set",
  "cluster.name=cluster-a",
  "--set",
  "polaris.server.address=polaris.example:8090",
  "--set",
  "polaris.sync.service.mode=demand",
  "--set",
  "sync.policy=upsert-only",
  "--set",
  "sync.allowNamespaces={shop,payments}",
  "--set",
  "sync.labelSelector=team in (a\\,b)",
];

/** Renders the chart; resolves with its documents. */
async function render(extra: readonly string[] = []): Promise<Record<string, unknown>[]> {
  const result = await runHelm(["template", "sync", CHART, "-n", "polaris-system", ...extra]);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout).map((d) => d.toJSON()).filter(Boolean);
}

Deno.test("helm lint passes on the chart", async () => {
  const result = await runHelm(["lint", CHART, "--set", "cluster.name=cluster-a"]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});

Deno.test("the chart refuses to render without cluster.name, or with two writers", async () => {
  const noName = await runHelm(["template", "sync", CHART]);
  assert.notEqual(noName.code, 0);
  assert.match(noName.stderr, /cluster\.name is required/);
  const twoWriters = await runHelm([
    "template",
    "sync",
    CHART,
    "--set",
    "cluster.name=a",
    "--set",
    "leaderElection.enabled=false",
  ]);
  assert.notEqual(twoWriters.code, 0);
  assert.match(twoWriters.stderr, /replicas above 1 need leaderElection\.enabled/);
});

Deno.test("the chart's values reach a ConfigMap the controller's config loader accepts", async () => {
  const docs = await render(VALUES);
  const kinds = docs.map((d) => d.kind).sort();
  assert.deepStrictEqual(kinds, [
    "ClusterRole",
    "ClusterRoleBinding",
    "ConfigMap",
    "Deployment",
    "Role",
    "RoleBinding",
    "Service",
    "ServiceAccount",
  ]);
  const configMap = docs.find((d) => d.kind === "ConfigMap") as { data: { mesh: string } };
  const result = loadConfig(["--config", "mesh.yaml"], {
    env: {},
    inCluster: true,
    readTextFile: () => configMap.data.mesh,
  });
  if (result.kind !== "config") throw new Error(`Not a config: ${JSON.stringify(result)}`);
  const { config } = result;
  assert.equal(config.clusters[0].clusterName, "cluster-a");
  assert.equal(config.polaris.baseUrl, "http://polaris.example:8090");
  assert.equal(config.sync.mode, "demand");
  assert.equal(config.sync.policy, "upsert-only");
  assert.deepStrictEqual(config.sync.filter.allowNamespaces, ["shop", "payments"]);
  assert.equal(config.sync.filter.labelSelector?.text, "team in (a,b)");
  assert.deepStrictEqual(
    [config.leaderElection.enabled, config.leaderElection.namespace, config.leaderElection.name],
    [true, "polaris-system", "sync"],
  );
  const deployment = docs.find((d) => d.kind === "Deployment") as {
    spec: {
      replicas: number;
      template: { spec: { containers: { env: { name: string; valueFrom: unknown }[] }[] } };
    };
  };
  assert.equal(deployment.spec.replicas, 2);
  const token = deployment.spec.template.spec.containers[0].env.find((e) =>
    e.name === "POLARIS_TOKEN"
  );
  assert.deepStrictEqual(token?.valueFrom, {
    secretKeyRef: { name: "polaris-k8s-sync-token", key: "token", optional: true },
  });
});

Deno.test({
  name: "the rendered chart applies with server-side apply to a real kube-apiserver",
  ...slow,
  async fn() {
    const plane = await startControlPlane({ withControllerManager: false });
    try {
      const kubeconfig = plane.kubeconfigPath;
      await kubectlOk(["create", "namespace", "polaris-system"], { kubeconfig });
      const rendered = await runHelm([
        "template",
        "sync",
        CHART,
        "-n",
        "polaris-system",
        ...VALUES,
      ]);
      assert.equal(rendered.code, 0, rendered.stderr);
      const applied = await kubectl(
        ["apply", "--server-side", "--field-manager=helm-chart-test", "-f", "-"],
        { kubeconfig, stdin: rendered.stdout },
      );
      assert.equal(applied.code, 0, applied.stderr);
      const names = await kubectlOk([
        "get",
        "deployment,serviceaccount,configmap,service,role,rolebinding",
        "-n",
        "polaris-system",
        "-l",
        "app.kubernetes.io/instance=sync",
        "-o",
        "name",
      ], { kubeconfig });
      assert.deepStrictEqual(names.trim().split("\n").sort(), [
        "configmap/sync-config",
        "deployment.apps/sync",
        "role.rbac.authorization.k8s.io/sync-leader-election",
        "rolebinding.rbac.authorization.k8s.io/sync-leader-election",
        "service/sync-metrics",
        "serviceaccount/sync",
      ]);
      // Applied again, nothing changes and nothing conflicts.
      const again = await kubectl(
        ["apply", "--server-side", "--field-manager=helm-chart-test", "-f", "-"],
        { kubeconfig, stdin: rendered.stdout },
      );
      assert.equal(again.code, 0, again.stderr);
      assert.doesNotMatch(again.stdout, /configured/, "a second apply changes nothing");
    } finally {
      await plane.stop();
    }
  },
});
