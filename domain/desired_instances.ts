/**
 * The rule "which instances should Polaris hold for this Service in this cluster" (sync-rules §2).
 *
 * @module
 */

import {
  CUSTOM_WEIGHT_ANNOTATION,
  ENABLE_REGISTER_ANNOTATION,
  METADATA_ANNOTATION,
  TTL_ANNOTATION,
  WEIGHT_ANNOTATION,
  WORKLOAD_KIND_ANNOTATION,
} from "./annotations.ts";
import { parseCustomWeight } from "./custom_weight.ts";
import { parseTtl } from "./health_check.ts";
import { instanceVersion } from "./instance_version.ts";
import { instanceKey } from "./keys.ts";
import type { EndpointGroup, EndpointPort, PodLabelLookup, ServiceInfo } from "./kubernetes.ts";
import {
  composeMetadata,
  parseMetadataAnnotation,
  type PodLabelPolicy,
  selectPodLabels,
} from "./metadata.ts";
import { type DesiredInstance, POLARIS_LIMITS, POLARIS_NAME_PATTERN } from "./polaris.ts";
import { HELD, type Problem } from "./problems.ts";
import { chosenPort, sharedPortProblem } from "./shared_port.ts";

/** Instance weight when `polarismesh.cn/weight` is absent. */
export const DEFAULT_WEIGHT = 100;

/** Everything {@linkcode desiredInstances} reads. */
export interface DesiredInstancesInput {
  readonly clusterName: string;
  readonly source: string;
  readonly service: ServiceInfo;
  readonly groups: readonly EndpointGroup[];
  readonly podLabels: PodLabelLookup;
  readonly podLabelPolicy: PodLabelPolicy;
  /**
   * The Polaris service to register under (`polarismesh.cn/overideNamespace` and
   * `overideService`, `domain/polaris_target.ts`); the Service's own names when absent.
   */
  readonly target?: { readonly namespace: string; readonly service: string };
}

/** The instances to register, sorted by `host:port`, and the problems met on the way. */
export interface DesiredInstancesResult {
  readonly instances: readonly DesiredInstance[];
  readonly problems: readonly Problem[];
}

/** The answer of {@linkcode parseWeight}: a weight, or why the value is invalid. */
export type ParsedWeight = { readonly weight: number } | { readonly problem: Problem };

/**
 * Parses `polarismesh.cn/weight`: an integer in 0..65535, 100 when absent. Anything else is
 * invalid input, a fatal problem: like an invalid `polarismesh.cn/sync` value it holds the Service
 * (sync-rules §2.2, docs/decisions.md §1), so a typo neither takes it out of the registry nor resets the
 * weight registered to the default.
 *
 * @example
 * ```ts
 * import { parseWeight } from "./desired_instances.ts";
 * const fifty = parseWeight("50");
 * if (!("weight" in fifty) || fifty.weight !== 50) throw new Error("unexpected");
 * if (!("problem" in parseWeight("heavy"))) throw new Error("expected a problem");
 * ```
 */
export function parseWeight(raw: string | undefined): ParsedWeight {
  if (raw === undefined) return { weight: DEFAULT_WEIGHT };
  if (/^[0-9]+$/.test(raw.trim())) {
    const weight = Number(raw.trim());
    if (weight <= POLARIS_LIMITS.maxWeight) return { weight };
  }
  return {
    problem: {
      code: "invalid-weight",
      fatal: true,
      message:
        `${WEIGHT_ANNOTATION}="${raw}" is not an integer in 0..${POLARIS_LIMITS.maxWeight}; ${HELD}`,
    },
  };
}

/**
 * Reads `polarismesh.cn/enableRegister` as polaris-controller does today: it has no effect there
 * (add and update are skipped only when it and `polarismesh.cn/sync` are both `"false"`, which a
 * synced Service never is), so it has none here. `"false"` is reported, since whoever wrote it
 * meant something; a value other than `"true"`/`"false"` is invalid input and holds the Service.
 */
