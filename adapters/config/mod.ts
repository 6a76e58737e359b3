/**
 * Configuration of polaris-k8s-sync: the polaris-controller `mesh` ConfigMap plus our keys,
 * flags and environment, validated once into a frozen `Config` (SPEC §5).
 *
 * @module
 */

export type {
  ClusterConfig,
  ClusterOrigin,
  Config,
  EndpointsApi,
  LeaderElectionConfig,
  ListenAddress,
  PodLabelPolicy,
  PolarisConfig,
  SyncConfig,
  SyncMode,
} from "./config.ts";
export {
  CONFIG_KEYS,
  type ConfigKeyReference,
  ENV_VARS,
  type EnvVarReference,
  helpText,
  markdownReference,
} from "./config_reference.ts";
export { DEFAULT_IGNORE_NAMESPACES, DEFAULTS } from "./defaults.ts";
export {
  type CliFlags,
  type FlagDefinition,
  FLAGS,
  type HelpFlagDefinition,
  type SwitchFlagDefinition,
  type ValueFlagDefinition,
} from "./flags.ts";
export { parseDurationMs } from "./duration.ts";
export { type ListenAddressResult, parseListenAddress } from "./listen_address.ts";
export { loadConfig, type LoadConfigOptions, type LoadResult } from "./load_config.ts";
export { parseArgs, type ParsedArgs } from "./parse_args.ts";
export { normalizePolarisAddress, type PolarisAddress } from "./polaris_address.ts";
