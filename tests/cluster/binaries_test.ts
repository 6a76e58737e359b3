import { equal, throws } from "node:assert/strict";
import { controlPlaneBinDir, findControlPlaneBinaries } from "./binaries.ts";

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

Deno.test("controlPlaneBinDir() prefers POLARIS_K8S_SYNC_BIN, then XDG_CACHE_HOME, then HOME", () => {
  withEnv({ POLARIS_K8S_SYNC_BIN: "/opt/bin", XDG_CACHE_HOME: "/xdg", HOME: "/home/u" }, () => {
    equal(controlPlaneBinDir(), "/opt/bin");
  });
  withEnv({ POLARIS_K8S_SYNC_BIN: undefined, XDG_CACHE_HOME: "/xdg", HOME: "/home/u" }, () => {
    equal(controlPlaneBinDir(), "/xdg/polaris-k8s-sync/bin");
  });
  withEnv({ POLARIS_K8S_SYNC_BIN: undefined, XDG_CACHE_HOME: undefined, HOME: "/home/u" }, () => {
    equal(controlPlaneBinDir(), "/home/u/.cache/polaris-k8s-sync/bin");
  });
});

Deno.test("findControlPlaneBinaries() throws naming the missing binaries and the build command", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/etcd`, "#!/bin/sh\n");
    Deno.chmodSync(`${dir}/etcd`, 0o755);
    withEnv({ POLARIS_K8S_SYNC_BIN: dir }, () => {
      throws(
        () => findControlPlaneBinaries(),
        (error: Error) =>
          error.message.includes(
            '"kube-apiserver", "kube-controller-manager", "etcdctl" not found',
          ) &&
          error.message.includes("bash tests/cluster/build-control-plane.sh") &&
          !error.message.includes('"etcd",'),
      );
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
