import assert from "node:assert/strict";
import { findKubeConfig, SERVICE_ACCOUNT_TOKEN } from "./load_kube_config.ts";

const KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "clusters: [{name: c, cluster: {server: 'https://10.0.0.1:6443'}}]",
  "users: [{name: u, user: {token: t}}]",
  "contexts: [{name: admin, context: {cluster: c, user: u}}]",
  "current-context: admin",
].join("\n");

Deno.test("findKubeConfig() reads ~/.kube/config when nothing else is named, and says so", async () => {
  const home = await Deno.makeTempDir({ prefix: "polaris-k8s-sync-kube-" });
  try {
    await Deno.mkdir(`${home}/.kube`);
    await Deno.writeTextFile(`${home}/.kube/config`, KUBECONFIG);
    const found = findKubeConfig({ clusterName: "a" }, { kubeconfigEnv: "", home });
    assert.deepEqual([found.source, found.context, found.server], [
      `${home}/.kube/config`,
      "admin",
      "https://10.0.0.1:6443",
    ]);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("findKubeConfig() finding nothing names every place it looked", () => {
  assert.throws(
    () =>
      findKubeConfig({ clusterName: "a" }, { kubeconfigEnv: "", home: "/h", exists: () => false }),
    {
      message:
        `Cannot find a kubeconfig of cluster "a": KUBECONFIG is not set, "/h/.kube/config" does not exist, and this is not a Pod ("${SERVICE_ACCOUNT_TOKEN}" does not exist); give --kubeconfig FILE or set KUBECONFIG`,
    },
  );
});

Deno.test("findKubeConfig() turns to the ServiceAccount when only its token exists", () => {
  // client-node reads KUBERNETES_SERVICE_HOST for the server; without it the in-cluster config
  // has no usable host, but the choice of source is what this checks.
  let asked: string[] = [];
  let source: string;
  try {
    source = findKubeConfig({}, {
      kubeconfigEnv: "",
      home: "/h",
      exists: (path) => (asked = [...asked, path], path === SERVICE_ACCOUNT_TOKEN),
    }).source;
  } catch (error) {
    source = (error as Error).message;
  }
  assert.match(source, /in-cluster ServiceAccount/);
  assert.deepEqual(asked, ["/h/.kube/config", SERVICE_ACCOUNT_TOKEN]);
});
