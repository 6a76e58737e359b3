/**
 * Static checks of `deploy/`, the Dockerfile and the Deno permission list: what holds them
 * together (names, paths, ports, the user), so that one cannot change without the others.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../adapters/config/load_config.ts";
import { CONFIG_DIR, SERVICE_ACCOUNT_DIR } from "./in_cluster_controller.ts";
import {
  DEPLOY_DIR,
  deployManifests,
  kustomizationResources,
  type Manifest,
  manifestOf,
  type PolicyRule,
} from "./manifests.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

interface Probe {
  readonly httpGet: { path: string; port: string };
}
interface Container {
  readonly image: string;
  readonly args: string[];
  readonly env: { name: string; valueFrom: { secretKeyRef: Record<string, unknown> } }[];
  readonly ports: { name: string; containerPort: number }[];
  readonly livenessProbe: Probe;
  readonly readinessProbe: Probe;
  readonly resources: {
    requests: Record<string, string>;
    limits: Record<string, string>;
  };
  readonly securityContext: Record<string, unknown> & {
    capabilities: { drop: string[]; add?: string[] };
  };
  readonly volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken?: boolean;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly enableServiceLinks: boolean;
  readonly securityContext: Record<string, unknown>;
  readonly containers: Container[];
  readonly volumes: {
    name: string;
    configMap?: { name: string; items: { key: string; path: string }[] };
    emptyDir?: unknown;
  }[];
}
interface Deployment extends Manifest {
  readonly spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}

function deployment(): Deployment {
  return manifestOf<Deployment>("Deployment");
}

function argValue(args: readonly string[], flag: string): string {
  const index = args.indexOf(flag);
  assert.ok(index >= 0 && index + 1 < args.length, `${flag} is passed`);
  return args[index + 1];
}

/** The words of deploy/deno_permissions.txt, as container_entrypoint.sh reads them. */
function permissionFlags(): string[] {
  return Deno.readTextFileSync(`${DEPLOY_DIR}deno_permissions.txt`).split("\n")
    .map((line) => line.replace(/#.*/, ""))
    .flatMap((line) => line.split(/\s+/).filter((word) => word !== ""));
}

Deno.test("kustomization.yaml lists every manifest of deploy/", () => {
  const files = [...Deno.readDirSync(DEPLOY_DIR)].map((e) => e.name)
    .filter((name) => name.endsWith(".yaml") && name !== "kustomization.yaml").sort();
  assert.deepEqual([...kustomizationResources()].sort(), files);
});

Deno.test("every object of deploy/ is labelled and namespaced in polaris-system", () => {
  for (const object of deployManifests()) {
    assert.equal(object.metadata.labels?.["app.kubernetes.io/part-of"], "polaris-k8s-sync");
    const clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(object.kind);
    assert.equal(object.metadata.namespace, clusterScoped ? undefined : "polaris-system");
  }
  assert.equal(manifestOf("Namespace").metadata.name, "polaris-system");
});

Deno.test("the Deployment runs two non-root replicas on a read-only root with probes and limits", () => {
  const { spec } = deployment();
  assert.equal(spec.replicas, 2);
  assert.deepEqual(spec.selector.matchLabels, {
    "app.kubernetes.io/name": spec.template.metadata.labels["app.kubernetes.io/name"],
  });
  const pod = spec.template.spec;
  assert.equal(pod.serviceAccountName, manifestOf("ServiceAccount").metadata.name);
  assert.equal(pod.enableServiceLinks, false, "deno_permissions.txt grants every variable");
  assert.equal(pod.securityContext.runAsNonRoot, true);
  const [container] = pod.containers;
  assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  assert.equal(container.securityContext.allowPrivilegeEscalation, false);
  assert.equal(container.securityContext.runAsNonRoot, true);
  assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
  assert.equal(container.livenessProbe.httpGet.path, "/healthz");
  assert.equal(container.readinessProbe.httpGet.path, "/readyz");
  const port = container.ports.find((p) => p.name === container.livenessProbe.httpGet.port);
  assert.equal(container.readinessProbe.httpGet.port, port?.name);
  assert.equal(`0.0.0.0:${port?.containerPort}`, argValue(container.args, "--listen"));
  for (const bound of [container.resources.requests, container.resources.limits]) {
    assert.ok(bound.cpu && bound.memory, JSON.stringify(container.resources));
  }
  const tmp = container.volumeMounts.find((m) => m.mountPath === "/tmp");
  assert.ok(pod.volumes.find((v) => v.name === tmp?.name)?.emptyDir, "a writable /tmp");
});

Deno.test("the Deployment mounts the mesh ConfigMap where --config points and the token as POLARIS_TOKEN", () => {
  const [container] = deployment().spec.template.spec.containers;
  const configPath = argValue(container.args, "--config");
  assert.equal(configPath, `${CONFIG_DIR}/mesh.yaml`, "where tests/deploy/ puts it");
  const mount = container.volumeMounts.find((m) => configPath.startsWith(`${m.mountPath}/`));
  assert.ok(mount?.readOnly, "the config is mounted read-only");
  const volume = deployment().spec.template.spec.volumes.find((v) => v.name === mount.name);
  assert.equal(volume?.configMap?.name, manifestOf("ConfigMap").metadata.name);
  assert.deepEqual(volume?.configMap?.items, [{
    key: "mesh",
    path: configPath.slice(mount.mountPath.length + 1),
  }]);
  assert.deepEqual(container.env, [{
    name: "POLARIS_TOKEN",
    valueFrom: { secretKeyRef: { name: "polaris-k8s-sync-token", key: "token", optional: true } },
  }, {
    name: "MEMORY_LIMIT_MB",
    valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } },
  }]);
});

