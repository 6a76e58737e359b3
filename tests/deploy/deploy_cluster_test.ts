/**
 * The manifests of `deploy/` on a real kube-apiserver (with kube-controller-manager for
 * EndpointSlices): they apply cleanly with server-side apply, and the controller, run as the
 * container runs it (entrypoint, Deno permissions, Deployment args, in-cluster ServiceAccount
 * token), syncs with exactly the ClusterRole's rights; without any one read rule it reports a
 * clear RBAC error instead of hanging or crashing.
 */
import assert from "node:assert/strict";
import { parse, stringify } from "yaml";
import { type PolarisEmulator, startPolarisEmulator } from "../../emulator/mod.ts";
import { startControlPlane } from "../cluster/control_plane.ts";
import { ClusterObjects, waitFor } from "../cluster/objects.ts";
import { startInClusterController } from "./in_cluster_controller.ts";
import { kubectl, kubectlOk } from "./kubectl.ts";
import { DEPLOY_DIR, deployManifests, manifestOf, type PolicyRule } from "./manifests.ts";
import { freePort } from "../cluster/free_ports.ts";

const NAMESPACE = "polaris-system";
const SERVICE_ACCOUNT = "polaris-k8s-sync";
const POLARIS_TOKEN = "deploy-test-token";

interface Container {
  readonly args: string[];
  readonly resources: { limits: { memory: string } };
  readonly env: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
}
interface DeploymentManifest {
  readonly spec: { template: { spec: { containers: Container[]; serviceAccountName: string } } };
}

const plane = await startControlPlane();
const objects = new ClusterObjects(plane.kubeconfigPath);
const caPem = await Deno.readTextFile(`${plane.dir}/pki/ca.crt`);
const slow = { sanitizeOps: false, sanitizeResources: false };

/** The Deployment's memory limit in MiB (`512Mi` → 512). */
function memoryLimitMb(): number {
  const limit = manifestOf<DeploymentManifest>("Deployment").spec.template.spec.containers[0]
    .resources.limits.memory;
  const match = /^(\d+)Mi$/.exec(limit);
  if (!match) throw new Error(`Cannot read the Deployment's memory limit "${limit}" as Mi`);
  return Number(match[1]);
}

/** The Deployment's container arguments, listening on a free loopback port instead of 0.0.0.0. */
function deploymentArgs(port: number): string[] {
  const deployment = manifestOf<DeploymentManifest>("Deployment");
  const args = [...deployment.spec.template.spec.containers[0].args];
  const listen = args.indexOf("--listen");
  assert.equal(args[listen + 1], "0.0.0.0:9090", "the Deployment listens on 0.0.0.0:9090");
  args[listen + 1] = `127.0.0.1:${port}`;
  return args;
}

/** The ConfigMap's `mesh` with this test's Polaris address and cluster name, plus `extra` keys. */
function meshFor(polarisUrl: string, extra: Record<string, unknown> = {}): string {
  const configMap = manifestOf<{ data: { mesh: string } }>("ConfigMap");
  const mesh = parse(configMap.data.mesh) as Record<string, Record<string, unknown>>;
  mesh.serverAddress = polarisUrl as never;
  mesh.clusterName = "deploy-test" as never;
  mesh.serviceSync = { ...mesh.serviceSync, ...(extra.serviceSync as object) };
  return stringify(mesh);
}

