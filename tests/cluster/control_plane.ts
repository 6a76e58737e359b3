/**
 * Starts a real Kubernetes control plane for tests: etcd, kube-apiserver and (by default)
 * kube-controller-manager, on free loopback ports, with a throwaway PKI and kubeconfig.
 *
 * Two versions (see `binaries.ts`): `current` (the default: the release pinned by
 * `tests/deps/kubernetes/go.mod`, built from Go modules, with the etcd of the same module graph;
 * dual-stack Service ranges) and `1.20` (v1.20.2 built from Debian's source package, the oldest
 * supported version: EndpointSlice `v1beta1` only, single-stack IPv4). Flags that differ between
 * them are chosen here (`kube-controller-manager --controllers` names, `--port`). Every child is
 * killed by pid in `stop()`; an `unload` listener and SIGINT/SIGTERM listeners kill them too when
 * a test process ends without calling `stop()`.
 *
 * @module
 */

import { findControlPlaneBinaries, type KubernetesVersion } from "./binaries.ts";
import { freePorts } from "./free_ports.ts";

export type { KubernetesVersion } from "./binaries.ts";

/** The Service IP ranges of each version: current is dual-stack (IPv4 first), 1.20 IPv4 only. */
const SERVICE_RANGES: Readonly<Record<KubernetesVersion, readonly string[]>> = {
  current: ["10.96.0.0/16", "fd00:10:96::/112"],
  "1.20": ["10.96.0.0/16"],
};

/**
 * The controllers the test plane runs: Endpoints, EndpointSlices (and their mirroring), the
 * namespace finalizer and the garbage collector. 1.28 renamed them (`endpoint` became
 * `endpoints-controller`, ...); 1.37 still takes the old names as aliases, but the new ones are
 * what its `--help` lists, and 1.20 knows only the old ones.
 */
const CONTROLLERS: Readonly<Record<KubernetesVersion, readonly string[]>> = {
  current: [
    "endpoints-controller",
    "endpointslice-controller",
    "endpointslice-mirroring-controller",
    "namespace-controller",
    "garbage-collector-controller",
  ],
  "1.20": ["endpoint", "endpointslice", "endpointslicemirroring", "namespace", "garbagecollector"],
};

/** One request as kube-apiserver's audit log records it (level `Metadata`), reduced. */
export interface AuditEvent {
  /** `RequestReceived`, `ResponseStarted` (watches; not written by 1.20) or `ResponseComplete`. */
  readonly stage: string;
  /** `get`, `list`, `watch`, `create`, ... */
  readonly verb: string;
  readonly requestURI: string;
  readonly user: { readonly username: string; readonly groups?: readonly string[] };
  readonly objectRef?: {
    readonly resource?: string;
    readonly apiGroup?: string;
    readonly apiVersion?: string;
    readonly namespace?: string;
    readonly name?: string;
  };
  readonly responseStatus?: { readonly code?: number };
  readonly userAgent?: string;
}

/** Options of `startControlPlane`. */
export interface ControlPlaneOptions {
  /** Which Kubernetes to run: `current` (default, the version of tests/deps/kubernetes) or `1.20`. */
  readonly kubernetes?: KubernetesVersion;
  /** Record every request in an audit log (level Metadata), read back by `auditEvents()`. */
  readonly auditLog?: boolean;
  /** Run kube-controller-manager (endpoints, EndpointSlices, namespace finalizer). Default true. */
  readonly withControllerManager?: boolean;
  /** `--min-request-timeout`: the server closes watches without `timeoutSeconds` after N–2N s. */
  readonly minRequestTimeoutSeconds?: number;
  /** More kube-apiserver flags. */
  readonly extraApiserverFlags?: readonly string[];
  /** `--watch-cache` (default true); false makes a compaction turn old watches into 410 at once. */
  readonly watchCache?: boolean;
}

