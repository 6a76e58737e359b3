/**
 * Normalizes `serverAddress` / `--polaris-address` into the base URL of the Polaris HTTP API.
 *
 * @module
 */

import { splitHostPort } from "./_host_port.ts";
import { DEFAULTS } from "./defaults.ts";

/** A normalized base URL, or what was expected instead. */
export type PolarisAddress =
  | { readonly ok: true; readonly url: string }
  | { readonly ok: false; readonly expected: string };

const EXPECTED_FORMS = "host, host:port or http(s)://host[:port][/path]";
const PATH = /^(\/[A-Za-z0-9._~!$&'()*+,;=:%-]+)*$/;

/**
 * Returns the base URL of the Polaris HTTP API for `host`, `host:port`, `[ipv6]:port` or
 * `http(s)://host[:port][/path]`. The port defaults to 8090 (polaris-controller appends its
 * `--httpPort`, 8090, to a bare host, reference §4.1), also for URLs: a URL without a port is
 * almost always a bare Polaris host written as a URL. The result always has an explicit port and
 * no final `/`.
 *
 * @example
 * ```ts
 * import { normalizePolarisAddress } from "./polaris_address.ts";
 * const result = normalizePolarisAddress("polaris.polaris-system");
 * if (!result.ok || result.url !== "http://polaris.polaris-system:8090") throw new Error("unexpected");
 * ```
 */
export function normalizePolarisAddress(text: string): PolarisAddress {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, expected: EXPECTED_FORMS };
  const schemeEnd = trimmed.indexOf("://");
  let scheme = "http";
  let rest = trimmed;
  if (schemeEnd >= 0) {
    scheme = trimmed.slice(0, schemeEnd).toLowerCase();
    if (scheme !== "http" && scheme !== "https") {
      return { ok: false, expected: 'an "http" or "https" URL' };
    }
    rest = trimmed.slice(schemeEnd + 3);
  }
  if (/[?#@\s\\]/.test(rest)) {
    return { ok: false, expected: `${EXPECTED_FORMS}, without user, query or fragment` };
  }
  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? "" : rest.slice(slash).replace(/\/+$/, "");
  if (path !== "" && schemeEnd < 0) {
    return { ok: false, expected: "a URL starting with http:// or https:// to carry a path" };
  }
  if (!PATH.test(path) || /\/\.\.?(\/|$)/.test(path)) {
    return { ok: false, expected: "a URL path of plain segments, without empty, . or .. ones" };
  }
  const hostPort = splitHostPort(authority, 1);
  if (!hostPort.ok) return { ok: false, expected: hostPort.expected };
  const host = hostPort.ipv6 ? `[${hostPort.host}]` : hostPort.host.replace(/\.$/, "");
  const port = hostPort.port ?? DEFAULTS.polarisPort;
  return { ok: true, url: `${scheme}://${host}:${port}${path}` };
}
