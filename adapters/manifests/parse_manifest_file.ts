/**
 * Parsing of one manifest file (multi-document YAML) into the reduced objects of
 * `manifest_objects.ts`.
 *
 * @module
 */

import { parseAllDocuments } from "yaml";
import * as v from "valibot";
import type { EndpointAddress, EndpointGroup, EndpointPort } from "../../domain/kubernetes.ts";
import {
  type EndpointSliceObject,
  endpointSliceSchema,
  type EndpointsObject,
  endpointsSchema,
  listSchema,
  namespaceSchema,
  type PodObject,
  podSchema,
  type ServiceObject,
  serviceSchema,
  typeMetaSchema,
} from "./_manifest_schemas.ts";
import type {
  ManifestEndpoints,
  ManifestFile,
  ManifestPod,
  ManifestService,
} from "./manifest_objects.ts";

/** The label that ties an EndpointSlice to its Service. */
const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

interface Collected {
  namespaces: ManifestFile["namespaces"][number][];
  services: ManifestService[];
  pods: ManifestPod[];
  endpoints: ManifestEndpoints[];
  skipped: string[];
}

/**
 * Parses the text of one manifest file. Understands Namespace, Service, Pod, EndpointSlice
 * (`discovery.k8s.io/v1` and `v1beta1`), Endpoints and `List`; other kinds are listed in
 * `skipped`. A file is all or nothing, like `kubectl apply` of a broken file: the first YAML error
 * throws a `SyntaxError`, the first object the API server would refuse throws a `TypeError`; both
 * name the file and the document.
 *
 * @example
 * ```ts
 * import { parseManifestFile } from "./parse_manifest_file.ts";
 * const file = parseManifestFile("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n", "a.yaml");
 * if (file.namespaces[0].name !== "shop") throw new Error("unexpected");
 * ```
 */
export function parseManifestFile(text: string, fileName: string): ManifestFile {
  const collected: Collected = {
    namespaces: [],
    services: [],
    pods: [],
    endpoints: [],
    skipped: [],
  };
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [];
  list.forEach((document, index) => {
    const where = `document ${index + 1}`;
    const [error] = document.errors;
    if (error) {
      const firstLine = error.message.split("\n")[0].replace(/:$/, "");
      throw new SyntaxError(`Cannot parse manifest file "${fileName}": ${where}: ${firstLine}`, {
        cause: error,
      });
    }
    let value: unknown;
    try {
      // Throws on an alias to a missing anchor and on an alias bomb (over 100 expansions).
      value = document.toJS();
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      throw new SyntaxError(`Cannot parse manifest file "${fileName}": ${where}: ${message}`, {
        cause,
      });
    }
    if (value === null || value === undefined) return;
    try {
      collectObject(value, where, collected);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      throw new TypeError(`Cannot parse manifest file "${fileName}": ${message}`, { cause });
    }
  });
  return collected;
}

function collectObject(value: unknown, where: string, into: Collected): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const got = Array.isArray(value) ? "a list" : `the ${typeof value} ${JSON.stringify(value)}`;
    throw new TypeError(`${where}: expected an object with apiVersion and kind, got ${got}`);
  }
  const typeMeta = check(typeMetaSchema, value, where);
  const { apiVersion, kind } = typeMeta;
  const name = (value as { metadata?: { name?: unknown } }).metadata?.name;
  const label = `${where} (${kind}${typeof name === "string" ? ` "${name}"` : ""})`;
  const core = apiVersion === "v1";
  const discovery = apiVersion === "discovery.k8s.io/v1" ||
    apiVersion === "discovery.k8s.io/v1beta1";
  if (core && kind === "List") {
    const items = check(listSchema, value, label).items ?? [];
    items.forEach((item, i) => collectObject(item, `${where} item ${i + 1}`, into));
  } else if (core && kind === "Namespace") {
    const { metadata } = check(namespaceSchema, value, label);
    into.namespaces.push({ name: metadata.name, annotations: metadata.annotations ?? {} });
  } else if (core && kind === "Service") {
    into.services.push(toService(check(serviceSchema, value, label)));
  } else if (core && kind === "Pod") {
    into.pods.push(toPod(check(podSchema, value, label)));
  } else if (core && kind === "Endpoints") {
    into.endpoints.push(fromEndpoints(check(endpointsSchema, value, label)));
  } else if (discovery && kind === "EndpointSlice") {
    const slice = check(endpointSliceSchema, value, label);
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (slice.addressType === "FQDN") {
      into.skipped.push(`${label}: FQDN EndpointSlices carry no IP addresses`);
    } else if (service === undefined) {
      into.skipped.push(`${label}: no "${SERVICE_NAME_LABEL}" label, so no Service owns it`);
    } else {
      into.endpoints.push(fromEndpointSlice(slice, service));
    }
  } else {
    into.skipped.push(`${label}: kind "${kind}" of "${apiVersion}" is not read`);
  }
}

