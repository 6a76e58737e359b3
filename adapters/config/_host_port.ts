/**
 * Splits and checks `host[:port]` text, shared by the Polaris address and the listen address.
 * Private to the config folder.
 *
 * @module
 */

/** A split `host[:port]`; `host` keeps no brackets, `ipv6` says it had them. */
export type HostPort =
  | { readonly ok: true; readonly host: string; readonly ipv6: boolean; readonly port?: number }
  | { readonly ok: false; readonly expected: string };

const LABEL = "[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
const HOSTNAME = new RegExp(`^${LABEL}(\\.${LABEL})*\\.?$`);
const IPV4_LIKE = /^\d+(\.\d+){3}$/;

/**
 * Splits `text` into host and optional port. An IPv6 address must be in brackets, since its
 * colons cannot be told from a port; a port is an integer within `minPort..65535`.
 */
export function splitHostPort(text: string, minPort: number): HostPort {
  let host: string;
  let portText: string | undefined;
  let ipv6 = false;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) return { ok: false, expected: 'a "]" closing the IPv6 address' };
    host = text.slice(1, close);
    ipv6 = true;
    const rest = text.slice(close + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) return { ok: false, expected: "host:port after the IPv6 address" };
      portText = rest.slice(1);
    }
    if (!isIpv6(host)) return { ok: false, expected: "a valid IPv6 address in brackets" };
  } else {
    const colons = text.split(":").length - 1;
    if (colons > 1) {
      return { ok: false, expected: 'an IPv6 address in brackets, e.g. "[fd00::1]:8090"' };
    }
    const colon = text.indexOf(":");
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
    if (!isHostname(host)) return { ok: false, expected: "a valid hostname or IP address" };
  }
  if (portText === undefined) return { ok: true, host: host.toLowerCase(), ipv6 };
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= minPort && port <= 65535)) {
    return { ok: false, expected: `a port from ${minPort} to 65535` };
  }
  return { ok: true, host: host.toLowerCase(), ipv6, port };
}

function isHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253 || !HOSTNAME.test(host)) return false;
  if (!IPV4_LIKE.test(host)) return true;
  return host.split(".").every((octet) => Number(octet) <= 255);
}

function isIpv6(host: string): boolean {
  if (!host.includes(":") || !/^[0-9A-Fa-f:.]+$/.test(host)) return false;
  try {
    new URL(`http://[${host}]/`);
    return true;
  } catch {
    return false; // the URL parser is the IPv6 grammar check; its message adds nothing here
  }
}