async function tokenFor(serviceAccount: string): Promise<string> {
  const request = await objects.core.createNamespacedServiceAccountToken({
    name: serviceAccount,
    namespace: NAMESPACE,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = request.status?.token;
  if (!token) throw new Error(`Cannot get a token for "${serviceAccount}"`);
  return token;
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

interface ResourceStatus {
  readonly resource: string;
  readonly lastError?: string;
}

async function clusterErrors(url: string): Promise<string[]> {
  const { body } = await getJson(`${url}/debug/clusters`);
  const clusters = body as { resources: ResourceStatus[] }[];
  return clusters.flatMap((c) => c.resources.flatMap((r) => r.lastError ? [r.lastError] : []));
}

/** Starts the controller as `serviceAccount` against a fresh emulator; stops both afterwards. */
async function withController(
  serviceAccount: string,
  mesh: (polarisUrl: string) => string,
  body: (
    url: string,
    output: () => string,
    emulator: PolarisEmulator,
    pid: number,
  ) => Promise<void>,
): Promise<void> {
  const emulator = await startPolarisEmulator({ token: POLARIS_TOKEN });
  const port = freePort();
  const controller = await startInClusterController({
    server: plane.server,
    caPem,
    token: await tokenFor(serviceAccount),
    namespace: NAMESPACE,
    mesh: mesh(emulator.url),
    args: deploymentArgs(port),
    // What the Deployment's downward-API variable holds: its memory limit in MiB.
    env: { POLARIS_TOKEN, MEMORY_LIMIT_MB: String(memoryLimitMb()) },
  });
  try {
    await body(`http://127.0.0.1:${port}`, controller.output, emulator, controller.pid);
    assert.equal(await controller.stop(), 0, `a clean stop; output:\n${controller.output()}`);
  } catch (error) {
    await controller.stop();
    throw new Error(`${(error as Error).message}\ncontroller output:\n${controller.output()}`, {
      cause: error,
    });
  } finally {
    await emulator.stop();
  }
}

Deno.test({
  name: "deploy/ applies cleanly to the current kube-apiserver with server-side apply",
  ...slow,
  async fn() {
    const result = await kubectl(
      ["apply", "--server-side", "--field-manager=deploy-test", "-k", DEPLOY_DIR],
      { kubeconfig: plane.kubeconfigPath },
    );
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split("\n");
    assert.equal(lines.length, deployManifests().length, result.stdout);
    for (const line of lines) assert.match(line, / serverside-applied$/);
    assert.match(result.stdout, /^deployment\.apps\/polaris-k8s-sync serverside-applied$/m);
    // The Pods of a workload to sync: web in namespace shop, two ready Pods.
    await objects.createNode("node-1");
    await objects.createNamespace("shop");
    await objects.createService("shop", "web", { selector: { app: "web" } });
    for (const [pod, ip] of [["web-1", "10.7.0.1"], ["web-2", "10.7.0.2"]]) {
      await objects.createPod("shop", pod, {
        labels: { app: "web", version: "v3" },
        nodeName: "node-1",
      });
      await objects.setPodReady("shop", pod, ip, true);
    }
  },
});

Deno.test({
  name:
    "the controller syncs as the ServiceAccount, with the image's permissions and the Deployment's args",
  ...slow,
  async fn() {
    const deployment = manifestOf<DeploymentManifest>("Deployment");
    assert.equal(deployment.spec.template.spec.serviceAccountName, SERVICE_ACCOUNT);
    const tokenEnv = deployment.spec.template.spec.containers[0].env.map((e) => e.name);
    assert.deepEqual(
      tokenEnv,
      ["POLARIS_TOKEN", "MEMORY_LIMIT_MB"],
      "the token reaches the controller as POLARIS_TOKEN, the memory limit as MEMORY_LIMIT_MB",
    );
    await withController(
      SERVICE_ACCOUNT,
      (url) => meshFor(url),
      async (url, output, polaris, pid) => {
        const instances = () => polaris.state.instances({ namespace: "shop", service: "web" });
        await waitFor(() => instances().length === 2, {
          timeoutMs: 90_000,
          what: "shop/web synced",
        });
        assert.deepEqual(instances().map((i) => i.host).sort(), ["10.7.0.1", "10.7.0.2"]);
        assert.equal(instances()[0].metadata.clusterName, "deploy-test");
        assert.equal(instances()[0].version, "v3");
        await waitFor(async () => (await getJson(`${url}/readyz`)).status === 200, {
          timeoutMs: 60_000,
          what: "/readyz 200",
        });
        assert.deepEqual(await clusterErrors(url), [], "no cluster source error");
        const status = await Deno.readTextFile(`/proc/${pid}/status`);
        assert.match(status, /^Uid:\s+1993\s/m, "it runs as the image's user");
        const cmdline = (await Deno.readTextFile(`/proc/${pid}/cmdline`)).split("\0");
        const heapMb = Math.floor(memoryLimitMb() * 3 / 4);
        assert.ok(
          cmdline.includes(`--v8-flags=--max-old-space-size=${heapMb}`),
          `the V8 heap is capped at 3/4 of the memory limit: ${cmdline.join(" ")}`,
        );
        const mounts = await Deno.readTextFile(`/proc/${pid}/mountinfo`);
        const root = mounts.split("\n").filter((line) => line.split(" ")[4] === "/").at(-1) ?? "";
        assert.match(
          root.split(" ")[5] ?? "",
          /^ro\b/,
          `its root filesystem is read-only: ${root}`,
        );

        const ready = (await getJson(`${url}/readyz`)).body as { details: { role: string } };
        assert.equal(ready.details.role, "leader", "the Role lets it take the Lease");
        const holder = await kubectlOk(
          [
            "get",
            "lease",
            "polaris-k8s-sync",
            "-n",
            NAMESPACE,
            "-o",
            "jsonpath={.spec.holderIdentity}",
          ],
          { kubeconfig: plane.kubeconfigPath },
        );
        assert.ok(
          holder.startsWith(`${Deno.hostname()}-`),
          `--allow-sys=hostname gives the identity: "${holder}"`,
        );
        // An invalid annotation calls for an Event on the Service: the ClusterRole lets it write one.
        await objects.createService("shop", "odd", {
          annotations: { "polarismesh.cn/sync": "maybe" },
        });
        await waitFor(async () => {
          const events = await objects.core.listNamespacedEvent({ namespace: "shop" });
          return events.items.some((e) => e.involvedObject.name === "odd");
        }, { timeoutMs: 60_000, what: "an Event on shop/odd" });
        assert.doesNotMatch(output(), /NotCapable|Requires \w+ access/, "no Deno permission error");
      },
    );
  },
});

/**
 * Creates ServiceAccount `name` with the ClusterRole's and the leader-election Role's rules, less
 * those `drop` picks out, each bound to it alone.
 */
async function accountWithout(
  name: string,
  drop: (rule: PolicyRule, kind: "ClusterRole" | "Role") => boolean,
): Promise<number> {
  const clusterRules = manifestOf<{ rules: PolicyRule[] }>("ClusterRole").rules;
  const roleRules = manifestOf<{ rules: PolicyRule[] }>("Role").rules;
  const keptCluster = clusterRules.filter((rule) => !drop(rule, "ClusterRole"));
  const keptRole = roleRules.filter((rule) => !drop(rule, "Role"));
  await objects.core.createNamespacedServiceAccount({
    namespace: NAMESPACE,
    body: { metadata: { name } },
  });
  const subjects = [{ kind: "ServiceAccount", name, namespace: NAMESPACE }];
  const roleRef = (kind: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind, name });
  await objects.rbac.createClusterRole({
    body: { metadata: { name }, rules: keptCluster as never },
  });
  await objects.rbac.createClusterRoleBinding({
    body: { metadata: { name }, roleRef: roleRef("ClusterRole"), subjects },
  });
  await objects.rbac.createNamespacedRole({
    namespace: NAMESPACE,
    body: { metadata: { name }, rules: keptRole as never },
  });
  await objects.rbac.createNamespacedRoleBinding({
    namespace: NAMESPACE,
    body: { metadata: { name }, roleRef: roleRef("Role"), subjects },
  });
  return clusterRules.length + roleRules.length - keptCluster.length - keptRole.length;
}

/** The ClusterRole's read rules, with the mesh keys that make the controller use each. */
const READ_RULES: readonly { resource: string; extra?: Record<string, unknown> }[] = [
  { resource: "namespaces" },
  { resource: "services" },
  { resource: "endpointslices" },
  // Only read where EndpointSlices are not served, or when configured.
  { resource: "endpoints", extra: { serviceSync: { endpointsApi: "endpoints" } } },
  { resource: "pods" },
];

for (const { resource, extra } of READ_RULES) {
  Deno.test({
    name:
      `without the ClusterRole rule for ${resource}, the controller names it and stays up, not ready`,
    ...slow,
    async fn() {
      const name = `without-${resource}`;
      const dropped = await accountWithout(
        name,
        (rule, kind) => kind === "ClusterRole" && rule.resources.includes(resource),
      );
      assert.equal(dropped, 1, `one rule names ${resource}`);
      await withController(name, (url) => meshFor(url, extra), async (url) => {
        const expected = new RegExp(
          `Cannot (list|watch) ${resource}: forbidden by RBAC.*cannot (list|watch) resource "${resource}"`,
        );
        const errors = await waitFor(async () => {
          const found = await clusterErrors(url);
          return found.some((e) => expected.test(e)) && found;
        }, { timeoutMs: 90_000, what: `an RBAC error naming ${resource}` });
        assert.ok(errors.every((e) => e.includes(resource)), `only ${resource} fails: ${errors}`);
        assert.equal((await getJson(`${url}/healthz`)).status, 200, "still alive");
        const ready = await getJson(`${url}/readyz`);
        assert.equal(ready.status, 503, "not ready without the rule");
        assert.match(JSON.stringify(ready.body), /deploy-test/);
      });
    },
  });
}

Deno.test({
  name: "without the ClusterRole rule for events, the controller logs the refused Event write",
  ...slow,
  async fn() {
    const name = "without-events";
    const dropped = await accountWithout(
      name,
      (rule, kind) => kind === "ClusterRole" && rule.resources.includes("events"),
    );
    assert.equal(dropped, 1);
    await withController(name, (url) => meshFor(url), async (_url, output) => {
      // shop/odd carries an invalid annotation (created by the sync test): it calls for an Event.
      await waitFor(() => /Cannot write a Kubernetes Event.*events/.test(output()), {
        timeoutMs: 90_000,
        what: "the refused Event write in the output",
      });
      const line = output().split("\n").find((l) => l.includes("Cannot write a Kubernetes Event"));
      assert.match(line ?? "", /forbidden|Forbidden|403/, "the refusal is named");
      assert.match(
        line ?? "",
        /cannot (create|patch) resource \\?"events\\?"/,
        "the verb is named",
      );
    });
  },
});

/**
 * TODO(#7): the Lease elector logs a follower's failed round at debug level, so a missing Role
 * rule is silent at the default level and the replica quietly stays a follower. These two tests
 * pass with `--log-level debug`; turn them on once adapters/leader/lease_elector.ts logs such a
 * failure (a 403 at least) at warn or error.
 */
const LEASE_FAILURES_LOGGED = true;

for (const verb of ["create", "update"]) {
  Deno.test({
    name: `without the Role rule to ${verb} Leases, the controller says why it cannot lead`,
    ignore: !LEASE_FAILURES_LOGGED,
    ...slow,
    async fn() {
      const name = `without-lease-${verb}`;
      const dropped = await accountWithout(
        name,
        (rule, kind) => kind === "Role" && rule.verbs.includes(verb),
      );
      assert.equal(dropped, 1);
      // Without "create" the Lease must be missing to matter: earlier runs left it behind.
      await kubectlOk([
        "delete",
        "lease",
        "polaris-k8s-sync",
        "-n",
        NAMESPACE,
        "--ignore-not-found",
      ], {
        kubeconfig: plane.kubeconfigPath,
      });
      await withController(name, (url) => meshFor(url), async (url, output) => {
        await waitFor(() => /Lease.*forbidden|Lease.*403/i.test(output()), {
          timeoutMs: 90_000,
          what: "a Lease RBAC error in the output",
        });
        const line = output().split("\n").find((l) => /Lease.*(forbidden|403)/i.test(l)) ?? "";
        assert.match(line, /leases/, "the resource is named");
        assert.equal((await getJson(`${url}/healthz`)).status, 200, "still alive");
        const ready = await getJson(`${url}/readyz`);
        assert.match(JSON.stringify(ready.body), /"role":"follower"/, "it does not write");
      });
    },
  });
}

Deno.test({
  name: "deploy tests: teardown",
  ...slow,
  async fn() {
    await objects.close();
    await plane.stop();
  },
});
