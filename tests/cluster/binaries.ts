/**
 * Locates the test control plane's binaries (kube-apiserver, kube-controller-manager, etcd,
 * etcdctl) for each Kubernetes version the tests run on, in caches outside the checkout (README
 * "Tests"), so a fresh clone or a CI run on the same machine reuses them:
 *
 * - `current`: the version pinned by `tests/deps/kubernetes/go.mod` (one place), built by
 *   `bash tests/deps/build-go-deps.sh kubernetes` into
 *   `${XDG_CACHE_HOME:-$HOME/.cache}/polaris-k8s-sync/kubernetes-<version>/`, with the etcd of the
 *   same module graph;
 * - `1.20`: v1.20.2, the oldest supported version (EndpointSlice `v1beta1` only), built from
 *   Debian's source package by `bash tests/cluster/build-control-plane.sh` into
 *   `${XDG_CACHE_HOME:-$HOME/.cache}/polaris-k8s-sync/bin/`, with Debian's etcd 3.4.
 *
 * @module
 */

/** The four binaries a test control plane needs. */
export const CONTROL_PLANE_BINARIES = [
  "kube-apiserver",
  "kube-controller-manager",
  "etcd",
  "etcdctl",
] as const;

/** One of `CONTROL_PLANE_BINARIES`. */
export type ControlPlaneBinary = typeof CONTROL_PLANE_BINARIES[number];

/** The Kubernetes versions a test control plane runs: the pinned current one, or v1.20.2. */
export type KubernetesVersion = "current" | "1.20";

/** Every `KubernetesVersion`, newest first. */
export const KUBERNETES_VERSIONS: readonly KubernetesVersion[] = ["current", "1.20"];

/** Where each version's binaries come from: the folder override and the build command. */
interface VersionSource {
  readonly envOverride: string;
  readonly buildCommand: string;
  readonly buildCost: string;
}

const SOURCES: Readonly<Record<KubernetesVersion, VersionSource>> = {
  current: {
    envOverride: "POLARIS_K8S_SYNC_CURRENT_BIN",
    buildCommand: "bash tests/deps/build-go-deps.sh kubernetes",
    buildCost: "needs Go >= 1.26 and the Go module proxy; long from an empty Go cache",
  },
  "1.20": {
    envOverride: "POLARIS_K8S_SYNC_BIN",
    buildCommand: "bash tests/cluster/build-control-plane.sh",
    buildCost: "about 4 minutes, once per machine",
  },
};

/** The wrapper module that pins the current Kubernetes version. */
const CURRENT_GO_MOD = new URL("../deps/kubernetes/go.mod", import.meta.url);

/**
 * Returns the version of `k8s.io/kubernetes` that a wrapper `go.mod` text requires (for example
 * `v1.37.2`), from a `require` block line or a one-line `require`; throws when it has none.
 */
export function requiredKubernetesVersion(goMod: string): string {
  for (const raw of goMod.split("\n")) {
    const fields = raw.replace(/\/\/.*$/, "").trim().split(/\s+/);
    if (fields[0] === "require") fields.shift();
    if (fields[0] === "k8s.io/kubernetes" && /^v\d+\.\d+\.\d+/.test(fields[1] ?? "")) {
      return fields[1];
    }
  }
  throw new Error("Cannot find the k8s.io/kubernetes requirement in tests/deps/kubernetes/go.mod");
}

/** The current Kubernetes version, as pinned by `tests/deps/kubernetes/go.mod` (e.g. `v1.37.2`). */
export function currentKubernetesVersion(): string {
  return requiredKubernetesVersion(Deno.readTextFileSync(CURRENT_GO_MOD));
}

/**
 * Returns the folder that holds a version's binaries: its environment override when set
 * (`POLARIS_K8S_SYNC_CURRENT_BIN` for `current`, `POLARIS_K8S_SYNC_BIN` for `1.20`), else the
 * build script's default under `${XDG_CACHE_HOME:-$HOME/.cache}/polaris-k8s-sync`.
 */
export function controlPlaneBinDir(kubernetes: KubernetesVersion = "current"): string {
  const override = Deno.env.get(SOURCES[kubernetes].envOverride);
  if (override) return override;
  const cache = Deno.env.get("XDG_CACHE_HOME") || `${Deno.env.get("HOME") ?? ""}/.cache`;
  return kubernetes === "current"
    ? `${cache}/polaris-k8s-sync/kubernetes-${currentKubernetesVersion()}`
    : `${cache}/polaris-k8s-sync/bin`;
}

/**
 * Returns the absolute path of each binary of a version, or throws naming the missing ones and the
 * command that builds them. It never returns "skip": a silently skipped tier is a CI failure.
 */
export function findControlPlaneBinaries(
  kubernetes: KubernetesVersion = "current",
): Record<ControlPlaneBinary, string> {
  const dir = controlPlaneBinDir(kubernetes);
  const found: Partial<Record<ControlPlaneBinary, string>> = {};
  const missing: string[] = [];
  for (const name of CONTROL_PLANE_BINARIES) {
    const path = `${dir}/${name}`;
    try {
      const info = Deno.statSync(path);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) {
        found[name] = path;
        continue;
      }
    } catch {
      // Not there: reported below with the others.
    }
    missing.push(name);
  }
  if (missing.length > 0) {
    const source = SOURCES[kubernetes];
    const label = kubernetes === "current"
      ? `Kubernetes ${currentKubernetesVersion()}`
      : "Kubernetes v1.20.2";
    throw new Error(
      `Cannot start the ${label} test control plane: ` +
        `${missing.map((name) => `"${name}"`).join(", ")} not found in "${dir}". ` +
        `Build them with \`${source.buildCommand}\` (${source.buildCost}) ` +
        `or point ${source.envOverride} at a folder that has them`,
    );
  }
  return found as Record<ControlPlaneBinary, string>;
}
