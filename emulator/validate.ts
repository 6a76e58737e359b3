/**
 * Field checks of Polaris requests (reference §3): resource names, metadata limits, instance
 * fields and the instance id formula. Each check returns a Polaris code, 200000 when it passes.
 *
 * @module
 */

import { POLARIS_LIMITS, POLARIS_NAME_PATTERN } from "../domain/polaris.ts";
import { Code } from "./codes.ts";
import { type DecodedMessage, num, str, strMap } from "./wire_decode.ts";
import { sha1Hex } from "./store.ts";

/** Counts characters as Go counts runes. */
export function runeLength(text: string): number {
  return [...text].length;
}

/** Tells whether a name passes `CheckResourceName` and a length limit in runes. */
export function validName(name: string | undefined, maxRunes: number): name is string {
  return name !== undefined && name !== "" && POLARIS_NAME_PATTERN.test(name) &&
    runeLength(name) <= maxRunes;
}

/** Tells whether a namespace name is valid (regexp, ≤64). */
export function validNamespace(name: string | undefined): name is string {
  return validName(name, POLARIS_LIMITS.namespaceNameLength);
}

/** Tells whether a service (or alias) name is valid (regexp, ≤128). */
export function validService(name: string | undefined): name is string {
  return validName(name, POLARIS_LIMITS.serviceNameLength);
}

/** Checks metadata limits: ≤64 entries, key ≤128 and value ≤4096 runes (400150). */
export function checkMetadata(metadata: Readonly<Record<string, string>> | undefined): number {
  if (metadata === undefined) return Code.ExecuteSuccess;
  const entries = Object.entries(metadata);
  if (entries.length > POLARIS_LIMITS.metadataEntries) return Code.InvalidMetadata;
  for (const [k, v] of entries) {
    if (runeLength(k) > POLARIS_LIMITS.metadataKeyLength) return Code.InvalidMetadata;
    if (runeLength(v) > POLARIS_LIMITS.metadataValueLength) return Code.InvalidMetadata;
  }
  return Code.ExecuteSuccess;
}

/**
 * Returns the Polaris instance id: lowercase hex SHA-1 of `namespace##service##host##port`, or
 * `namespace##service##vpc_id##host##port` when `vpc_id` is not empty (`CalculateInstanceID`).
 */
export function instanceId(
  namespace: string,
  service: string,
  host: string,
  port: number,
  vpcId = "",
): string {
  const parts = vpcId === ""
    ? [namespace, service, host, String(port)]
    : [namespace, service, vpcId, host, String(port)];
  return sha1Hex(parts.join("##"));
}

/** Checks service, namespace, host and port of an instance, in the server's order. */
export function checkInstanceTetrad(m: DecodedMessage): number {
  if (!validService(str(m, "service"))) return Code.InvalidServiceName;
  if (!validNamespace(str(m, "namespace"))) return Code.InvalidNamespaceName;
  const host = str(m, "host");
  if (host === undefined || host.trim() === "" || runeLength(host) > POLARIS_LIMITS.hostLength) {
    return Code.InvalidInstanceHost;
  }
  const port = num(m, "port");
  if (port === undefined || port > 65535) return Code.InvalidInstancePort;
  return Code.ExecuteSuccess;
}

/** Checks the optional instance fields: id, metadata, protocol, version, logic_set, weight. */
export function checkInstanceFields(m: DecodedMessage): number {
  const id = str(m, "id");
  if (id !== undefined && (id === "" || runeLength(id) > 128)) return Code.InvalidInstanceID;
  const metadata = checkMetadata(strMap(m, "metadata"));
  if (metadata !== Code.ExecuteSuccess) return metadata;
  const protocol = str(m, "protocol");
  if (protocol !== undefined && runeLength(protocol) > POLARIS_LIMITS.protocolLength) {
    return Code.InvalidInstanceProtocol;
  }
  const version = str(m, "version");
  if (version !== undefined && runeLength(version) > POLARIS_LIMITS.versionLength) {
    return Code.InvalidInstanceVersion;
  }
  const logicSet = str(m, "logic_set");
  if (logicSet !== undefined && runeLength(logicSet) > 128) return Code.InvalidInstanceLogicSet;
  const weight = num(m, "weight");
  if (weight !== undefined && weight > POLARIS_LIMITS.maxWeight) return Code.InvalidParameter;
  return Code.ExecuteSuccess;
}

/**
 * Resolves the id an instance request targets: its `id` when given, else the id computed from
 * the tetrad. Returns a code instead when neither is usable.
 */
export function targetInstanceId(m: DecodedMessage): { id: string } | { code: number } {
  const id = str(m, "id");
  if (id !== undefined && id !== "") return { id };
  const tetrad = checkInstanceTetrad(m);
  if (tetrad !== Code.ExecuteSuccess) return { code: tetrad };
  return {
    id: instanceId(
      str(m, "namespace") as string,
      str(m, "service") as string,
      str(m, "host") as string,
      num(m, "port") as number,
      str(m, "vpc_id") ?? "",
    ),
  };
}