function check<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  where: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const details = result.issues.slice(0, 3).map((issue) => {
    const path = issue.path?.map((item) => String(item.key)).join(".");
    // YAML reads `weight: 50` or `version: 1.0` as numbers; Kubernetes wants strings there.
    const hint =
      /^metadata\.(annotations|labels)\./.test(path ?? "") && typeof issue.input !== "string"
        ? ` (write it in quotes: "${String(issue.input)}")`
        : "";
    return path ? `${path}: ${issue.message}${hint}` : issue.message;
  });
  throw new TypeError(`${where}: ${details.join("; ")}`);
}

function toService(object: ServiceObject): ManifestService {
  const { metadata, spec } = object;
  const selector = spec?.selector ?? undefined;
  return {
    info: {
      namespace: metadata.namespace ?? "default",
      name: metadata.name,
      type: spec?.type ?? "ClusterIP",
      annotations: metadata.annotations ?? {},
      ...(metadata.labels ? { labels: metadata.labels } : {}),
    },
    selector: selector && Object.keys(selector).length > 0 ? selector : undefined,
    ports: (spec?.ports ?? []).map((port) => ({
      name: port.name ?? "",
      port: port.port,
      targetPort: port.targetPort ?? port.port,
      protocol: port.protocol ?? "TCP",
    })),
    publishNotReadyAddresses: spec?.publishNotReadyAddresses ?? false,
  };
}

function toPod(object: PodObject): ManifestPod {
  const { metadata, spec, status } = object;
  const phase = status?.phase;
  return {
    namespace: metadata.namespace ?? "default",
    name: metadata.name,
    labels: metadata.labels ?? {},
    podIP: status?.podIP ? status.podIP : undefined,
    ready: (status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
    terminating: Boolean(metadata.deletionTimestamp),
    terminal: phase === "Succeeded" || phase === "Failed",
    containerPorts: (spec?.containers ?? []).flatMap((container) =>
      (container.ports ?? []).map((port) => ({
        name: port.name ?? "",
        containerPort: port.containerPort,
        protocol: port.protocol ?? "TCP",
      }))
    ),
  };
}

function podName(ref: { kind?: string; name?: string } | null | undefined): string | undefined {
  return ref?.kind === "Pod" && ref.name ? ref.name : undefined;
}

function fromEndpointSlice(slice: EndpointSliceObject, service: string): ManifestEndpoints {
  const ports: EndpointPort[] = (slice.ports ?? []).flatMap((port) =>
    typeof port.port === "number"
      ? [{ name: port.name ?? "", port: port.port, protocol: port.protocol ?? "TCP" }]
      : []
  );
  const addresses: EndpointAddress[] = (slice.endpoints ?? []).map((endpoint) => ({
    // Kubernetes: the addresses of one endpoint are fungible; consumers may use the first.
    address: endpoint.addresses[0],
    // An unset `ready` means "unknown", which consumers should read as ready.
    ready: endpoint.conditions?.ready ?? true,
    terminating: endpoint.conditions?.terminating ?? false,
    ...withPodName(podName(endpoint.targetRef)),
  }));
  return {
    kind: "EndpointSlice",
    name: slice.metadata.name,
    namespace: slice.metadata.namespace ?? "default",
    service,
    groups: [{ addresses, ports }],
  };
}

function fromEndpoints(object: EndpointsObject): ManifestEndpoints {
  const groups: EndpointGroup[] = (object.subsets ?? []).map((subset) => {
    const address = (ready: boolean) => (entry: NonNullable<typeof subset.addresses>[number]) => ({
      address: entry.ip,
      ready,
      terminating: false,
      ...withPodName(podName(entry.targetRef)),
    });
    return {
      addresses: [
        ...(subset.addresses ?? []).map(address(true)),
        ...(subset.notReadyAddresses ?? []).map(address(false)),
      ],
      ports: (subset.ports ?? []).map((port) => ({
        name: port.name ?? "",
        port: port.port,
        protocol: port.protocol ?? "TCP",
      })),
    };
  });
  return {
    kind: "Endpoints",
    name: object.metadata.name,
    namespace: object.metadata.namespace ?? "default",
    service: object.metadata.name,
    groups,
  };
}

function withPodName(name: string | undefined): { podName?: string } {
  return name === undefined ? {} : { podName: name };
}
