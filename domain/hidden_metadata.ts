/**
 * The digest of the instance metadata the Polaris console list hides (decisions §6).
 *
 * `GET /naming/v1/instances` strips the metadata keys `version`, `protocol`, `region`, `zone` and
 * `campus` from every instance it lists (v1.18.1 `copyOSSInstance`), though the server stores them
 * and SDK clients discover them. A reconciler cannot compare what it cannot read, so the
 * controller writes, beside those keys, one key of its own that it can read back: a digest of
 * their values. A change to a hidden key changes the digest, which the plan compares like any
 * other metadata, so the change is written at once; an unchanged one compares equal, so nothing is
 * written again.
 *
 * `version` and `protocol` are left out while the instance field of the same name is set: the
 * server's instance cache, which every read comes from, puts that field's value in their place
 * (v1.18.1 `fillInternalLabels`), so the written value is never seen, and the field is compared
 * anyway. The protocol field is always set (`"<portName>/<PROTO>"`) and the Pod label `version` is
 * the instance's version, so the common case carries no digest at all.
 *
 * @module
 */

import { HIDDEN_METADATA_KEYS } from "./polaris.ts";

/** Metadata key of the digest; ours, like `clusterName` and `source`: nothing overrides it. */
export const HIDDEN_DIGEST_KEY = "hiddenMetadataDigest";

/** The instance fields that share a name with a hidden metadata key, and shadow it when set. */
export interface ReadBackFields {
  readonly version: string;
  readonly protocol: string;
}

/**
 * Returns the hidden metadata entries the digest covers, sorted by key: the hidden keys present,
 * except `version` or `protocol` while the instance field of that name is set.
 *
 * @example
 * ```ts
 * import { digestedEntries } from "./hidden_metadata.ts";
 * const entries = digestedEntries({ app: "cart", version: "v2", zone: "z1" }, {
 *   version: "v1", protocol: "http/TCP",
 * });
 * if (JSON.stringify(entries) !== '[["zone","z1"]]') throw new Error(JSON.stringify(entries));
 * ```
 */
export function digestedEntries(
  metadata: Readonly<Record<string, string>>,
  fields: ReadBackFields,
): Array<[string, string]> {
  const shadowed = (key: string) =>
    (key === "version" && fields.version !== "") || (key === "protocol" && fields.protocol !== "");
  const out: Array<[string, string]> = [];
  for (const key of Object.keys(metadata).sort()) {
    if (HIDDEN_METADATA_KEYS.has(key) && !shadowed(key)) out.push([key, metadata[key]]);
  }
  return out;
}

/**
 * Returns the digest of the hidden metadata entries ({@linkcode digestedEntries}): 16 hex digits
 * of the 64-bit FNV-1a hash of their JSON text, or `undefined` when there is none to cover.
 *
 * @example
 * ```ts
 * import { hiddenMetadataDigest } from "./hidden_metadata.ts";
 * const fields = { version: "", protocol: "http/TCP" };
 * const z1 = hiddenMetadataDigest({ zone: "z1" }, fields);
 * if (z1 === undefined || z1 === hiddenMetadataDigest({ zone: "z2" }, fields)) {
 *   throw new Error("a hidden change must change the digest");
 * }
 * if (hiddenMetadataDigest({ app: "cart" }, fields) !== undefined) throw new Error("no digest");
 * ```
 */
export function hiddenMetadataDigest(
  metadata: Readonly<Record<string, string>>,
  fields: ReadBackFields,
): string | undefined {
  const entries = digestedEntries(metadata, fields);
  return entries.length === 0 ? undefined : fnv1a64(JSON.stringify(entries));
}

/**
 * The 64-bit FNV-1a hash of a string's UTF-16 code units (low byte first), as 16 hex digits. The
 * 64-bit state is kept in four 16-bit limbs, so every step stays exact in a JavaScript number.
 */
export function fnv1a64(text: string): string {
  // Offset basis 0xcbf29ce484222325, least significant limb first.
  let h0 = 0x2325, h1 = 0x8422, h2 = 0x9ce4, h3 = 0xcbf2;
  for (let i = 0, bytes = text.length * 2; i < bytes; i++) {
    const unit = text.charCodeAt(i >> 1);
    h0 ^= (i & 1) === 0 ? unit & 0xff : unit >> 8;
    // h *= 0x100000001b3 (mod 2^64): h * 0x1b3 plus h shifted left by 40 bits.
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + ((h0 & 0xff) << 8) + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + ((h0 >> 8) | ((h1 & 0xff) << 8)) + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return [h3, h2, h1, h0].map((limb) => limb.toString(16).padStart(4, "0")).join("");
}
