/**
 * Runs the controller the way its container does, on this machine: the image's entrypoint
 * `deploy/container_entrypoint.sh` (so exactly the Deno permissions of
 * `deploy/deno_permissions.txt`), the Deployment's arguments, the `mesh` config at
 * `/etc/polaris-k8s-sync/mesh.yaml`, and the in-cluster config of @kubernetes/client-node: a
 * ServiceAccount token, CA and namespace in `/var/run/secrets/kubernetes.io/serviceaccount` and
 * `KUBERNETES_SERVICE_HOST`/`PORT` in an environment holding nothing else that matters.
 *
 * Those paths are fixed, so the process gets a private mount namespace (`unshare --mount`, as
 * root): an overlay on `/etc` and a tmpfs on `/var/run` that only it sees. The image's other
 * promises are kept there too: the root filesystem is remounted read-only (with a writable `/tmp`,
 * the Deployment's emptyDir: a folder of the test's own, so that a test can see what was written
 * there), the Deno cache is a read-only bind mount, and the process runs as the image's user,
 * uid 1993. The host's directories are never written.
 *
 * @module
 */

const ROOT = new URL("../../", import.meta.url).pathname;

/** Where the Deployment mounts the `mesh` ConfigMap key. */
export const CONFIG_DIR = "/etc/polaris-k8s-sync";

