/**
 * How batch items and their echoes in Polaris answers are recognised (used by `judgeBatch`).
 *
 * @module
 */

import { polarisInstanceId } from "./instance_id.ts";
import type { ItemResponse } from "./schemas.ts";

/** Returns the keys of a sent instance: its tetrad and its Polaris id. */
export function instanceKeys(
  item: {
    readonly namespace: string;
    readonly service: string;
    readonly host: string;
    readonly port: number;
  },
): string[] {
  return [
    `instance:${item.namespace}/${item.service}/${item.host}:${item.port}`,
    `id:${polarisInstanceId(item)}`,
  ];
}

/** Returns the keys of the instance echoed in a batch response (none when it is all null). */
export function instanceEchoKeys(response: ItemResponse): string[] {
  const echo = response.instance;
  if (!echo) return [];
  const keys: string[] = [];
  if (echo.namespace != null && echo.service != null && echo.host != null && echo.port != null) {
    keys.push(`instance:${echo.namespace}/${echo.service}/${echo.host}:${echo.port}`);
  }
  if (echo.id) keys.push(`id:${echo.id}`);
  return keys;
}

/** Returns the key of a sent service. */
export function serviceKeys(item: { readonly namespace: string; readonly name: string }): string[] {
  return [`service:${item.namespace}/${item.name}`];
}

/** Returns the key of the service echoed in a batch response (none when it is all null). */
export function serviceEchoKeys(response: ItemResponse): string[] {
  const echo = response.service;
  return echo?.namespace != null && echo.name != null
    ? [`service:${echo.namespace}/${echo.name}`]
    : [];
}

/** Returns the key of a sent namespace. */
export function namespaceKeys(item: { readonly name: string }): string[] {
  return [`namespace:${item.name}`];
}

/** Returns the key of the namespace echoed in a batch response (none when it is all null). */
export function namespaceEchoKeys(response: ItemResponse): string[] {
  return response.namespace?.name != null ? [`namespace:${response.namespace.name}`] : [];
}

/** Returns the key of a sent alias. */
export function aliasKeys(
  item: { readonly alias: string; readonly aliasNamespace: string },
): string[] {
  return [`alias:${item.aliasNamespace}/${item.alias}`];
}

/** Returns the key of the alias echoed in a batch response (none when it is all null). */
export function aliasEchoKeys(response: ItemResponse): string[] {
  const echo = response.alias;
  return echo?.alias != null && echo.alias_namespace != null
    ? [`alias:${echo.alias_namespace}/${echo.alias}`]
    : [];
}