/** A running test control plane. */
export interface ControlPlane {
  /** Which of the supported versions runs. */
  readonly kubernetes: KubernetesVersion;
  /** What kube-apiserver's `/version` says (`gitVersion`, e.g. `v1.37.2`). */
  readonly version: string;
  /** The `--service-cluster-ip-range` entries: IPv4 and IPv6 on current (dual-stack), IPv4 on 1.20. */
  readonly serviceClusterIpRanges: readonly string[];
  /** Kubeconfig with context `admin` (client certificate, group `system:masters`). */
  readonly kubeconfigPath: string;
  /** `https://127.0.0.1:<port>`. */
  readonly server: string;
  /** The throwaway folder: PKI, etcd data, logs. */
  readonly dir: string;
  /** Writes a kubeconfig for a user with a client certificate of the test CA; returns its path. */
  makeUserKubeconfig(user: string, groups?: readonly string[]): Promise<string>;
  /** Stops kube-apiserver (SIGTERM, then SIGKILL after 3 s); etcd keeps its data. */
  stopApiserver(): Promise<void>;
  /** Kills kube-apiserver with SIGKILL (no graceful shutdown); etcd keeps its data. */
  killApiserver(): Promise<void>;
  /** Starts kube-apiserver again on the same port and waits for `/readyz`. */
  startApiserver(): Promise<void>;
  /** `stopApiserver()` then `startApiserver()`: the watch cache starts empty, old RVs get 410. */
  restartApiserver(): Promise<void>;
  /**
   * Restarts kube-controller-manager (SIGTERM, then SIGKILL after 3 s): a fresh one lists every
   * object again. Throws when the plane runs without it.
   */
  restartControllerManager(): Promise<void>;
  /** Freezes kube-apiserver (SIGSTOP): connections stay open but nothing answers. */
  pauseApiserver(): void;
  /** Resumes a frozen kube-apiserver (SIGCONT). */
  resumeApiserver(): void;
  /**
   * The requests kube-apiserver has recorded so far, oldest first; throws unless the plane was
   * started with `auditLog: true`.
   */
  auditEvents(): Promise<AuditEvent[]>;
  /** Compacts etcd to its current revision (`etcdctl compact`); returns that revision. */
  compact(): Promise<number>;
  /** The last lines of a component's log, for failure messages. */
  logTail(component: "etcd" | "kube-apiserver" | "kube-controller-manager", lines?: number): string;
  /** Kills every child process and removes the folder (kept when POLARIS_K8S_SYNC_KEEP=1). */
  stop(): Promise<void>;
}

interface Child {
  readonly name: string;
  readonly process: Deno.ChildProcess;
  exited: boolean;
}

/** Children of every control plane of this process, for the exit safety net. */
const liveChildren = new Set<Child>();
let safetyNetInstalled = false;