export function enableRegisterProblem(raw: string | undefined): Problem | undefined {
  if (raw === undefined || raw === "true") return undefined;
  if (raw === "false") {
    return {
      code: "enable-register",
      fatal: false,
      message:
        `${ENABLE_REGISTER_ANNOTATION}="false" has no effect (as in polaris-controller); set polarismesh.cn/sync="false" to stop syncing`,
    };
  }
  return {
    code: "enable-register",
    fatal: true,
    message: `${ENABLE_REGISTER_ANNOTATION}="${raw}"; expected "true" or "false"; ${HELD}`,
  };
}

/** Reports a namespace or service name Polaris would refuse (reference §3). */
export function checkPolarisName(
  kind: "namespace" | "service",
  name: string,
): Problem | undefined {
  const max = kind === "namespace"
    ? POLARIS_LIMITS.namespaceNameLength
    : POLARIS_LIMITS.serviceNameLength;
  if (POLARIS_NAME_PATTERN.test(name) && name.length <= max) return undefined;
  return {
    code: "invalid-name",
    fatal: true,
    message:
      `Polaris ${kind} name "${name}" must match ${POLARIS_NAME_PATTERN.source} and be at most ${max} characters`,
  };
}

interface Candidate {
  host: string;
  port: number;
  /** Every Service port (name and protocol) that reaches this address and port number. */
  ports: EndpointPort[];
  ready: boolean;
  podName?: string;
}

/**
 * Collects address × port pairs; the same pair seen twice counts once, ready if either says so.
 * Ports that share a number are kept together: Polaris holds one instance for them.
 */
function collectCandidates(groups: readonly EndpointGroup[]): Map<string, Candidate> {
  const byKey = new Map<string, Candidate>();
  for (const group of groups) {
    for (const address of group.addresses) {
      if (address.terminating) continue;
      for (const port of group.ports) {
        const key = instanceKey(address.address, port.port);
        const seen = byKey.get(key);
        if (seen) {
          seen.ready ||= address.ready;
          seen.podName ??= address.podName;
          if (!seen.ports.some((p) => p.name === port.name && p.protocol === port.protocol)) {
            seen.ports.push(port);
          }
          continue;
        }
        byKey.set(key, {
          host: address.address,
          port: port.port,
          ports: [port],
          ready: address.ready,
          podName: address.podName,
        });
      }
    }
  }
  return byKey;
}

/**
 * Computes the instances one cluster wants registered for one Service: every endpoint address ×
 * every port becomes an instance (`host`, target `port`, `protocol` = `"<portName>/<PROTO>"`,
 * weight from `polarismesh.cn/customWeight` or else `polarismesh.cn/weight`, `isolate` when not
 * ready, terminating endpoints left out, a heartbeat health check with `polarismesh.cn/ttl`),
 * with metadata `clusterName`, `source`, `k8s_namespace`, `k8s_service`, `k8s_pod`, the
 * `polarismesh.cn/metadata` map and the selected Pod labels (with the digest of those the
 * console list hides, decisions §6); `version` from `instanceVersion`. The same address in
 * two groups is counted once; IPv6 addresses are kept as they are. Ports that share a target port
 * number (53 over TCP and UDP) are one instance per address, with the protocol `chosenPort` picks,
 * and are reported (decisions §21). Fields over Polaris' limits are reported and never sent; an
 * invalid Polaris name, weight or metadata annotation is fatal: no instances, only the problems
 * (the cluster is held).
 *
 * @example
 * ```ts
 * import { desiredInstances } from "./desired_instances.ts";
 * const { instances } = desiredInstances({
 *   clusterName: "a", source: "polaris-controller", podLabelPolicy: { kind: "all" },
 *   podLabels: () => ({ version: "v2" }),
 *   service: { namespace: "shop", name: "cart", type: "ClusterIP", annotations: {} },
 *   groups: [{
 *     addresses: [{ address: "10.0.0.1", ready: false, terminating: false, podName: "cart-1" }],
 *     ports: [{ name: "http", port: 8080, protocol: "TCP" }],
 *   }],
 * });
 * if (instances[0].protocol !== "http/TCP" || !instances[0].isolate) throw new Error("unexpected");
 * ```
 */
