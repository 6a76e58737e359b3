/**
 * Reads the manifests of `deploy/` as plain objects, in the order `kustomization.yaml` lists them,
 * without kubectl, for the deploy tests.
 *
 * @module
 */

import { parse, parseAllDocuments } from "yaml";

/** The repository's `deploy/` folder. */
export const DEPLOY_DIR = new URL("../../deploy/", import.meta.url).pathname;

/** A Kubernetes object as read from YAML. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** A rule of a Role or ClusterRole. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

/** Returns the `resources` file names of `deploy/kustomization.yaml`. */
export function kustomizationResources(): string[] {
  const kustomization = parse(Deno.readTextFileSync(`${DEPLOY_DIR}kustomization.yaml`)) as {
    resources?: string[];
  };
  return kustomization.resources ?? [];
}

/** Returns every object of the files `kustomization.yaml` lists. */
export function deployManifests(): Manifest[] {
  return kustomizationResources().flatMap((file) =>
    parseAllDocuments(Deno.readTextFileSync(`${DEPLOY_DIR}${file}`))
      .map((document) => document.toJS() as Manifest)
      .filter((object) => object !== null)
  );
}

/** Returns the one object of `kind` (and `name`, when given); throws when there is not exactly one. */
export function manifestOf<T = Manifest>(kind: string, name?: string): T & Manifest {
  const matches = deployManifests().filter((object) =>
    object.kind === kind && (name === undefined || object.metadata.name === name)
  );
  if (matches.length !== 1) {
    throw new Error(`Cannot find one ${kind}${name ? ` "${name}"` : ""}: found ${matches.length}`);
  }
  return matches[0] as T & Manifest;
}