/** Starts etcd, kube-apiserver and optionally kube-controller-manager; resolves once ready. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const kubernetes = options.kubernetes ?? "current";
  const bin = findControlPlaneBinaries(kubernetes);
  const dir = await Deno.makeTempDir({ prefix: "polaris-k8s-cp-" });
  const pki = `${dir}/pki`;
  await Deno.mkdir(pki);
  const [etcdPort, peerPort, apiPort, kcmPort] = freePorts(4);
  const server = `https://127.0.0.1:${apiPort}`;
  const children = new Map<string, Child>();
  let stopped = false;

  const spawn = (name: string, binary: string, args: readonly string[]): Child => {
    // `exec` with a redirect keeps the binary's own pid and sends its output to a log file.
    const process = new Deno.Command("bash", {
      args: ["-c", 'exec "$0" "$@" >>"$CP_LOG" 2>&1', binary, ...args],
      env: { CP_LOG: `${dir}/${name}.log` },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const child: Child = { name, process, exited: false };
    process.status.then(() => {
      child.exited = true;
      liveChildren.delete(child);
    });
    children.set(name, child);
    liveChildren.add(child);
    installSafetyNet();
    return child;
  };
  const logTail = (component: string, lines = 30) => {
    try {
      return Deno.readTextFileSync(`${dir}/${component}.log`).trimEnd().split("\n").slice(-lines)
        .join("\n");
    } catch {
      return "(no log)";
    }
  };
  const kill = async (name: string, gracefulMs: number) => {
    const child = children.get(name);
    if (!child) return;
    children.delete(name);
    if (!child.exited) {
      signal(child, gracefulMs > 0 ? "SIGTERM" : "SIGKILL");
      const timer = gracefulMs > 0
        ? setTimeout(() => signal(child, "SIGKILL"), gracefulMs)
        : undefined;
      await child.process.status;
      clearTimeout(timer);
    }
  };

  try {
    await makePki(pki);
    await Deno.writeTextFile(
      `${dir}/kubeconfig`,
      kubeconfigYaml(server, `${pki}/ca.crt`, "admin", `${pki}/admin.crt`, `${pki}/admin.key`),
    );
    spawn("etcd", bin.etcd, [
      "--data-dir",
      `${dir}/etcd`,
      "--listen-client-urls",
      `http://127.0.0.1:${etcdPort}`,
      "--advertise-client-urls",
      `http://127.0.0.1:${etcdPort}`,
      "--listen-peer-urls",
      `http://127.0.0.1:${peerPort}`,
      "--initial-advertise-peer-urls",
      `http://127.0.0.1:${peerPort}`,
      "--initial-cluster",
      `default=http://127.0.0.1:${peerPort}`,
    ]);
    const apiserverArgs = [
      "--etcd-servers",
      `http://127.0.0.1:${etcdPort}`,
      "--bind-address",
      "127.0.0.1",
      // The built-in "kubernetes" Service cannot point at a loopback address; leave it empty.
      "--endpoint-reconciler-type",
      "none",
      "--secure-port",
      String(apiPort),
      "--cert-dir",
      `${dir}/certs`,
      "--tls-cert-file",
      `${pki}/server.crt`,
      "--tls-private-key-file",
      `${pki}/server.key`,
      "--client-ca-file",
      `${pki}/ca.crt`,
      "--authorization-mode",
      "RBAC",
      "--service-account-issuer",
      "https://kubernetes.default.svc.cluster.local",
      "--service-account-key-file",
      `${pki}/sa.pub`,
      "--service-account-signing-key-file",
      `${pki}/sa.key`,
      "--service-cluster-ip-range",
      SERVICE_RANGES[kubernetes].join(","),
      // Pods without a service account token: there is no token controller in the test plane.
      "--disable-admission-plugins",
      "ServiceAccount",
      "--min-request-timeout",
      String(options.minRequestTimeoutSeconds ?? 1800),
      `--watch-cache=${options.watchCache ?? true}`,
      "--profiling=false",
      ...(options.auditLog
        ? [
          "--audit-policy-file",
          `${dir}/audit-policy.yaml`,
          "--audit-log-path",
          `${dir}/audit.log`,
          "--audit-log-format",
          "json",
        ]
        : []),
      ...(options.extraApiserverFlags ?? []),
    ];
    if (options.auditLog) {
      await Deno.writeTextFile(`${dir}/audit-policy.yaml`, AUDIT_POLICY);
    }
    let version = "";
    const startApiserver = async () => {
      if (stopped) throw new Error("Cannot start kube-apiserver: the control plane is stopped");
      const child = spawn("kube-apiserver", bin["kube-apiserver"], apiserverArgs);
      version = await waitReady(server, pki, child, () => logTail("kube-apiserver"));
    };
    await startApiserver();
    const startControllerManager = () =>
      spawn("kube-controller-manager", bin["kube-controller-manager"], [
        "--kubeconfig",
        `${dir}/kubeconfig`,
        "--leader-elect=false",
        // 1.20 still had an insecure port (removed in 1.24, where the flag is refused).
        ...(kubernetes === "1.20" ? ["--port=0"] : []),
        "--bind-address",
        "127.0.0.1",
        "--secure-port",
        String(kcmPort),
        "--cert-dir",
        `${dir}/kcm-certs`,
        "--controllers",
        CONTROLLERS[kubernetes].join(","),
      ]);
    const withControllerManager = options.withControllerManager ?? true;
    if (withControllerManager) startControllerManager();
    const stopApiserver = () => kill("kube-apiserver", 3_000);
    const apiserverChild = () => {
      const child = children.get("kube-apiserver");
      if (!child) throw new Error("Cannot signal kube-apiserver: it is not running");
      return child;
    };
    return {
      kubernetes,
      get version() {
        return version;
      },
      serviceClusterIpRanges: SERVICE_RANGES[kubernetes],
      kubeconfigPath: `${dir}/kubeconfig`,
      server,
      dir,
      makeUserKubeconfig: async (user, groups = []) => {
        const safe = user.replace(/[^A-Za-z0-9_.-]/g, "_");
        const subject = [...groups.map((group) => `/O=${group}`), `/CN=${user}`].join("");
        await clientCert(pki, `user-${safe}`, subject);
        const path = `${dir}/kubeconfig-${safe}`;
        await Deno.writeTextFile(
          path,
          kubeconfigYaml(
            server,
            `${pki}/ca.crt`,
            user,
            `${pki}/user-${safe}.crt`,
            `${pki}/user-${safe}.key`,
          ),
        );
        return path;
      },
      stopApiserver,
      killApiserver: () => kill("kube-apiserver", 0),
      startApiserver,
      restartApiserver: async () => {
        await stopApiserver();
        await startApiserver();
      },
      restartControllerManager: async () => {
        if (!withControllerManager || stopped) {
          throw new Error("Cannot restart kube-controller-manager: this plane does not run one");
        }
        await kill("kube-controller-manager", 3_000);
        startControllerManager();
      },
      pauseApiserver: () => signal(apiserverChild(), "SIGSTOP"),
      resumeApiserver: () => signal(apiserverChild(), "SIGCONT"),
      auditEvents: async () => {
        if (!options.auditLog) {
          throw new Error("Cannot read the audit log: start the control plane with auditLog: true");
        }
        const text = await Deno.readTextFile(`${dir}/audit.log`).catch(() => "");
        return text.split("\n").filter((line) => line.trim() !== "").map((line) =>
          JSON.parse(line) as AuditEvent
        );
      },
      compact: async () => {
        const endpoints = `--endpoints=http://127.0.0.1:${etcdPort}`;
        const status = JSON.parse(
          await run(bin.etcdctl, [endpoints, "endpoint", "status", "-w", "json"]),
        ) as {
          Status: { header: { revision: number } };
        }[];
        const revision = status[0].Status.header.revision;
        await run(bin.etcdctl, [endpoints, "compact", String(revision)]);
        return revision;
      },
      logTail,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        const apiserver = children.get("kube-apiserver");
        if (apiserver && !apiserver.exited) signal(apiserver, "SIGCONT");
        await Promise.all([...children.keys()].map((name) => kill(name, 0)));
        uninstallSafetyNetIfIdle();
        if (Deno.env.get("POLARIS_K8S_SYNC_KEEP") !== "1") {
          await Deno.remove(dir, { recursive: true });
        }
      },
    };
  } catch (error) {
    await Promise.all([...children.keys()].map((name) => kill(name, 0)));
    uninstallSafetyNetIfIdle();
    throw error;
  }
}

function signal(child: Child, name: Deno.Signal): void {
  if (child.exited) return;
  try {
    child.process.kill(name);
  } catch {
    // Exited between the check and the signal.
  }
}

function killAllNow(): void {
  for (const child of liveChildren) signal(child, "SIGKILL");
}

function onSignal(): void {
  killAllNow();
  // Re-deliver the signal with the default action (Deno.exit is refused inside `deno test`).
  uninstallSafetyNet();
  Deno.kill(Deno.pid, "SIGTERM");
}

function installSafetyNet(): void {
  if (safetyNetInstalled) return;
  safetyNetInstalled = true;
  globalThis.addEventListener("unload", killAllNow);
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
}

function uninstallSafetyNetIfIdle(): void {
  if (liveChildren.size === 0) uninstallSafetyNet();
}

function uninstallSafetyNet(): void {
  if (!safetyNetInstalled) return;
  safetyNetInstalled = false;
  globalThis.removeEventListener("unload", killAllNow);
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
}

async function run(command: string, args: readonly string[]): Promise<string> {
  const output = await new Deno.Command(command, { args: [...args], stdin: "null" }).output();
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim();
    throw new Error(`Cannot run "${command} ${args.join(" ")}": exit ${output.code}: ${stderr}`);
  }
  return text;
}

/**
 * Every request at level Metadata (no bodies), at every stage: 1.20 writes no `ResponseStarted`
 * event for a watch (only `ResponseComplete` when it ends), so `RequestReceived` is what shows a
 * running watch there.
 */
