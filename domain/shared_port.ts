/**
 * The rule for several ports of one Service that reach the same target port number, such as DNS
 * on 53 over TCP and UDP (decisions §21).
 *
 * Polaris names an instance by namespace, service, host and port (+ vpc_id): its id is the SHA-1
 * of those, with no protocol in it (v1.18.1 `CalculateInstanceID`), and a create over an existing
 * id replaces it. Such ports can only ever be one Polaris instance per address. Which protocol it
 * carries is decided here, by a rule and not by the order Kubernetes lists the ports in, so a
 * reordered port list or another endpoint source never changes it; the others are reported.
 *
 * @module
 */

import type { EndpointPort, PortProtocol } from "./kubernetes.ts";
import type { Problem } from "./problems.ts";

/** TCP first (what HTTP and gRPC consumers of Polaris dial), then UDP, then SCTP. */
const PROTOCOL_ORDER: Readonly<Record<PortProtocol, number>> = { TCP: 0, UDP: 1, SCTP: 2 };

/** Orders ports by protocol (TCP, UDP, SCTP), then by name. */
function byRule(a: EndpointPort, b: EndpointPort): number {
  return PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol] ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * Returns the port whose protocol the one instance of a shared target port carries: TCP before
 * UDP before SCTP, then the port name in string order; the same for any order of `ports`.
 *
 * @example
 * ```ts
 * import { chosenPort } from "./shared_port.ts";
 * const chosen = chosenPort([
 *   { name: "dns-udp", port: 53, protocol: "UDP" },
 *   { name: "dns", port: 53, protocol: "TCP" },
 * ]);
 * if (chosen.name !== "dns") throw new Error("TCP first");
 * ```
 */
export function chosenPort(ports: readonly EndpointPort[]): EndpointPort {
  if (ports.length === 0) throw new RangeError("Cannot choose a port among none");
  return [...ports].sort(byRule)[0];
}

/**
 * Returns the problem that reports ports sharing a target port number: one Polaris instance per
 * address, with the chosen port's protocol. Not fatal: the instances are registered. The message
 * names every port in rule order, so it is the same at every reconcile and is reported once.
 *
 * @example
 * ```ts
 * import { sharedPortProblem } from "./shared_port.ts";
 * const problem = sharedPortProblem([
 *   { name: "dns-udp", port: 53, protocol: "UDP" },
 *   { name: "dns", port: 53, protocol: "TCP" },
 * ]);
 * if (!problem.message.includes('protocol "dns/TCP"')) throw new Error(problem.message);
 * ```
 */
export function sharedPortProblem(ports: readonly EndpointPort[]): Problem {
  const ordered = [...ports].sort(byRule);
  const named = ordered.map((p) => `"${p.name}"/${p.protocol}`);
  const chosen = ordered[0];
  return {
    code: "shared-port",
    fatal: false,
    message: `ports ${named.slice(0, -1).join(", ")} and ${named.at(-1)} target the same port ` +
      `${chosen.port}; Polaris names an instance by host and port only, so each address ` +
      `registers one instance, with protocol "${chosen.name}/${chosen.protocol}"`,
  };
}
