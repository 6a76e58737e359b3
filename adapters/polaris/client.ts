/**
 * The Polaris console API client used by the controller.
 *
 * @module
 */

import type * as v from "valibot";
import type { RegisteredInstance } from "../../domain/polaris.ts";
import { CLUSTER_NAME_KEY, POLARIS_LIMITS, SOURCE_KEY } from "../../domain/polaris.ts";
import { failedRequest, judgeBatch, type JudgeOptions, planBatches } from "./batch.ts";
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
import { isRetryableCode, PolarisCode } from "./codes.ts";
import { PolarisProtocolError, PolarisRequestError } from "./errors.ts";
import { type PolarisAnswer, PolarisHttp, type PolarisRequestReport } from "./http.ts";
import {
  type InstanceRef,
  instanceRefBody,
  type InstanceWrite,
  instanceWriteBody,
} from "./instance_write.ts";
import { type ItemResult, itemResultFromCode } from "./item_result.ts";
import { listQuery } from "./list_query.ts";
import { readAllPages, UnstableListError } from "./read_all_pages.ts";
import { runBounded } from "./run_bounded.ts";
import {
  AliasSchema,
  AliasWriteSchema,
  BatchWriteSchema,
  InstanceSchema,
  NamespaceSchema,
  PageSchema,
  parseWith,
  type PolarisAlias,
  type PolarisNamespace,
  type PolarisService,
  rowsSchema,
  ServiceSchema,
} from "./schemas.ts";

/** Settings of {@link PolarisClient}. */
export interface PolarisClientOptions {
  /** Server URL, e.g. `http://polaris.polaris-system:8090`. */
  readonly baseUrl: string;
  /** Sent as `X-Polaris-Token` when set (reference §4). */
  readonly token?: string;
  /** Timeout of every attempt, body included. Default 10000. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt for network errors, 5xx, 429xxx and 403003. Default 4. */
  readonly maxRetries?: number;
  /** First backoff window. Default 200. */
  readonly backoffBaseMs?: number;
  /** Cap on the backoff. Default 5000. */
  readonly backoffMaxMs?: number;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Waits between attempts. Default a `setTimeout` promise. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called after every attempt (retries included), for metrics. */
  readonly onRequest?: (report: PolarisRequestReport) => void;
  /** Items per batch request, at most 100 (reference §6). Default 100. */
  readonly batchSize?: number;
  /** Batch requests of one call in flight at once. Default 4. */
  readonly concurrency?: number;
  /** Times a list starts over when its data changes while paging. Default 3. */
  readonly pagingRestarts?: number;
  /** Aborts in-flight requests and stops retrying (graceful shutdown). */
  readonly signal?: AbortSignal;
}

/** A service to create or update; `metadata`, when given, replaces the stored map (reference §1.2). */
export interface ServiceWrite {
  readonly namespace: string;
  readonly name: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly comment?: string;
}

/** An alias `aliasNamespace/alias` of the service `namespace/service` (reference §1.3). */
export interface AliasWrite {
  readonly alias: string;
  readonly aliasNamespace: string;
  readonly service: string;
  readonly namespace: string;
  readonly comment?: string;
}

