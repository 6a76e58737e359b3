/**
 * Parses `listen` / `--listen` and `debugListen` / `--debug-listen`, the addresses of the
 * operations endpoints and of the debug endpoints (SPEC §6, docs/decisions.md §23).
 *
 * @module
 */

import { splitHostPort } from "./_host_port.ts";
import type { ListenAddress } from "./config.ts";

/** A parsed listen address, or what was expected instead. */
export type ListenAddressResult =
  | { readonly ok: true; readonly address: ListenAddress }
  | { readonly ok: false; readonly expected: string };

/**
 * Parses `host:port`, `[ipv6]:port` or `:port` (every IPv4 interface, as Go servers read it).
 * The port is required; 0 asks the system for a free one.
 *
 * @example
 * ```ts
 * import { parseListenAddress } from "./listen_address.ts";
 * const result = parseListenAddress("[::1]:9090");
 * if (!result.ok || result.address.hostname !== "::1" || result.address.port !== 9090) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseListenAddress(text: string): ListenAddressResult {
  const expected = 'host:port, e.g. "127.0.0.1:9090", "0.0.0.0:9090" or "[::1]:9090"';
  const withHost = text.startsWith(":") ? `0.0.0.0${text}` : text;
  const result = splitHostPort(withHost, 0);
  if (!result.ok) return { ok: false, expected: `${expected}: ${result.expected}` };
  if (result.port === undefined) return { ok: false, expected };
  return { ok: true, address: { hostname: result.host, port: result.port } };
}

/**
 * Returns true when `hostname` is a loopback address, reachable only from this host (or, in a
 * Pod, from its own network namespace, which `kubectl port-forward` enters): `localhost`,
 * `127.0.0.0/8`, `::1` and `127.x.y.z` mapped to IPv6. The debug endpoints follow `listen`
 * only when it is one of these (docs/decisions.md §23).
 *
 * @example
 * ```ts
 * import { isLoopbackHostname } from "./listen_address.ts";
 * if (!isLoopbackHostname("127.0.0.1") || isLoopbackHostname("0.0.0.0")) throw new Error();
 * ```
 */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
  return /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