Deno.test("the mesh ConfigMap is a valid config whose Lease the leader-election Role covers", () => {
  const mesh = manifestOf<{ data: { mesh: string } }>("ConfigMap").data.mesh;
  const loaded = loadConfig(["--config", "mesh.yaml"], {
    env: {},
    readTextFile: () => mesh,
    inCluster: true,
  });
  assert.equal(loaded.kind, "config", JSON.stringify(loaded));
  if (loaded.kind !== "config") return;
  assert.deepEqual(loaded.warnings, []);
  assert.equal(loaded.config.clusters[0].origin.kind, "in-cluster");
  const election = loaded.config.leaderElection;
  assert.equal(election.enabled, true);
  const role = manifestOf<{ rules: PolicyRule[] }>("Role");
  assert.equal(role.metadata.namespace, election.namespace);
  const renew = role.rules.find((rule) => rule.verbs.includes("update"));
  assert.deepEqual(renew?.resourceNames, [election.name]);
  assert.deepEqual([...renew!.verbs].sort(), ["get", "update"]);
  assert.ok(role.rules.some((rule) => rule.verbs.join() === "create" && !rule.resourceNames));
});

Deno.test("the ClusterRole reads what the controller watches and writes only Events", () => {
  const rules = manifestOf<{ rules: PolicyRule[] }>("ClusterRole").rules;
  const granted = rules.map((rule) => ({
    groups: rule.apiGroups.join(),
    resources: rule.resources.join(),
    verbs: [...rule.verbs].sort().join(),
  }));
  assert.deepEqual(granted, [
    { groups: "", resources: "namespaces", verbs: "get,list,watch" },
    { groups: "", resources: "services", verbs: "get,list,watch" },
    { groups: "discovery.k8s.io", resources: "endpointslices", verbs: "get,list,watch" },
    { groups: "", resources: "endpoints", verbs: "get,list,watch" },
    { groups: "", resources: "pods", verbs: "get,list,watch" },
    { groups: "", resources: "events", verbs: "create,patch" },
  ]);
});

Deno.test("the bindings give both roles to the ServiceAccount and nobody else", () => {
  const account = manifestOf("ServiceAccount").metadata;
  for (const [kind, roleKind] of [["ClusterRoleBinding", "ClusterRole"], ["RoleBinding", "Role"]]) {
    const binding = manifestOf<{ roleRef: { kind: string; name: string }; subjects: unknown[] }>(
      kind,
    );
    assert.deepEqual(binding.roleRef, {
      apiGroup: "rbac.authorization.k8s.io",
      kind: roleKind,
      name: manifestOf(roleKind).metadata.name,
    });
    assert.deepEqual(binding.subjects, [{
      kind: "ServiceAccount",
      name: account.name,
      namespace: account.namespace,
    }]);
  }
});

Deno.test("the metrics Service selects the controller's Pods on its listen port", () => {
  const service = manifestOf<{
    spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
  }>("Service");
  assert.deepEqual(service.spec.selector, deployment().spec.selector.matchLabels);
  assert.equal(service.spec.ports[0].targetPort, "http");
  assert.equal(service.spec.ports[0].port, 9090);
});

Deno.test("deno_permissions.txt grants network, the two mounted folders, env and the hostname", () => {
  assert.deepEqual(permissionFlags(), [
    "--allow-net",
    `--allow-read=${CONFIG_DIR},${SERVICE_ACCOUNT_DIR}`,
    "--allow-env",
    "--allow-sys=hostname",
  ]);
});

Deno.test("the Dockerfile starts the entrypoint as the Deployment's user, with its arguments", () => {
  const dockerfile = Deno.readTextFileSync(`${ROOT}Dockerfile`);
  const instructions = dockerfile.split("\n").filter((line) => !line.startsWith("#"));
  assert.ok(!instructions.some((line) => /--allow-|-A\b/.test(line)), "no Deno flags here");
  assert.match(dockerfile, /^FROM denoland\/deno:\$\{DENO_VERSION\}$/m);
  assert.match(dockerfile, /^ENTRYPOINT \["\/app\/deploy\/container_entrypoint\.sh"\]$/m);
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
  const [container] = deployment().spec.template.spec.containers;
  assert.deepEqual(JSON.parse(cmd?.[1] ?? "[]"), container.args);
  const user = /^USER (\d+):(\d+)$/m.exec(dockerfile);
  const pod = deployment().spec.template.spec.securityContext;
  assert.deepEqual([Number(user?.[1]), Number(user?.[2])], [pod.runAsUser, pod.runAsGroup]);
  assert.equal(container.image.split(":")[0], "polaris-k8s-sync", "install.sh --image renames it");
});

