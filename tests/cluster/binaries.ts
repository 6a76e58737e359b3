/**
 * Locates the test control plane's binaries (kube-apiserver, kube-controller-manager, etcd,
 * etcdctl), built by `tests/cluster/build-control-plane.sh` into a cache outside the checkout
 * (SPEC §9), so a fresh clone or a CI run on the same machine reuses them.
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

/**
 * Returns the folder that holds the binaries: `POLARIS_K8S_SYNC_BIN` when set, else
 * `${XDG_CACHE_HOME:-$HOME/.cache}/polaris-k8s-sync/bin` (the build script's default).
 */
export function controlPlaneBinDir(): string {
  const override = Deno.env.get("POLARIS_K8S_SYNC_BIN");
  if (override) return override;
  const cache = Deno.env.get("XDG_CACHE_HOME") || `${Deno.env.get("HOME") ?? ""}/.cache`;
  return `${cache}/polaris-k8s-sync/bin`;
}

/**
 * Returns the absolute path of each binary, or throws naming the missing ones and the command
 * that builds them. It never returns "skip": a silently skipped end-to-end tier is a CI failure.
 */
export function findControlPlaneBinaries(): Record<ControlPlaneBinary, string> {
  const dir = controlPlaneBinDir();
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
    throw new Error(
      `Cannot start the test control plane: ${missing.map((name) => `"${name}"`).join(", ")} ` +
        `not found in "${dir}". Build them with \`bash tests/cluster/build-control-plane.sh\` ` +
        `(about 4 minutes, once per machine) or point POLARIS_K8S_SYNC_BIN at a folder that has them`,
    );
  }
  return found as Record<ControlPlaneBinary, string>;
}
