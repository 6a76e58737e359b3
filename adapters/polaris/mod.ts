/**
 * Public surface of the Polaris client (the emulator lives in `./emulator/`).
 *
 * @module
 */

export { PolarisClient } from "./client.ts";
export type {
  AliasWrite,
  InstanceFilter,
  PolarisClientOptions,
  ServiceWrite,
} from "./client_options.ts";
export { isRetryableCode, PolarisCode } from "./codes.ts";
export { PolarisProtocolError, PolarisRequestError } from "./errors.ts";
export type { PolarisRequestReport } from "./http.ts";
export type { InstanceRef, InstanceWrite } from "./instance_write.ts";
export type { ItemResult } from "./item_result.ts";
export { polarisInstanceId } from "./instance_id.ts";
export type { PolarisAlias, PolarisNamespace, PolarisService } from "./schemas.ts";