/** Where Kubernetes mounts the ServiceAccount token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Options of {@linkcode startInClusterController}. */
export interface InClusterOptions {
  /** The API server, `https://127.0.0.1:<port>`; becomes `KUBERNETES_SERVICE_HOST`/`PORT`. */
  readonly server: string;
  /** PEM of the API server's CA (the Pod's `ca.crt`). */
  readonly caPem: string;
  /** A ServiceAccount token (the Pod's `token`). */
  readonly token: string;
  /** The Pod's namespace (the Pod's `namespace` file). */
  readonly namespace: string;
  /** The `mesh` YAML, written to `/etc/polaris-k8s-sync/mesh.yaml`. */
  readonly mesh: string;
  /** More files in the ConfigMap volume, by path below `/etc/polaris-k8s-sync`. */
  readonly configFiles?: Readonly<Record<string, string>>;
  /** Arguments after the entrypoint: the Deployment's `args`. */
  readonly args: readonly string[];
  /** More environment variables (the Deployment's `env`, such as `POLARIS_TOKEN`). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A running controller process. */
export interface InClusterController {
  /** The process id (the same process from `unshare` to `deno`: every step `exec`s the next). */
  readonly pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number>;
  /** What the process left in its `/tmp` (paths below it), known once it has exited. */
  tmpEntries(): readonly string[];
  /** Sends SIGTERM, waits for the exit (SIGKILL after 15 s) and returns the exit code. */
  stop(): Promise<number>;
}

/** Starts the controller in its own mount namespace; it is not ready when this resolves. */
export async function startInClusterController(
  options: InClusterOptions,
): Promise<InClusterController> {
  const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-sync-pod-" });
  for (const sub of ["etc", "sa", "upper", "work", "tmp"]) await Deno.mkdir(`${dir}/${sub}`);
  // An emptyDir is writable by every user, as a tmpfs on /tmp would be.
  await Deno.chmod(`${dir}/tmp`, 0o1777);
  await Deno.writeTextFile(`${dir}/etc/mesh.yaml`, options.mesh);
  for (const [path, text] of Object.entries(options.configFiles ?? {})) {
    const file = `${dir}/etc/${path}`;
    await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(file, text);
  }
  await Deno.writeTextFile(`${dir}/sa/token`, options.token);
  await Deno.writeTextFile(`${dir}/sa/ca.crt`, options.caPem);
  await Deno.writeTextFile(`${dir}/sa/namespace`, options.namespace);
  const server = new URL(options.server);
  const script = [
    "set -eu",
    // The ConfigMap volume, read-only, at the path of --config.
    'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$POD_DIR/upper,workdir=$POD_DIR/work" /etc',
    `mkdir -p ${CONFIG_DIR}`,
    `mount --bind "$POD_DIR/etc" ${CONFIG_DIR}`,
    `mount -o remount,bind,ro ${CONFIG_DIR}`,
    // The ServiceAccount volume.
    "mount -t tmpfs -o size=1m tmpfs /var/run",
    `mkdir -p ${SERVICE_ACCOUNT_DIR}`,
    `mount --bind "$POD_DIR/sa" ${SERVICE_ACCOUNT_DIR}`,
    // The deno binary and its cache where uid 1993 can reach them (not under /root), read-only.
    "mount -t tmpfs -o size=1m tmpfs /mnt",
    "mkdir /mnt/bin /mnt/deno-dir /mnt/app",
    "touch /mnt/bin/deno",
    'mount --bind "$HOST_DENO" /mnt/bin/deno',
    'mount --bind "$HOST_DENO_DIR" /mnt/deno-dir',
    "mount -o remount,bind,ro /mnt/deno-dir",
    // The checkout may itself live under /tmp, which the emptyDir below hides: reach it at /mnt/app.
    'mount --bind "$HOST_APP" /mnt/app',
    "mount -o remount,bind,ro /mnt/app",
    // The emptyDir on /tmp, then readOnlyRootFilesystem.
    'mount --bind "$POD_DIR/tmp" /tmp',
    "mount -o remount,bind,ro /",
    "unset POD_DIR HOST_DENO HOST_DENO_DIR HOST_APP",
    "cd /",
    'exec setpriv --reuid=1993 --regid=1993 --clear-groups -- "$0" "$@"',
  ].join("\n");
  const env: Record<string, string> = {
    // What the image sets (see the Dockerfile), with deno and its cache where the script puts them.
    PATH: "/mnt/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    DENO_DIR: "/mnt/deno-dir",
    DENO_NO_UPDATE_CHECK: "1",
    DENO_NO_PROMPT: "1",
    NO_COLOR: "1",
    KUBERNETES_SERVICE_HOST: server.hostname,
    KUBERNETES_SERVICE_PORT: server.port,
    POD_DIR: dir,
    HOST_DENO: Deno.execPath(),
    HOST_APP: ROOT,
    HOST_DENO_DIR: await denoDir(),
    ...options.env,
  };
  const child = new Deno.Command("unshare", {
    args: [
      "--mount",
      "--propagation",
      "private",
      "--",
      "sh",
      "-c",
      script,
      "/mnt/app/deploy/container_entrypoint.sh",
      ...options.args,
    ],
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  let done = false;
  let tmpEntries: string[] = [];
  const exited = child.status.then(async (status) => {
    done = true;
    await pumps;
    tmpEntries = await listTree(`${dir}/tmp`);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    return status.code;
  });
  const signal = (name: Deno.Signal) => {
    if (done) return;
    try {
      child.kill(name);
    } catch {
      // Exited between the check and the signal.
    }
  };
  return {
    pid: child.pid,
    output: () => text,
    exited,
    tmpEntries: () => tmpEntries,
    async stop() {
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The paths below `root`, folders included, sorted. */
async function listTree(root: string, prefix = ""): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of Deno.readDir(`${root}${prefix}`)) {
    const path = `${prefix}/${entry.name}`;
    paths.push(path);
    if (entry.isDirectory) paths.push(...await listTree(root, path));
  }
  return paths.sort();
}

let cachedDenoDir: Promise<string> | undefined;

/** The Deno cache folder of this machine (`deno info --json`), where the tests' modules are. */
function denoDir(): Promise<string> {
  cachedDenoDir ??= (async () => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
      stdin: "null",
      stderr: "inherit",
    }).output();
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as { denoDir?: string };
    if (!info.denoDir) throw new Error("Cannot find the Deno cache folder in `deno info --json`");
    return info.denoDir;
  })();
  return cachedDenoDir;
}
