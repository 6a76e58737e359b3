/**
 * Reads one cluster's Namespaces, Services, EndpointSlices (discovery.k8s.io/v1) and Pods into
 * the reduced shapes of `kube_objects.ts`, from which the expectation is computed.
 *
 * @module
 */

import type { KubeApi } from "./kube_api.ts";
import type { KubeObjects, KubePod, KubeSlice } from "./kube_objects.ts";

interface Meta {
  name: string;
  namespace?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  deletionTimestamp?: string;
}
interface List<T> {
  items: T[];
}

/** Reads every object the expectation needs, in four list requests. */
export async function readKubeObjects(api: KubeApi): Promise<KubeObjects> {
  const [namespaces, services, slices, pods] = await Promise.all([
    api.getJson<List<{ metadata: Meta }>>("/api/v1/namespaces"),
    api.getJson<List<{ metadata: Meta; spec?: { type?: string } }>>("/api/v1/services"),
    api.getJson<
      List<{
        metadata: Meta;
        ports?: { name?: string; port?: number; protocol?: string }[] | null;
        endpoints?: {
          addresses: string[];
          conditions?: { ready?: boolean; terminating?: boolean };
          targetRef?: { kind?: string; name?: string };
        }[] | null;
      }>
    >("/apis/discovery.k8s.io/v1/endpointslices"),
    api.getJson<
      List<{
        metadata: Meta;
        status?: { podIP?: string; conditions?: { type: string; status: string }[] };
      }>
    >("/api/v1/pods"),
  ]);
  return {
    namespaces: namespaces.items.map((n) => ({
      name: n.metadata.name,
      annotations: n.metadata.annotations ?? {},
      terminating: n.metadata.deletionTimestamp !== undefined,
    })),
    services: services.items.map((s) => ({
      namespace: s.metadata.namespace ?? "",
      name: s.metadata.name,
      type: s.spec?.type ?? "ClusterIP",
      annotations: s.metadata.annotations ?? {},
    })),
    slices: slices.items.flatMap((s): KubeSlice[] => {
      const serviceName = s.metadata.labels?.["kubernetes.io/service-name"];
      if (serviceName === undefined) return [];
      return [{
        namespace: s.metadata.namespace ?? "",
        name: s.metadata.name,
        serviceName,
        ports: (s.ports ?? []).filter((p) => p.port !== undefined).map((p) => ({
          name: p.name ?? "",
          port: p.port!,
          protocol: p.protocol ?? "TCP",
        })),
        endpoints: (s.endpoints ?? []).map((e) => ({
          addresses: e.addresses,
          ready: e.conditions?.ready,
          terminating: e.conditions?.terminating,
          podName: e.targetRef?.kind === "Pod" ? e.targetRef.name : undefined,
        })),
      }];
    }),
    pods: pods.items.map((p): KubePod => ({
      namespace: p.metadata.namespace ?? "",
      name: p.metadata.name,
      labels: p.metadata.labels ?? {},
      ready: p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
      ip: p.status?.podIP ?? "",
    })),
  };
}
