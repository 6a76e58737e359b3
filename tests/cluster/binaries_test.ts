import { equal, match, throws } from "node:assert/strict";
import {
  controlPlaneBinDir,
  currentKubernetesVersion,
  findControlPlaneBinaries,
  requiredKubernetesVersion,
} from "./binaries.ts";

function withEnv(values: Record<string, string | undefined>, body: () => void): void {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, Deno.env.get(name)]));
  try {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
    body();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
}

const NO_OVERRIDES = { POLARIS_K8S_SYNC_BIN: undefined, POLARIS_K8S_SYNC_CURRENT_BIN: undefined };

Deno.test("requiredKubernetesVersion() reads the k8s.io/kubernetes requirement of a go.mod", () => {
  const block = [
    "// k8s.io/kubernetes v9.9.9 in a comment does not count",
    "module example/wrapper",
    "require (",
    "\tk8s.io/api v0.37.2 // indirect",
    "\tk8s.io/kubernetes v1.37.2 // indirect",
    ")",
    "replace k8s.io/api => k8s.io/api v0.37.2",
  ].join("\n");
  equal(requiredKubernetesVersion(block), "v1.37.2");
  equal(requiredKubernetesVersion("module m\nrequire k8s.io/kubernetes v1.36.4\n"), "v1.36.4");
  throws(() => requiredKubernetesVersion("module m\nrequire k8s.io/api v0.37.2\n"), /Cannot find/);
});

Deno.test("currentKubernetesVersion() is the version tests/deps/kubernetes/go.mod pins", () => {
  const goMod = Deno.readTextFileSync(new URL("../deps/kubernetes/go.mod", import.meta.url));
  const pinned = goMod.match(/^\s*k8s\.io\/kubernetes (v\d+\.\d+\.\d+)/m)?.[1];
  match(currentKubernetesVersion(), /^v1\.\d+\.\d+$/);
  equal(currentKubernetesVersion(), pinned);
});

Deno.test("controlPlaneBinDir() prefers the version's override, then XDG_CACHE_HOME, then HOME", () => {
  const version = currentKubernetesVersion();
  withEnv({ POLARIS_K8S_SYNC_BIN: "/opt/bin", XDG_CACHE_HOME: "/xdg", HOME: "/home/u" }, () => {
    equal(controlPlaneBinDir("1.20"), "/opt/bin");
    equal(controlPlaneBinDir("current"), `/xdg/polaris-k8s-sync/kubernetes-${version}`);
  });
  withEnv({ POLARIS_K8S_SYNC_CURRENT_BIN: "/opt/k8s", XDG_CACHE_HOME: "/xdg" }, () => {
    equal(controlPlaneBinDir(), "/opt/k8s");
  });
  withEnv({ ...NO_OVERRIDES, XDG_CACHE_HOME: "/xdg", HOME: "/home/u" }, () => {
    equal(controlPlaneBinDir("1.20"), "/xdg/polaris-k8s-sync/bin");
    equal(controlPlaneBinDir(), `/xdg/polaris-k8s-sync/kubernetes-${version}`);
  });
  withEnv({ ...NO_OVERRIDES, XDG_CACHE_HOME: undefined, HOME: "/home/u" }, () => {
    equal(controlPlaneBinDir("1.20"), "/home/u/.cache/polaris-k8s-sync/bin");
    equal(controlPlaneBinDir("current"), `/home/u/.cache/polaris-k8s-sync/kubernetes-${version}`);
  });
});

Deno.test("findControlPlaneBinaries() throws naming the missing binaries and each version's build command", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/etcd`, "#!/bin/sh\n");
    Deno.chmodSync(`${dir}/etcd`, 0o755);
    Deno.writeTextFileSync(`${dir}/etcdctl`, "not executable\n");
    withEnv({ POLARIS_K8S_SYNC_BIN: dir, POLARIS_K8S_SYNC_CURRENT_BIN: dir }, () => {
      throws(
        () => findControlPlaneBinaries("1.20"),
        (error: Error) =>
          error.message.includes("Kubernetes v1.20.2") &&
          error.message.includes(
            '"kube-apiserver", "kube-controller-manager", "etcdctl" not found',
          ) &&
          error.message.includes("bash tests/cluster/build-control-plane.sh") &&
          error.message.includes("POLARIS_K8S_SYNC_BIN ") &&
          !error.message.includes('"etcd",'),
      );
      throws(
        () => findControlPlaneBinaries(),
        (error: Error) =>
          error.message.includes(`Kubernetes ${currentKubernetesVersion()}`) &&
          error.message.includes('"kube-apiserver", "kube-controller-manager", "etcdctl"') &&
          error.message.includes("bash tests/deps/build-go-deps.sh kubernetes") &&
          error.message.includes("POLARIS_K8S_SYNC_CURRENT_BIN"),
      );
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("findControlPlaneBinaries() returns every path when all four are executable", () => {
  const dir = Deno.makeTempDirSync();
  try {
    for (const name of ["kube-apiserver", "kube-controller-manager", "etcd", "etcdctl"]) {
      Deno.writeTextFileSync(`${dir}/${name}`, "#!/bin/sh\n");
      Deno.chmodSync(`${dir}/${name}`, 0o755);
    }
    withEnv({ POLARIS_K8S_SYNC_CURRENT_BIN: dir }, () => {
      const found = findControlPlaneBinaries("current");
      equal(found["kube-apiserver"], `${dir}/kube-apiserver`);
      equal(found.etcdctl, `${dir}/etcdctl`);
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
