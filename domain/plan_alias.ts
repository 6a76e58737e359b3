/**
 * The pure alias plan: what a Service's alias annotations ask for versus the aliases Polaris holds
 * → create, repoint, delete or conflict (sync-rules §2.8).
 *
 * @module
 */

import type { AliasIntent } from "./alias_intent.ts";

/** A Polaris service alias as the controller sees it. */
export interface AliasRecord {
  readonly alias: string;
  readonly aliasNamespace: string;
  /** The service the alias points to. */
  readonly service: string;
  readonly namespace: string;
  readonly comment: string;
}

/** Inputs of {@linkcode planAlias}. */
export interface AliasPlanInput {
  /** The Polaris service the Service is synced to. */
  readonly target: { readonly namespace: string; readonly service: string };
  readonly intent: AliasIntent;
  /** Every alias that currently points to the target. */
  readonly pointing: readonly AliasRecord[];
  /** The alias that currently holds the intended name, when there is one. */
  readonly occupant: AliasRecord | undefined;
  /** The comment that marks aliases this controller created (and so may move or delete). */
  readonly marker: string;
  /**
   * Whether the service the occupant points to still asks for this alias itself. Only read when
   * the occupant is ours and points elsewhere: then the first claimant keeps it.
   */
  readonly occupantClaimed?: boolean;
}

/** The alias writes for one service. */
export interface AliasPlan {
  readonly create?: { readonly alias: string; readonly aliasNamespace: string };
  readonly repoint?: { readonly alias: string; readonly aliasNamespace: string };
  readonly deletes: readonly AliasRecord[];
  readonly conflict?: string;
}

/** Returns the comment that marks an alias as created by this controller with this source. */
export function aliasMarker(source: string): string {
  return `managed by polaris-k8s-sync (source=${source})`;
}

/**
 * Plans alias writes. Aliases we created (they carry our marker) and that the annotations no longer
 * name are deleted; the named alias is created when missing, repointed when it is ours but points
 * to a service that no longer asks for it, adopted as is when it already points to the target
 * (polaris-controller created it), and reported as a conflict, never overwritten, when someone else
 * holds the name or another Service that still asks for it holds it first. A conflict deletes
 * nothing: an alias moving to a blocked name keeps its old one (check first, then move). An
 * invalid intent changes nothing: bad input must not delete a working alias.
 *
 * @example
 * ```ts
 * import { planAlias } from "./plan_alias.ts";
 * const plan = planAlias({
 *   target: { namespace: "shop", service: "cart" },
 *   intent: { kind: "alias", alias: "basket", aliasNamespace: "shared" },
 *   pointing: [], occupant: undefined, marker: "m",
 * });
 * if (plan.create?.alias !== "basket") throw new Error("unexpected");
 * ```
 */
export function planAlias(input: AliasPlanInput): AliasPlan {
  const { intent, target, marker } = input;
  if (intent.kind === "invalid") return { deletes: [] };
  const wanted = intent.kind === "alias" ? intent : undefined;
  const deletes = input.pointing.filter((a) =>
    a.comment === marker &&
    !(wanted && a.alias === wanted.alias && a.aliasNamespace === wanted.aliasNamespace)
  );
  if (!wanted) return { deletes };
  const occupant = input.occupant;
  if (!occupant) {
    return { deletes, create: { alias: wanted.alias, aliasNamespace: wanted.aliasNamespace } };
  }
  if (occupant.namespace === target.namespace && occupant.service === target.service) {
    return { deletes };
  }
  const name = `${wanted.aliasNamespace}/${wanted.alias}`;
  const holder = `${occupant.namespace}/${occupant.service}`;
  if (occupant.comment === marker) {
    if (!input.occupantClaimed) {
      return { deletes, repoint: { alias: wanted.alias, aliasNamespace: wanted.aliasNamespace } };
    }
    return {
      deletes: [],
      conflict:
        `alias "${name}" is asked for by "${holder}" too, which holds it first; it stays there`,
    };
  }
  return {
    deletes: [],
    conflict:
      `alias "${name}" already points to "${holder}" and was not created by this controller; left untouched`,
  };
}