/** Filter of {@link PolarisClient.listInstances}; metadata pairs must all match. */
export interface InstanceFilter {
  readonly namespace?: string;
  readonly service?: string;
  readonly host?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

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

const OK = PolarisCode.executeSuccess;
const CREATED = new Set<number>([OK, PolarisCode.existedResource]);
const UPDATED = new Set<number>([OK, PolarisCode.noNeedUpdate]);
const DELETED = new Set<number>([OK]);
const ALIAS_DELETED = new Set<number>([OK, PolarisCode.notFoundServiceAlias]);

interface BatchSpec<T> extends JudgeOptions<T> {
  readonly method: "POST" | "PUT";
  readonly path: string;
  readonly body: (item: T) => unknown;
}

/**
 * Talks to the Polaris console API (`/naming/v1`). Reads return every page or reject with a
 * `PolarisRequestError` (never a partial or empty list in place of a failure); batch writes never
 * throw for failed items but return one `ItemResult` per input, in input order (SPEC §3).
 */
export class PolarisClient {
  #http: PolarisHttp;
  #batchSize: number;
  #concurrency: number;
  #pagingRestarts: number;

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
    });
    this.#batchSize = Math.min(
      options.batchSize ?? POLARIS_LIMITS.batchSize,
      POLARIS_LIMITS.batchSize,
    );
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#pagingRestarts = options.pagingRestarts ?? 3;
  }

  /** Returns whether `GET /` answers `Polaris Server` (reference §1.6); never throws. */
  async health(): Promise<boolean> {
    return (await this.#http.probe("/"))?.trim() === "Polaris Server";
  }

  /** Creates namespaces; one that already exists (400201) counts as created. */
  createNamespaces(items: readonly { name: string; comment?: string }[]): Promise<ItemResult[]> {
    return this.#writeBatch(items, {
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
    return this.#writeBatch(items, {
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
    return this.#writeBatch(items, {
      method: "PUT",
      path: PATHS.services,
      ...serviceBatch(UPDATED),
    });
  }

  /** Deletes services; a missing one counts as deleted, one with instances fails with 400204. */
  deleteServices(items: readonly { namespace: string; name: string }[]): Promise<ItemResult[]> {
    return this.#writeBatch(items, {
      method: "POST",
      path: PATHS.servicesDelete,
      body: (s) => ({ namespace: s.namespace, name: s.name }),
      keysOf: serviceKeys,
      echoKeysOf: serviceEchoKeys,
      successCodes: DELETED,
    });
  }

  /**
   * Creates an alias. An alias name already taken (400201) is NOT success: it comes back as
   * `{ ok: false, code: 400201 }` so the caller checks who owns it (SPEC §2). Polaris does not
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
    return this.#writeBatch(items, {
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
    return this.#writeBatch(items, {
      method: "POST",
      path: PATHS.instances,
      ...instanceBatch(instanceWriteBody, CREATED),
    });
  }

  /** Updates instances by tetrad; 200002 counts as success, a missing one is 400303. */
  updateInstances(items: readonly InstanceWrite[]): Promise<ItemResult[]> {
    return this.#writeBatch(items, {
      method: "PUT",
      path: PATHS.instances,
      ...instanceBatch(instanceWriteBody, UPDATED),
    });
  }

  /** Deletes instances by tetrad; a missing one counts as deleted. */
  deleteInstances(items: readonly InstanceRef[]): Promise<ItemResult[]> {
    return this.#writeBatch(items, {
      method: "POST",
      path: PATHS.instancesDelete,
      ...instanceBatch(instanceRefBody, DELETED),
    });
  }

  /** Lists every instance matching the filter: all pages, de-duplicated, consistent (reference §5). */
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

  async #list<S extends v.GenericSchema>(
    what: "namespaces" | "services" | "aliases" | "instances",
    path: string,
    filter: URLSearchParams,
    row: S,
    idOf: (row: v.InferOutput<S>) => string,
  ): Promise<v.InferOutput<S>[]> {
    const rows = rowsSchema(row);
    let last: PolarisAnswer | undefined;
    const fetchPage = async (offset: number, limit: number) => {
      const query = new URLSearchParams(filter);
      query.set("offset", String(offset));
      query.set("limit", String(limit));
      const answer = await this.#http.call({
        method: "GET",
        path,
        query,
        countRows: (data) => rowCount(data, what),
      });
      last = answer;
      if (answer.code !== OK) {
        throw new PolarisRequestError(
          `Cannot list ${what} at offset ${offset}: Polaris answered ${answer.code}${
            answer.info ? ` (${answer.info})` : ""
          }`,
          { ...answerInit("GET", path, answer), retryable: isRetryableCode(answer.code) },
        );
      }
      const page = parseWith(PageSchema, answer.data);
      const parsed = parseWith(rows, (answer.data as Record<string, unknown>)[what]);
      if (!page.ok || !parsed.ok) {
        const issues = [
          ...(page.ok ? [] : page.issues),
          ...(parsed.ok ? [] : parsed.issues.map((i) => `${what}.${i}`)),
        ];
        throw new PolarisProtocolError(
          `Cannot read the ${what} page at offset ${offset}: ${issues.join("; ")}`,
          { ...answerInit("GET", path, answer), retryable: false, issues },
        );
      }
      return { amount: page.value.amount, rows: parsed.value ?? [] };
    };
    try {
      return await readAllPages(fetchPage, { idOf, limit: 100, maxRestarts: this.#pagingRestarts });
    } catch (error) {
      if (!(error instanceof UnstableListError)) throw error;
      throw new PolarisRequestError(`Cannot list ${what}: ${error.message}`, {
        method: "GET",
        path,
        code: last?.code,
        status: last?.status,
        retryable: true,
        attempts: error.passes,
        cause: error,
      });
    }
  }

  async #writeBatch<T>(items: readonly T[], spec: BatchSpec<T>): Promise<ItemResult[]> {
    const results: ItemResult[] = new Array(items.length);
    const rounds = planBatches(items, (item) => spec.keysOf(item)[0], this.#batchSize);
    for (const chunks of rounds) {
      await runBounded(chunks, this.#concurrency, async (chunk) => {
        const sent = chunk.map((index) => items[index]);
        const judged = await this.#sendBatch(sent, spec);
        chunk.forEach((index, position) => (results[index] = judged[position]));
      });
    }
    return results;
  }

  async #sendBatch<T>(sent: readonly T[], spec: BatchSpec<T>): Promise<ItemResult[]> {
    let answer: PolarisAnswer;
    try {
      answer = await this.#http.call({
        method: spec.method,
        path: spec.path,
        body: sent.map(spec.body),
        items: sent.length,
      });
    } catch (error) {
      const failure = writeFailure(error);
      return sent.map(() => failure);
    }
    const parsed = parseWith(BatchWriteSchema, answer.data);
    if (!parsed.ok) {
      const failure = unreadableWrite(spec.method, spec.path, answer, parsed.issues);
      return sent.map(() => failure);
    }
    const { code, info, responses } = parsed.value;
    return judgeBatch(sent, { code, info: info ?? "", responses: responses ?? [] }, spec);
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
    if (!parsed.ok) return unreadableWrite(method, PATHS.alias, answer, parsed.issues);
    const { code, info } = parsed.value;
    if (code === PolarisCode.existedResource && method === "POST") {
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

function answerInit(method: string, path: string, answer: PolarisAnswer) {
  return { method, path, code: answer.code, status: answer.status, attempts: answer.attempts };
}

function rowCount(data: unknown, key: string): number | undefined {
  const rows = typeof data === "object" && data !== null
    ? (data as Record<string, unknown>)[key]
    : undefined;
  return Array.isArray(rows) ? rows.length : undefined;
}

/** A request that failed as a whole: every item gets its code; writes are idempotent, so a garbled answer is retryable. */
function writeFailure(error: unknown): ItemResult {
  if (!(error instanceof PolarisRequestError)) throw error;
  return {
    ok: false,
    code: error.code,
    retryable: error instanceof PolarisProtocolError || error.retryable,
    message: error.message,
  };
}

function unreadableWrite(
  method: string,
  path: string,
  answer: PolarisAnswer,
  issues: readonly string[],
): ItemResult {
  if (answer.code !== OK && !CREATED.has(answer.code) && !UPDATED.has(answer.code)) {
    return failedRequest(answer.code, answer.info);
  }
  return {
    ok: false,
    code: undefined,
    retryable: true,
    message: `Cannot read the answer to ${method} "${path}": ${issues.join("; ")}`,
  };
}
