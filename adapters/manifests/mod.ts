/**
 * The manifest-folder cluster source of `deno task dev` (README) and the pieces it is made of.
 *
 * @module
 */

export {
  createManifestSource,
  type ManifestSource,
  type ManifestSourceOptions,
} from "./manifest_source.ts";
export { parseManifestFile } from "./parse_manifest_file.ts";
export { deriveEndpoints } from "./derive_endpoints.ts";
export {
  buildManifestSnapshot,
  type ManifestSnapshot,
  type NamedManifestFile,
  snapshotChanges,
} from "./manifest_snapshot.ts";
export type * from "./manifest_objects.ts";
export { EMPTY_MANIFEST_FILE } from "./manifest_objects.ts";
