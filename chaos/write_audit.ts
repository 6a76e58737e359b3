/**
 * Finds wrongful writes in the fault proxies' write logs: any create, update or delete the
 * controllers sent (forwarded or answered by a fault) that names a foreign instance or alias, or
 * that writes an instance under metadata that is not ours. A delete followed by a create inside
 * one cache refresh would not show in reads; the log shows every attempt.
 *
 * @module
 */

import type { ForeignBaseline } from "./compare.ts";
import type { ChaosOwner } from "./polaris_objects.ts";

/** A write as a fault proxy recorded it (the fields read here). */
export interface LoggedWrite {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly at: number;
}

/** A wrongful write item. */
export interface WrongfulWrite {
  readonly replica: string;
  readonly at: number;
  readonly request: string;
  readonly detail: string;
}

type Item = Record<string, unknown>;

const INSTANCE_WRITES = new Set([
  "POST /naming/v1/instances",
  "PUT /naming/v1/instances",
  "POST /naming/v1/instances/delete",
]);
const ALIAS_WRITES = new Set([
  "POST /naming/v1/service/alias",
  "PUT /naming/v1/service/alias",
  "POST /naming/v1/service/aliases/delete",
]);

/**
 * Returns every wrongful item of `writes`, sent by `replica`.
 *
 * @example
 * ```ts
 * import { wrongfulWrites } from "./write_audit.ts";
 * const owner = { clusterNames: ["a"], source: "polaris-controller", aliasMarker: "m" };
 * const write = {
 *   method: "POST", path: "/naming/v1/instances", at: 0,
 *   body: [{ namespace: "n", service: "s", host: "1.2.3.4", port: 80,
 *     metadata: { clusterName: "b", source: "polaris-controller" } }],
 * };
 * const found = wrongfulWrites("r1", [write], owner, { instances: [], aliases: [] });
 * if (found.length !== 1) throw new Error("another cluster's metadata is not ours to write");
 * ```
 */
export function wrongfulWrites(
  replica: string,
  writes: readonly LoggedWrite[],
  owner: ChaosOwner,
  foreign: ForeignBaseline,
): WrongfulWrite[] {
  const foreignKeys = new Set(
    foreign.instances.map((i) => `${i.namespace}/${i.service}/${i.host}:${i.port}`),
  );
  const foreignIds = new Set(foreign.instances.map((i) => i.id));
  const foreignAliases = new Set(foreign.aliases.map((a) => `${a.aliasNamespace}/${a.alias}`));
  const out: WrongfulWrite[] = [];
  for (const write of writes) {
    const request = `${write.method} ${write.path}`;
    const items: Item[] = Array.isArray(write.body)
      ? write.body as Item[]
      : write.body !== null && typeof write.body === "object"
      ? [write.body as Item]
      : [];
    const flag = (detail: string) => out.push({ replica, at: write.at, request, detail });
    if (INSTANCE_WRITES.has(request)) {
      for (const item of items) {
        const key = `${item.namespace}/${item.service}/${item.host}:${item.port}`;
        if (foreignKeys.has(key) || (item.id !== undefined && foreignIds.has(String(item.id)))) {
          flag(`names foreign instance ${key}`);
          continue;
        }
        if (request === "POST /naming/v1/instances/delete") continue;
        const metadata = (item.metadata ?? {}) as Record<string, string>;
        if (
          !owner.clusterNames.includes(metadata.clusterName ?? "") ||
          metadata.source !== owner.source
        ) {
          flag(`writes ${key} with clusterName=${metadata.clusterName} source=${metadata.source}`);
        }
      }
    } else if (ALIAS_WRITES.has(request)) {
      for (const item of items) {
        const key = `${item.alias_namespace}/${item.alias}`;
        if (foreignAliases.has(key)) flag(`names foreign alias ${key}`);
      }
    }
  }
  return out;
}
