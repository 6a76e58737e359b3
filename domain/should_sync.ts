/**
 * The rule "is this Service synced?" (sync-rules §2), as data: the answer says why not, so the
 * reason can reach logs, Kubernetes Events and the debug endpoint unchanged.
 *
 * @module
 */

import { SYNC_ANNOTATION } from "./annotations.ts";
import type { NamespaceInfo, ServiceInfo } from "./kubernetes.ts";
import { type LabelSelector, matchesLabels } from "./label_selector.ts";

/** Sync modes of `serviceSync.mode`. */
export type SyncMode = "all" | "demand";

/** What decides the sync besides the objects themselves. */
export interface SyncPolicy {
  readonly mode: SyncMode;
  /** Namespaces never synced (kube-system and friends by default). */
  readonly ignoredNamespaces: readonly string[];
  /** What to sync at all, whatever the annotations say; absent: everything. */
  readonly filter?: ServiceFilter;
}

/**
 * The operator's choice of Services, as external-dns and consul-k8s make it: filters come before
 * annotations, so `polarismesh.cn/sync: "true"` cannot sync a Service the operator left out.
 */
export interface ServiceFilter {
  /** Only these namespaces are synced; empty: every namespace. */
  readonly allowNamespaces: readonly string[];
  /** These namespaces are never synced (besides `ignoredNamespaces`). */
  readonly denyNamespaces: readonly string[];
  /** Only Services whose labels match; absent: every Service. */
  readonly labelSelector?: LabelSelector;
  /** Only Services of these `spec.type`s; empty: every type. */
  readonly serviceTypes: readonly string[];
}

/** Why a Service is not synced. `invalid-annotation` is bad input and is reported as such. */
export type NotSyncedReason =
  | { readonly code: "ignored-namespace"; readonly message: string }
  | { readonly code: "filtered"; readonly message: string }
  | { readonly code: "external-name"; readonly message: string }
  | { readonly code: "service-annotation-false"; readonly message: string }
  | { readonly code: "namespace-annotation-false"; readonly message: string }
  | { readonly code: "demand-not-enabled"; readonly message: string }
  | {
    readonly code: "invalid-annotation";
    readonly message: string;
    readonly object: "Service" | "Namespace";
    readonly value: string;
  };

/** The answer of {@linkcode shouldSync}. */
export type SyncDecision =
  | { readonly sync: true; readonly because: string }
  | { readonly sync: false; readonly reason: NotSyncedReason };

type AnnotationValue = { kind: "absent" } | { kind: "bool"; value: boolean } | {
  kind: "invalid";
  raw: string;
};

function readSyncAnnotation(annotations: Readonly<Record<string, string>>): AnnotationValue {
  const raw = annotations[SYNC_ANNOTATION];
  if (raw === undefined) return { kind: "absent" };
  if (raw === "true") return { kind: "bool", value: true };
  if (raw === "false") return { kind: "bool", value: false };
  return { kind: "invalid", raw };
}

function invalid(object: "Service" | "Namespace", name: string, raw: string): SyncDecision {
  return {
    sync: false,
    reason: {
      code: "invalid-annotation",
      object,
      value: raw,
      message: `${object} "${name}" has ${SYNC_ANNOTATION}="${raw}"; expected "true" or "false"`,
    },
  };
}

/**
 * True when a cluster takes part in a Service's sync: it syncs it, or holds it on an invalid
 * `polarismesh.cn/sync` value (which keeps what is registered, so the Service still has an actor).
 */
export function takesPart(decision: SyncDecision): boolean {
  return decision.sync || decision.reason.code === "invalid-annotation";
}

/** Why the operator's filter leaves a Service out, or `undefined` when it lets it in. */
function filterReason(filter: ServiceFilter | undefined, service: ServiceInfo): string | undefined {
  if (!filter) return undefined;
  const where = `${service.namespace}/${service.name}`;
  if (filter.denyNamespaces.includes(service.namespace)) {
    return `namespace "${service.namespace}" is in serviceSync.denyNamespaces`;
  }
  if (filter.allowNamespaces.length > 0 && !filter.allowNamespaces.includes(service.namespace)) {
    return `namespace "${service.namespace}" is not in serviceSync.allowNamespaces`;
  }
  if (filter.serviceTypes.length > 0 && !filter.serviceTypes.includes(service.type)) {
    return `Service "${where}" is of type ${service.type}, not in serviceSync.serviceTypes`;
  }
  const selector = filter.labelSelector;
  if (selector && !matchesLabels(selector, service.labels ?? {})) {
    return `Service "${where}" does not match serviceSync.labelSelector "${selector.text}"`;
  }
  return undefined;
}

/**
 * Decides whether a Service is synced to Polaris, following sync-rules §2: ignored namespaces,
 * Services the operator's filter leaves out and ExternalName Services never are; otherwise the Service's own `polarismesh.cn/sync` wins;
 * otherwise the Namespace's annotation and the mode decide. Any value other than `"true"`/`"false"`
 * is invalid input: not synced, with the reason. An unknown Namespace (not listed yet, or being
 * deleted) counts as one without annotations.
 *
 * @example
 * ```ts
 * import { shouldSync } from "./should_sync.ts";
 * const d = shouldSync(
 *   { mode: "demand", ignoredNamespaces: [] },
 *   { name: "shop", annotations: { "polarismesh.cn/sync": "true" } },
 *   { namespace: "shop", name: "cart", type: "ClusterIP", annotations: {} },
 * );
 * if (!d.sync) throw new Error("expected a sync");
 * ```
 */
export function shouldSync(
  policy: SyncPolicy,
  namespace: NamespaceInfo | undefined,
  service: ServiceInfo,
): SyncDecision {
  const where = `${service.namespace}/${service.name}`;
  if (policy.ignoredNamespaces.includes(service.namespace)) {
    return {
      sync: false,
      reason: {
        code: "ignored-namespace",
        message: `namespace "${service.namespace}" is in the ignored list`,
      },
    };
  }
  const filtered = filterReason(policy.filter, service);
  if (filtered !== undefined) {
    return { sync: false, reason: { code: "filtered", message: filtered } };
  }
  if (service.type === "ExternalName") {
    return {
      sync: false,
      reason: { code: "external-name", message: `Service "${where}" is of type ExternalName` },
    };
  }
  const own = readSyncAnnotation(service.annotations);
  if (own.kind === "invalid") return invalid("Service", where, own.raw);
  if (own.kind === "bool") {
    return own.value
      ? { sync: true, because: `Service "${where}" has ${SYNC_ANNOTATION}="true"` }
      : {
        sync: false,
        reason: {
          code: "service-annotation-false",
          message: `Service "${where}" has ${SYNC_ANNOTATION}="false"`,
        },
      };
  }
  const ns = readSyncAnnotation(namespace?.annotations ?? {});
  if (ns.kind === "invalid") return invalid("Namespace", service.namespace, ns.raw);
  if (ns.kind === "bool" && !ns.value) {
    return {
      sync: false,
      reason: {
        code: "namespace-annotation-false",
        message: `Namespace "${service.namespace}" has ${SYNC_ANNOTATION}="false"`,
      },
    };
  }
  if (ns.kind === "bool") {
    return {
      sync: true,
      because: `Namespace "${service.namespace}" has ${SYNC_ANNOTATION}="true"`,
    };
  }
  if (policy.mode === "all") return { sync: true, because: `mode "all"` };
  return {
    sync: false,
    reason: {
      code: "demand-not-enabled",
      message:
        `mode "demand" and neither Service "${where}" nor its Namespace has ${SYNC_ANNOTATION}="true"`,
    },
  };
}
