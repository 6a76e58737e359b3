/**
 * The default holder identity of this replica: the hostname (the Pod name in a Deployment) plus a
 * random suffix, so two processes on one host (tests, a restarted container whose predecessor
 * still holds the Lease) never take each other for the holder.
 *
 * @module
 */

/**
 * Returns `<hostname>-<6 hex digits>`; `polaris-k8s-sync-<hex>` when the hostname cannot be read
 * (no `--allow-sys`).
 *
 * @example
 * ```ts
 * import { leaderIdentity } from "./leader_identity.ts";
 * const id = leaderIdentity({ hostname: () => "web-0", randomBytes: (b) => b.fill(171) });
 * if (id !== "web-0-ababab") throw new Error(id);
 * ```
 */
export function leaderIdentity(
  deps: {
    readonly hostname?: () => string;
    readonly randomBytes?: (bytes: Uint8Array) => Uint8Array;
  } = {},
): string {
  let host = "polaris-k8s-sync";
  try {
    host = (deps.hostname ?? Deno.hostname)() || host;
  } catch {
    // Without --allow-sys the suffix alone keeps identities apart.
  }
  const bytes = (deps.randomBytes ?? ((b) => crypto.getRandomValues(b)))(new Uint8Array(3));
  return `${host}-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
