/**
 * The Polaris console API client used by the controller.
 *
 * @module
 */

import type * as v from "valibot";
import type { RegisteredInstance } from "../../domain/polaris.ts";
import {
  CLUSTER_NAME_KEY,
  LEGACY_SOURCE_KEY,
  POLARIS_LIMITS,
  SOURCE_KEY,
} from "../../domain/polaris.ts";
import type { JudgeOptions } from "./batch.ts";
import {
  aliasEchoKeys,
  aliasKeys,
  instanceEchoKeys,
  instanceKeys,
  namespaceEchoKeys,
  namespaceKeys,
  serviceEchoKeys,
  serviceKeys,
} from "./batch_keys.ts";
import { PolarisCode } from "./codes.ts";
import { type PolarisAnswer, PolarisHttp } from "./http.ts";
import {
  type InstanceRef,
  instanceRefBody,
  type InstanceWrite,
  instanceWriteBody,
} from "./instance_write.ts";
import type {
  AliasWrite,
  InstanceFilter,
  PolarisClientOptions,
  ServiceWrite,
} from "./client_options.ts";
import { type ItemResult, itemResultFromCode } from "./item_result.ts";
import { PolarisRequestError } from "./errors.ts";
import { listAll, scanAll } from "./list_all.ts";
import { listQuery } from "./list_query.ts";
import {
  AliasSchema,
  AliasWriteSchema,
  InstanceSchema,
  NamespaceSchema,
  parseWith,
  type PolarisAlias,
  type PolarisNamespace,
  type PolarisService,
  ServiceSchema,
} from "./schemas.ts";
import { type BatchSpec, unreadableWrite, writeBatch, writeFailure } from "./write_batch.ts";

const PATHS = {
  namespaces: "/naming/v1/namespaces",
  services: "/naming/v1/services",
  servicesDelete: "/naming/v1/services/delete",
  alias: "/naming/v1/service/alias",
  aliases: "/naming/v1/service/aliases",
  aliasesDelete: "/naming/v1/service/aliases/delete",
  instances: "/naming/v1/instances",
  instancesDelete: "/naming/v1/instances/delete",
} as const;

const OK = PolarisCode.ExecuteSuccess;
const CREATED = new Set<number>([OK, PolarisCode.ExistedResource]);
const UPDATED = new Set<number>([OK, PolarisCode.NoNeedUpdate]);
const DELETED = new Set<number>([OK]);
const ALIAS_DELETED = new Set<number>([OK, PolarisCode.NotFoundServiceAlias]);

/**
 * Talks to the Polaris console API (`/naming/v1`). Reads return every page or reject with a
 * `PolarisRequestError` (never a partial or empty list in place of a failure); batch writes never
 * throw for failed items but return one `ItemResult` per input, in input order (sync-rules §3).
 */
export class PolarisClient {
  #http: PolarisHttp;
  #batchSize: number;
  #concurrency: number;
  #pagingRestarts: number;
  #pageConcurrency: number;

