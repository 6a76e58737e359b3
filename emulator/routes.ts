/**
 * The emulator's route table: which Polaris console path and method runs which store operation,
 * and what kind of body it takes (reference §1).
 *
 * @module
 */

import { createAlias, deleteAliases, updateAlias } from "./alias_ops.ts";
import { listAliases, listAllServices, listNamespaces, listServices } from "./catalog_list.ts";
import { countInstances, listInstances } from "./instance_list.ts";
import {
  createInstances,
  deleteInstances,
  deleteInstancesByHost,
  updateInstances,
} from "./instance_ops.ts";
import type { Query } from "./list_query.ts";
import { createNamespaces, deleteNamespaces, updateNamespaces } from "./namespace_ops.ts";
import type { JsonObject } from "./render.ts";
import type { WriteOptions } from "./run_batch.ts";
import { createServices, deleteServices, updateServices } from "./service_ops.ts";
import type { PolarisStore } from "./store.ts";
import type { DecodedMessage, MessageSchema } from "./wire_decode.ts";
import { INSTANCE, NAMESPACE, SERVICE, SERVICE_ALIAS } from "./wire_schemas.ts";

/** What a route does with a request. */
export type Route =
  | {
    readonly body: "batch";
    readonly schema: MessageSchema;
    readonly run: (
      s: PolarisStore,
      items: readonly DecodedMessage[],
      o: WriteOptions,
    ) => JsonObject;
  }
  | {
    readonly body: "single";
    readonly schema: MessageSchema;
    readonly run: (s: PolarisStore, item: DecodedMessage) => JsonObject;
  }
  | { readonly body: "none"; readonly run: (s: PolarisStore, query: Query) => JsonObject };

/** Routes by path, then by method. */
export const ROUTES: Readonly<Record<string, Readonly<Record<string, Route>>>> = {
  "/naming/v1/namespaces": {
    POST: { body: "batch", schema: NAMESPACE, run: createNamespaces },
    PUT: { body: "batch", schema: NAMESPACE, run: updateNamespaces },
    GET: { body: "none", run: listNamespaces },
  },
  "/naming/v1/namespaces/delete": {
    POST: { body: "batch", schema: NAMESPACE, run: deleteNamespaces },
  },
  "/naming/v1/services": {
    POST: { body: "batch", schema: SERVICE, run: createServices },
    PUT: { body: "batch", schema: SERVICE, run: updateServices },
    GET: { body: "none", run: listServices },
  },
  "/naming/v1/services/delete": { POST: { body: "batch", schema: SERVICE, run: deleteServices } },
  "/naming/v1/services/all": { GET: { body: "none", run: listAllServices } },
  "/naming/v1/service/alias": {
    POST: { body: "single", schema: SERVICE_ALIAS, run: createAlias },
    PUT: { body: "single", schema: SERVICE_ALIAS, run: updateAlias },
  },
  "/naming/v1/service/aliases": { GET: { body: "none", run: listAliases } },
  "/naming/v1/service/aliases/delete": {
    POST: { body: "batch", schema: SERVICE_ALIAS, run: deleteAliases },
  },
  "/naming/v1/instances": {
    POST: { body: "batch", schema: INSTANCE, run: createInstances },
    PUT: { body: "batch", schema: INSTANCE, run: updateInstances },
    GET: { body: "none", run: listInstances },
  },
  "/naming/v1/instances/delete": {
    POST: { body: "batch", schema: INSTANCE, run: deleteInstances },
  },
  "/naming/v1/instances/delete/host": {
    POST: { body: "batch", schema: INSTANCE, run: deleteInstancesByHost },
  },
  "/naming/v1/instances/count": { GET: { body: "none", run: (s) => countInstances(s) } },
};