Deno.test(".dockerignore keeps the entrypoint, its permissions and every module main.ts imports", async () => {
  const ignored = Deno.readTextFileSync(`${ROOT}.dockerignore`).split("\n")
    .filter((line) => line && !line.startsWith("#"));
  assert.ok(ignored.includes("!deploy/container_entrypoint.sh"));
  assert.ok(ignored.includes("!deploy/deno_permissions.txt"));
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: ROOT,
    stdin: "null",
    stderr: "inherit",
  }).output();
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    modules: { specifier: string }[];
  };
  const local = info.modules.map((m) => m.specifier).filter((s) => s.startsWith("file://"))
    .map((s) => new URL(s).pathname.slice(ROOT.length));
  assert.ok(local.length > 10, local.join());
  const excludedDirs = ignored.filter((line) => !line.includes("*") && !line.startsWith("!"));
  for (const path of local) {
    assert.ok(!path.endsWith("_test.ts") && !path.includes("/testdata/"), path);
    assert.ok(!excludedDirs.some((dir) => path === dir || path.startsWith(`${dir}/`)), path);
  }
});

Deno.test("the Pod drops every capability and privilege, under the runtime's seccomp profile", () => {
  const pod = deployment().spec.template.spec;
  assert.deepEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
  assert.ok(Number.isInteger(pod.securityContext.runAsUser), "a numeric user, for runAsNonRoot");
  assert.notEqual(pod.securityContext.runAsUser, 0);
  assert.deepEqual([pod.hostNetwork, pod.hostPID, pod.hostIPC], [undefined, undefined, undefined]);
  for (const container of pod.containers) {
    const context = container.securityContext;
    assert.equal(context.privileged, undefined, "never privileged");
    assert.equal(context.capabilities.add, undefined, "no capability added back");
    assert.deepEqual(context.capabilities.drop, ["ALL"]);
    assert.equal(context.allowPrivilegeEscalation, false);
    assert.equal(context.readOnlyRootFilesystem, true);
  }
});

Deno.test("the Pod can write only to its emptyDir /tmp; everything else it mounts is read-only", () => {
  const pod = deployment().spec.template.spec;
  const [container] = pod.containers;
  const writable = container.volumeMounts.filter((mount) => !mount.readOnly);
  assert.deepEqual(writable.map((mount) => mount.mountPath), ["/tmp"]);
  const tmp = pod.volumes.find((volume) => volume.name === writable[0].name);
  assert.ok(tmp?.emptyDir, "/tmp is an emptyDir");
  // The in-cluster config reads the ServiceAccount token that Kubernetes mounts.
  assert.notEqual(pod.automountServiceAccountToken, false);
});

Deno.test("the image's Deno cache is filled at build time, outside every volume, and only read", () => {
  const dockerfile = Deno.readTextFileSync(`${ROOT}Dockerfile`);
  const entrypoint = Deno.readTextFileSync(`${DEPLOY_DIR}container_entrypoint.sh`);
  const denoDir = /^ENV DENO_DIR=(\S+)/m.exec(dockerfile)?.[1] ?? "";
  assert.ok(denoDir?.startsWith("/"), "the Dockerfile fixes DENO_DIR");
  const [container] = deployment().spec.template.spec.containers;
  for (const mount of container.volumeMounts) {
    const hidden = denoDir === mount.mountPath || denoDir.startsWith(`${mount.mountPath}/`);
    assert.ok(!hidden, `the volume on ${mount.mountPath} would hide the cache in ${denoDir}`);
  }
  assert.ok(!container.env.some((v) => v.name.startsWith("DENO_")), "the image's Deno settings");
  // Filled as root before USER, from the lockfile, then proved complete by one real start.
  const user = dockerfile.search(/^USER /m);
  for (const step of [/^RUN deno install --frozen$/m, /^RUN deno cache --frozen main\.ts/m]) {
    const at = dockerfile.search(step);
    assert.ok(at >= 0 && at < user, `${step} runs before USER`);
  }
  assert.match(dockerfile, /deploy\/container_entrypoint\.sh --help/);
  // At run time: nothing downloaded, the lockfile unchanged, no V8 code cache written.
  for (const flag of ["--cached-only", "--frozen", "--no-code-cache"]) {
    assert.match(entrypoint, new RegExp(`exec deno run [^\\n]*${flag}`), flag);
  }
  assert.ok(!permissionFlags().some((flag) => flag.startsWith("--allow-write")), "no writes");
});
