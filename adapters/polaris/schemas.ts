/**
 * valibot schemas for every Polaris answer the client reads, and the typed values they yield.
 *
 * The server encodes with `EmitDefaults`, so unset fields arrive as `null` (reference §0): every
 * field the client can live without is `nullish` and gets the server's own default. Fields that
 * identify something (instance id, host, port; service name) are required, because a list with an
 * unidentifiable row cannot be diffed safely. Unknown keys are allowed (newer servers add fields).
 *
 * @module
 */

import * as v from "valibot";
import type { RegisteredInstance } from "../../domain/polaris.ts";
import { stringMap as anyKeyStringMap } from "../validation/string_map.ts";

const text = v.nullish(v.string());
const whole = v.nullish(v.pipe(v.number(), v.integer()));
const flag = v.nullish(v.boolean());
// Every key kept: `constructor` or `__proto__` are metadata keys like any other to Polaris.
const stringMap = v.nullish(anyKeyStringMap());
const port = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535));

/** Top-level `{code, info}` that every Polaris JSON answer carries. */
export const EnvelopeSchema = v.looseObject({ code: v.pipe(v.number(), v.integer()), info: text });

/** A namespace as the console list returns it, reduced to what the controller uses. */
export interface PolarisNamespace {
  readonly name: string;
  readonly comment: string;
}

/** A service as the console list returns it (aliases are never listed there, reference §5). */
export interface PolarisService {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly comment: string;
  readonly ports: string;
  readonly revision: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A service alias: `aliasNamespace/alias` points at `namespace/service` (reference §1.3). */
export interface PolarisAlias {
  readonly id: string;
  readonly alias: string;
  readonly aliasNamespace: string;
  readonly service: string;
  readonly namespace: string;
  readonly comment: string;
  readonly owners: string;
}

/** Parses one listed namespace. */
export const NamespaceSchema = v.pipe(
  v.looseObject({ name: v.string(), comment: text }),
  v.transform((n): PolarisNamespace => ({ name: n.name, comment: n.comment ?? "" })),
);

/** Parses one listed service. */
export const ServiceSchema = v.pipe(
  v.looseObject({
    id: text,
    namespace: v.string(),
    name: v.string(),
    comment: text,
    ports: text,
    revision: text,
    metadata: stringMap,
  }),
  v.transform((s): PolarisService => ({
    id: s.id ?? "",
    namespace: s.namespace,
    name: s.name,
    comment: s.comment ?? "",
    ports: s.ports ?? "",
    revision: s.revision ?? "",
    metadata: s.metadata ?? {},
  })),
);

/** Parses one listed alias. */
export const AliasSchema = v.pipe(
  v.looseObject({
    id: text,
    alias: v.string(),
    alias_namespace: v.string(),
    service: v.string(),
    namespace: v.string(),
    comment: text,
    owners: text,
  }),
  v.transform((a): PolarisAlias => ({
    id: a.id ?? "",
    alias: a.alias,
    aliasNamespace: a.alias_namespace,
    service: a.service,
    namespace: a.namespace,
    comment: a.comment ?? "",
    owners: a.owners ?? "",
  })),
);

/**
 * Parses one listed instance into a `RegisteredInstance`. Nulls get the server's defaults
 * (weight 100, healthy true, isolate false: reference §3).
 */
export const InstanceSchema = v.pipe(
  v.looseObject({
    id: v.pipe(v.string(), v.minLength(1)),
    namespace: v.string(),
    service: v.string(),
    host: v.string(),
    port,
    protocol: text,
    version: text,
    weight: whole,
    healthy: flag,
    isolate: flag,
    enableHealthCheck: flag,
    healthCheck: v.nullish(
      v.looseObject({ heartbeat: v.nullish(v.looseObject({ ttl: whole })) }),
    ),
    vpc_id: text,
    metadata: stringMap,
    revision: text,
  }),
  v.transform((i): RegisteredInstance => ({
    id: i.id,
    namespace: i.namespace,
    service: i.service,
    host: i.host,
    port: i.port,
    protocol: i.protocol ?? "",
    version: i.version ?? "",
    weight: i.weight ?? 100,
    healthy: i.healthy ?? true,
    isolate: i.isolate ?? false,
    enableHealthCheck: i.enableHealthCheck ?? false,
    ...(i.healthCheck?.heartbeat?.ttl ? { healthCheckTtl: i.healthCheck.heartbeat.ttl } : {}),
    vpcId: i.vpc_id ?? "",
    metadata: i.metadata ?? {},
    revision: i.revision ?? "",
  })),
);

/** The largest `uint32`, the type of a page's `amount` (`google.protobuf.UInt32Value`). */
const MAX_UINT32 = 4_294_967_295;

/**
 * Parses the envelope of one page of a console list (`BatchQueryResponse`). `amount` is required:
 * paging without it could silently stop early (sync-rules §3). It is a `uint32`: a larger total is no
 * Polaris answer, and paging towards it would never end. The rows are parsed separately with
 * {@link rowsSchema}, since each list keeps them under its own key.
 */
export const PageSchema = v.looseObject({
  code: v.pipe(v.number(), v.integer()),
  info: text,
  amount: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_UINT32)),
  size: whole,
});

/** Returns the schema of a page's rows: an array of `row`, where `null` means no rows. */
export function rowsSchema<S extends v.GenericSchema>(row: S) {
  return v.nullish(v.array(row));
}

const echo = v.nullish(v.looseObject({
  id: text,
  namespace: text,
  service: text,
  name: text,
  host: text,
  port: whole,
  alias: text,
  alias_namespace: text,
}));

/** Parses one item of a `BatchWriteResponse`; HEAD may send all-null items (reference §2). */
export const ItemResponseSchema = v.looseObject({
  code: whole,
  info: text,
  instance: echo,
  service: echo,
  namespace: echo,
  alias: echo,
});

/** The echo of one item in a batch answer, as the batch matcher reads it. */
export type ItemResponse = v.InferOutput<typeof ItemResponseSchema>;

/** Parses a `BatchWriteResponse`: top-level code plus one response per item (reference §2). */
export const BatchWriteSchema = v.looseObject({
  code: v.pipe(v.number(), v.integer()),
  info: text,
  size: whole,
  responses: v.nullish(v.array(v.nullable(ItemResponseSchema))),
});

/** A parsed `BatchWriteResponse`. */
export type BatchWrite = v.InferOutput<typeof BatchWriteSchema>;

/** Parses the single `Response` of an alias create or update (reference §1.3). */
export const AliasWriteSchema = v.looseObject({
  code: v.pipe(v.number(), v.integer()),
  info: text,
  alias: echo,
});

/**
 * Validates `data` against `schema`: the typed value, or the issues as `path: message` lines.
 */
export function parseWith<S extends v.GenericSchema>(
  schema: S,
  data: unknown,
): { ok: true; value: v.InferOutput<S> } | { ok: false; issues: string[] } {
  const result = v.safeParse(schema, data);
  if (result.success) return { ok: true, value: result.output };
  return {
    ok: false,
    issues: result.issues.slice(0, 10).map((issue) =>
      `${v.getDotPath(issue) ?? "(root)"}: ${issue.message}`
    ),
  };
}