export function desiredInstances(input: DesiredInstancesInput): DesiredInstancesResult {
  const { service } = input;
  const target = input.target ?? { namespace: service.namespace, service: service.name };
  const problems: Problem[] = [];
  for (
    const problem of [
      checkPolarisName("namespace", target.namespace),
      checkPolarisName("service", target.service),
    ]
  ) if (problem) problems.push(problem);
  if (problems.length > 0) return { instances: [], problems };

  // Bad input holds the Service: nothing is computed from it, nothing half-applied.
  const { annotations } = service;
  const weight = parseWeight(annotations[WEIGHT_ANNOTATION]);
  if ("problem" in weight) problems.push(weight.problem);
  const custom = parseCustomWeight(
    annotations[CUSTOM_WEIGHT_ANNOTATION],
    annotations[WORKLOAD_KIND_ANNOTATION],
  );
  if ("problem" in custom) problems.push(custom.problem);
  const ttl = parseTtl(annotations[TTL_ANNOTATION]);
  if ("problem" in ttl) problems.push(ttl.problem);
  const annotation = parseMetadataAnnotation(annotations[METADATA_ANNOTATION]);
  problems.push(...annotation.problems);
  const enableRegister = enableRegisterProblem(annotations[ENABLE_REGISTER_ANNOTATION]);
  if (enableRegister) problems.push(enableRegister);
  if (
    !("weight" in weight) || !("weightOf" in custom) || !("ttl" in ttl) ||
    problems.some((p) => p.fatal)
  ) return { instances: [], problems };

  const reported = new Set<string>();
  const reportOnce = (problem: Problem) => {
    if (reported.has(problem.message)) return;
    reported.add(problem.message);
    problems.push(problem);
  };

  const instances: DesiredInstance[] = [];
  const candidates = collectCandidates(input.groups);
  for (const key of [...candidates.keys()].sort()) {
    const c = candidates.get(key)!;
    const labels = c.podName === undefined ? undefined : input.podLabels(c.podName);
    const kubernetes: Record<string, string> = {
      k8s_namespace: service.namespace,
      k8s_service: service.name,
    };
    if (c.podName !== undefined) kubernetes.k8s_pod = c.podName;
    if (c.ports.length > 1) reportOnce(sharedPortProblem(c.ports));
    const chosen = chosenPort(c.ports);
    const protocol = `${chosen.name}/${chosen.protocol}`;
    let version = instanceVersion({
      podLabels: labels,
      metadataAnnotation: annotation.entries,
      serviceAnnotations: annotations,
    });
    if (version.length > POLARIS_LIMITS.versionLength) {
      reportOnce({
        code: "field-too-long",
        fatal: false,
        message:
          `version "${version}" is longer than ${POLARIS_LIMITS.versionLength} characters; not sent`,
      });
      version = "";
    }
    const { metadata, problems: metaProblems } = composeMetadata({
      podLabels: selectPodLabels(labels, input.podLabelPolicy),
      annotation: annotation.entries,
      kubernetes,
      clusterName: input.clusterName,
      source: input.source,
      fields: { version, protocol },
    });
    metaProblems.forEach(reportOnce);
    if (
      protocol.length > POLARIS_LIMITS.protocolLength || c.host.length > POLARIS_LIMITS.hostLength
    ) {
      reportOnce({
        code: "field-too-long",
        fatal: false,
        message: `instance ${key} has a protocol or host over Polaris' limits; not registered`,
      });
      continue;
    }
    instances.push({
      namespace: target.namespace,
      service: target.service,
      host: c.host,
      port: c.port,
      protocol,
      version,
      weight: custom.weightOf(c.podName, c.port) ?? weight.weight,
      // Health-checked instances start unhealthy until the workload's first heartbeat.
      healthy: ttl.ttl === 0,
      isolate: !c.ready,
      ...(ttl.ttl > 0 ? { healthCheckTtl: ttl.ttl } : {}),
      metadata,
    });
  }
  return { instances, problems };
}
