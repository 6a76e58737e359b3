/**
 * valibot schemas of the Kubernetes objects a manifest folder may hold: only the fields the
 * manifest source reads, typed as the API server would accept them (annotation and label values
 * must be strings, ports integers), so a file the cluster would refuse is refused here too.
 *
 * @module
 */

import * as v from "valibot";
import { stringMap as anyKeyStringMap } from "../validation/string_map.ts";

// Every key kept: `constructor` is a valid label or annotation key.
const stringMap = anyKeyStringMap();
const protocol = v.picklist(["TCP", "UDP", "SCTP"]);
const portNumber = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));

/** `metadata` of any object. */
export const metadataSchema = v.object({
  name: v.pipe(v.string(), v.minLength(1, "metadata.name must not be empty")),
  namespace: v.optional(v.pipe(v.string(), v.minLength(1))),
  labels: v.optional(v.nullable(stringMap)),
  annotations: v.optional(v.nullable(stringMap)),
  deletionTimestamp: v.optional(v.nullable(v.string())),
});

/** The fields every document must have before its kind is known. */
export const typeMetaSchema = v.object({
  apiVersion: v.pipe(v.string(), v.minLength(1)),
  kind: v.pipe(v.string(), v.minLength(1)),
});

/** A `kind: List` document (what `kubectl get -o yaml` prints). */
export const listSchema = v.object({ items: v.optional(v.nullable(v.array(v.unknown()))) });

/** A Namespace. */
export const namespaceSchema = v.object({ metadata: metadataSchema });

/** A Service. */
export const serviceSchema = v.object({
  metadata: metadataSchema,
  spec: v.optional(v.object({
    type: v.optional(v.picklist(["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"])),
    selector: v.optional(v.nullable(stringMap)),
    publishNotReadyAddresses: v.optional(v.boolean()),
    ports: v.optional(v.nullable(v.array(v.object({
      name: v.optional(v.string()),
      port: portNumber,
      targetPort: v.optional(v.union([portNumber, v.pipe(v.string(), v.minLength(1))])),
      protocol: v.optional(protocol),
    })))),
  })),
});

/** A Pod. */
export const podSchema = v.object({
  metadata: metadataSchema,
  spec: v.optional(v.object({
    containers: v.optional(v.nullable(v.array(v.object({
      ports: v.optional(v.nullable(v.array(v.object({
        name: v.optional(v.string()),
        containerPort: portNumber,
        protocol: v.optional(protocol),
      })))),
    })))),
  })),
  status: v.optional(v.object({
    podIP: v.optional(v.string()),
    phase: v.optional(v.string()),
    conditions: v.optional(v.nullable(v.array(v.object({
      type: v.string(),
      status: v.string(),
    })))),
  })),
});

const targetRef = v.optional(v.nullable(v.object({
  kind: v.optional(v.string()),
  name: v.optional(v.string()),
})));

/** An EndpointSlice, `discovery.k8s.io/v1` or `v1beta1` (the fields read are the same). */
export const endpointSliceSchema = v.object({
  metadata: metadataSchema,
  addressType: v.optional(v.picklist(["IPv4", "IPv6", "FQDN"])),
  endpoints: v.optional(v.nullable(v.array(v.object({
    addresses: v.pipe(v.array(v.string()), v.minLength(1, "an endpoint needs an address")),
    conditions: v.optional(v.nullable(v.object({
      ready: v.optional(v.nullable(v.boolean())),
      terminating: v.optional(v.nullable(v.boolean())),
    }))),
    targetRef,
  })))),
  ports: v.optional(v.nullable(v.array(v.object({
    name: v.optional(v.nullable(v.string())),
    port: v.optional(v.nullable(portNumber)),
    protocol: v.optional(v.nullable(protocol)),
  })))),
});

const endpointsAddress = v.object({ ip: v.string(), targetRef });

/** A core/v1 Endpoints object. */
export const endpointsSchema = v.object({
  metadata: metadataSchema,
  subsets: v.optional(v.nullable(v.array(v.object({
    addresses: v.optional(v.nullable(v.array(endpointsAddress))),
    notReadyAddresses: v.optional(v.nullable(v.array(endpointsAddress))),
    ports: v.optional(v.nullable(v.array(v.object({
      name: v.optional(v.string()),
      port: portNumber,
      protocol: v.optional(protocol),
    })))),
  })))),
});

/** Output type of `serviceSchema`. */
export type ServiceObject = v.InferOutput<typeof serviceSchema>;
/** Output type of `podSchema`. */
export type PodObject = v.InferOutput<typeof podSchema>;
/** Output type of `endpointSliceSchema`. */
export type EndpointSliceObject = v.InferOutput<typeof endpointSliceSchema>;
/** Output type of `endpointsSchema`. */
export type EndpointsObject = v.InferOutput<typeof endpointsSchema>;