const AUDIT_POLICY = [
  "apiVersion: audit.k8s.io/v1",
  "kind: Policy",
  "rules:",
  "- level: Metadata",
  "",
].join("\n");

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** CA, serving certificate for 127.0.0.1, admin client certificate, service-account key pair. */
async function makePki(pki: string): Promise<void> {
  await run("openssl", [
    "req",
    "-x509",
    ...EC_KEY,
    "-keyout",
    `${pki}/ca.key`,
    "-out",
    `${pki}/ca.crt`,
    "-days",
    "30",
    "-subj",
    "/CN=polaris-k8s-sync-test-ca",
  ]);
  await Promise.all([
    signedCert(
      pki,
      "server",
      "/CN=kube-apiserver",
      "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
    ),
    clientCert(pki, "admin", "/O=system:masters/CN=admin"),
    run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${pki}/sa.key`])
      .then(() =>
        run("openssl", ["ec", "-in", `${pki}/sa.key`, "-pubout", "-out", `${pki}/sa.pub`])
      ),
  ]);
}

function clientCert(pki: string, name: string, subject: string): Promise<void> {
  return signedCert(pki, name, subject, "extendedKeyUsage=clientAuth\n");
}

async function signedCert(
  pki: string,
  name: string,
  subject: string,
  extensions: string,
): Promise<void> {
  const base = `${pki}/${name}`;
  await run("openssl", [
    "req",
    ...EC_KEY,
    "-keyout",
    `${base}.key`,
    "-out",
    `${base}.csr`,
    "-subj",
    subject,
  ]);
  await Deno.writeTextFile(`${base}.ext`, extensions);
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    `${base}.csr`,
    "-CA",
    `${pki}/ca.crt`,
    "-CAkey",
    `${pki}/ca.key`,
    "-set_serial",
    String(Date.now() * 1000 + Math.floor(Math.random() * 1000)),
    "-out",
    `${base}.crt`,
    "-days",
    "30",
    "-extfile",
    `${base}.ext`,
  ]);
}

function kubeconfigYaml(
  server: string,
  ca: string,
  user: string,
  cert: string,
  key: string,
): string {
  const context = user === "admin" ? "admin" : user;
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: test`,
    `  cluster: {server: "${server}", certificate-authority: "${ca}"}`,
    "users:",
    `- name: "${user}"`,
    `  user: {client-certificate: "${cert}", client-key: "${key}"}`,
    "contexts:",
    `- name: "${context}"`,
    `  context: {cluster: test, user: "${user}"}`,
    `current-context: "${context}"`,
    "",
  ].join("\n");
}

/**
 * Polls `/readyz` with the admin certificate until 200, failing fast if the process exits, then
 * returns the `gitVersion` of `/version`.
 */
async function waitReady(
  server: string,
  pki: string,
  child: Child,
  tail: () => string,
): Promise<string> {
  const client = Deno.createHttpClient({
    caCerts: [await Deno.readTextFile(`${pki}/ca.crt`)],
    cert: await Deno.readTextFile(`${pki}/admin.crt`),
    key: await Deno.readTextFile(`${pki}/admin.key`),
  });
  const deadline = Date.now() + 120_000;
  let last = "";
  try {
    while (Date.now() < deadline) {
      if (child.exited) {
        throw new Error(
          `Cannot start kube-apiserver: it exited early. Its log ends with:\n${tail()}`,
        );
      }
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), 2000);
      try {
        const response = await fetch(`${server}/readyz`, { client, signal: abort.signal });
        last = `${response.status} ${(await response.text()).slice(0, 200)}`;
        if (response.ok) {
          const info = await fetch(`${server}/version`, { client, signal: abort.signal });
          const body = await info.json() as { gitVersion?: string };
          return body.gitVersion ?? "";
        }
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      } finally {
        clearTimeout(timer);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `Cannot start kube-apiserver: /readyz not ready after 120 s (${last}). Log:\n${tail()}`,
    );
  } finally {
    client.close();
  }
}