  /** Creates a client; nothing is sent until a method is called. */
  constructor(options: PolarisClientOptions) {
    this.#http = new PolarisHttp({
      baseUrl: options.baseUrl,
      token: options.token,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 4,
      backoffBaseMs: options.backoffBaseMs ?? 200,
      backoffMaxMs: options.backoffMaxMs ?? 5_000,
      random: options.random ?? Math.random,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      onRequest: options.onRequest,
      signal: options.signal,
      mayWrite: options.mayWrite,
    });
    this.#batchSize = Math.min(
      options.batchSize ?? POLARIS_LIMITS.batchSize,
      POLARIS_LIMITS.batchSize,
    );
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#pagingRestarts = options.pagingRestarts ?? 3;
    this.#pageConcurrency = options.pageConcurrency ?? 1;
  }

  /** Returns whether `GET /` answers `Polaris Server` (reference §1.6); never throws. */
  async health(): Promise<boolean> {
    return (await this.#http.probe("/"))?.trim() === "Polaris Server";
  }

  /** Creates namespaces; one that already exists (400201) counts as created. */
  createNamespaces(items: readonly { name: string; comment?: string }[]): Promise<ItemResult[]> {
    return this.#write(items, {
      method: "POST",
      path: PATHS.namespaces,
      body: (
        n,
      ) => (n.comment === undefined ? { name: n.name } : { name: n.name, comment: n.comment }),
      keysOf: namespaceKeys,
      echoKeysOf: namespaceEchoKeys,
      successCodes: CREATED,
    });
  }

  /** Lists every namespace (all pages), optionally by name. */
  listNamespaces(filter: { name?: string } = {}): Promise<PolarisNamespace[]> {
    return this.#list(
      "namespaces",
      PATHS.namespaces,
      listQuery("namespaces", filter),
      NamespaceSchema,
      (n) => n.name,
    );
  }

  /** Creates services; one that already exists (400201) counts as created. */
  createServices(items: readonly ServiceWrite[]): Promise<ItemResult[]> {
    return this.#write(items, {
      method: "POST",
      path: PATHS.services,
      ...serviceBatch(CREATED),
    });
  }

  /** Lists every service (all pages; aliases are never listed); metadata filters one pair. */
  listServices(
    filter: { namespace?: string; name?: string; metadata?: Readonly<Record<string, string>> } = {},
  ): Promise<PolarisService[]> {
    const query = listQuery(
      "services",
      { namespace: filter.namespace, name: filter.name },
      filter.metadata,
      1,
    );
    return this.#list(
      "services",
      PATHS.services,
      query,
      ServiceSchema,
      (s) => `${s.namespace}/${s.name}`,
    );
  }

  /** Updates services; "nothing changed" (200002) counts as success, a missing one is 400202. */
  updateServices(items: readonly ServiceWrite[]): Promise<ItemResult[]> {
    return this.#write(items, {
      method: "PUT",
      path: PATHS.services,
      ...serviceBatch(UPDATED),
    });
  }

  /** Deletes services; a missing one counts as deleted, one with instances fails with 400204. */
  deleteServices(items: readonly { namespace: string; name: string }[]): Promise<ItemResult[]> {
    return this.#write(items, {
      method: "POST",
      path: PATHS.servicesDelete,
      body: (s) => ({ namespace: s.namespace, name: s.name }),
      keysOf: serviceKeys,
      echoKeysOf: serviceEchoKeys,
      successCodes: DELETED,
    });
  }

  /**
   * Creates an alias. An alias name already taken (400201) is NOT success: it comes back as `{ ok:
   * false, code: 400201 }` so the caller checks who owns it (sync-rules §2). Polaris does not
   * create the alias namespace (reference §1.3): create it first with {@link createNamespaces}.
   */
  createAlias(alias: AliasWrite): Promise<ItemResult> {
    return this.#writeAlias("POST", alias, new Set([OK]));
  }

  /** Repoints or edits an alias; 200002 counts as success, a missing alias is 400304. */
  updateAlias(alias: AliasWrite): Promise<ItemResult> {
    return this.#writeAlias("PUT", alias, UPDATED);
  }

  /** Lists every alias matching the filter (all pages). */
  listAliases(
    filter: { alias?: string; aliasNamespace?: string; service?: string; namespace?: string },
  ): Promise<PolarisAlias[]> {
    const query = listQuery("aliases", {
      alias: filter.alias,
      alias_namespace: filter.aliasNamespace,
      service: filter.service,
      namespace: filter.namespace,
    });
    return this.#list(
      "aliases",
      PATHS.aliases,
      query,
      AliasSchema,
      (a) => `${a.aliasNamespace}/${a.alias}`,
    );
  }

  /**
   * Deletes aliases. An alias already gone (400304) counts as deleted, with that code visible.
   * Send only alias names: Polaris deletes a real service given here (reference §1.3).
   */
  deleteAliases(
    items: readonly { alias: string; aliasNamespace: string }[],
  ): Promise<ItemResult[]> {
    return this.#write(items, {
      method: "POST",
      path: PATHS.aliasesDelete,
      body: (a) => ({ alias: a.alias, alias_namespace: a.aliasNamespace }),
      keysOf: aliasKeys,
      echoKeysOf: aliasEchoKeys,
      successCodes: ALIAS_DELETED,
    });
  }

  /** Registers instances (an upsert, reference §1.4); 400201 from old servers counts as success. */
  createInstances(items: readonly InstanceWrite[]): Promise<ItemResult[]> {
    return this.#write(items, {
      method: "POST",
      path: PATHS.instances,
      ...instanceBatch(instanceWriteBody, CREATED),
    });
  }

  /** Updates instances by tetrad; 200002 counts as success, a missing one is 400303. */
  updateInstances(items: readonly InstanceWrite[]): Promise<ItemResult[]> {
    return this.#write(items, {
      method: "PUT",
      path: PATHS.instances,
      ...instanceBatch(instanceWriteBody, UPDATED),
    });
  }

  /** Deletes instances by tetrad; a missing one counts as deleted. */
  deleteInstances(items: readonly InstanceRef[]): Promise<ItemResult[]> {
    return this.#write(items, {
      method: "POST",
      path: PATHS.instancesDelete,
      ...instanceBatch(instanceRefBody, DELETED),
    });
  }

  /**
   * Lists every instance matching the filter: all pages, de-duplicated, consistent (reference §5).
   */
  listInstances(filter: InstanceFilter): Promise<RegisteredInstance[]> {
    const query = listQuery(
      "instances",
      { namespace: filter.namespace, service: filter.service, host: filter.host },
      filter.metadata,
    );
    return this.#list("instances", PATHS.instances, query, InstanceSchema, (i) => i.id);
  }

  /**
   * Lists every instance, across all services, whose metadata carries this `clusterName` and
   * `source` (reference §5: `keys`/`values` need no namespace or service). Rows are checked again
   * here, so an instance of another owner can never reach the caller.
   */
  async listOwnedInstances(
    owner: { clusterName: string; source: string },
  ): Promise<RegisteredInstance[]> {
    const rows = await this.listInstances({
      metadata: { [CLUSTER_NAME_KEY]: owner.clusterName, [SOURCE_KEY]: owner.source },
    });
    return rows.filter((i) =>
      i.metadata[CLUSTER_NAME_KEY] === owner.clusterName && i.metadata[SOURCE_KEY] === owner.source
    );
  }

  /**
   * The services that hold at least one instance with this `clusterName` and `source`, read page
   * by page without keeping the instances (the sweep's question at 1.5M instances). A pass whose
   * counts do not add up (the list moved) is read again, up to `pagingRestarts` times; then it
   * rejects as retryable, like a list that never holds still. Rejects when a page fails.
   */
  async listOwnedServices(
    owner: { clusterName: string; source: string; namespace?: string },
  ): Promise<Array<{ namespace: string; service: string }>> {
    // Filtered by clusterName alone, so that one listing also finds polaris-controller's older
    // `platform` marker (the server filters on one value per key); the marker is checked here.
    const query = listQuery(
      "instances",
      owner.namespace === undefined ? {} : { namespace: owner.namespace },
      { [CLUSTER_NAME_KEY]: owner.clusterName },
    );
    const passes = 1 + Math.max(0, this.#pagingRestarts);
    for (let pass = 1; pass <= passes; pass++) {
      const found = new Map<string, { namespace: string; service: string }>();
      const consistent = await scanAll(this.#http, {
        what: "instances",
        path: PATHS.instances,
        filter: query,
        row: InstanceSchema,
        idOf: (i) => i.id,
        pageConcurrency: this.#pageConcurrency,
      }, (rows) => {
        for (const i of rows) {
          if (i.metadata[CLUSTER_NAME_KEY] !== owner.clusterName) continue;
          const marked = i.metadata[SOURCE_KEY] === owner.source ||
            i.metadata[LEGACY_SOURCE_KEY] === owner.source;
          if (!marked) continue;
          found.set(`${i.namespace}/${i.service}`, { namespace: i.namespace, service: i.service });
        }
      });
      if (consistent) return [...found.values()];
    }
    throw new PolarisRequestError(
      `Cannot list the services of "${owner.clusterName}": the owned instances changed while paging on each of ${passes} passes`,
      {
        method: "GET",
        path: PATHS.instances,
        code: undefined,
        status: undefined,
        retryable: true,
        attempts: passes,
      },
    );
  }

  #list<S extends v.GenericSchema>(
    what: "namespaces" | "services" | "aliases" | "instances",
    path: string,
    filter: URLSearchParams,
    row: S,
    idOf: (row: v.InferOutput<S>) => string,
  ): Promise<v.InferOutput<S>[]> {
    return listAll(this.#http, {
      what,
      path,
      filter,
      row,
      idOf,
      maxRestarts: this.#pagingRestarts,
      pageConcurrency: this.#pageConcurrency,
    });
  }

  #write<T>(items: readonly T[], spec: BatchSpec<T>): Promise<ItemResult[]> {
    return writeBatch(this.#http, items, spec, {
      batchSize: this.#batchSize,
      concurrency: this.#concurrency,
    });
  }

  async #writeAlias(
    method: "POST" | "PUT",
    alias: AliasWrite,
    success: ReadonlySet<number>,
  ): Promise<ItemResult> {
    const body: Record<string, unknown> = {
      alias: alias.alias,
      alias_namespace: alias.aliasNamespace,
      service: alias.service,
      namespace: alias.namespace,
    };
    if (alias.comment !== undefined) body.comment = alias.comment;
    let answer: PolarisAnswer;
    try {
      answer = await this.#http.call({ method, path: PATHS.alias, body, items: 1 });
    } catch (error) {
      return writeFailure(error);
    }
    const parsed = parseWith(AliasWriteSchema, answer.data);
    if (!parsed.ok) return unreadableWrite(method, PATHS.alias, answer, success, parsed.issues);
    const { code, info } = parsed.value;
    if (code === PolarisCode.ExistedResource && method === "POST") {
      return {
        ok: false,
        code,
        retryable: false,
        message:
          `Alias "${alias.aliasNamespace}/${alias.alias}" already exists (400201): check who owns it`,
      };
    }
    return itemResultFromCode(code, info ?? "", success);
  }
}

function serviceBatch(
  successCodes: ReadonlySet<number>,
): JudgeOptions<ServiceWrite> & { body: (s: ServiceWrite) => unknown } {
  return {
    body: (s) => {
      const body: Record<string, unknown> = { namespace: s.namespace, name: s.name };
      if (s.metadata !== undefined) body.metadata = { ...s.metadata };
      if (s.comment !== undefined) body.comment = s.comment;
      return body;
    },
    keysOf: serviceKeys,
    echoKeysOf: serviceEchoKeys,
    successCodes,
  };
}

function instanceBatch<T extends InstanceRef>(
  body: (item: T) => unknown,
  successCodes: ReadonlySet<number>,
): JudgeOptions<T> & { body: (item: T) => unknown } {
  return { body, keysOf: instanceKeys, echoKeysOf: instanceEchoKeys, successCodes };
}
