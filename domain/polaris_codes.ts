/**
 * The Polaris result codes this project names, one table for the client, the engine and the
 * emulator (reference §2, `specification/api/v1/model/code.proto`, names as there). The HTTP status
 * of an answer is `code / 1000`; only the code is ever interpreted, never the translated `info`.
 *
 * @module
 */

/** Named Polaris result codes. */
export const PolarisCode = {
  ExecuteSuccess: 200000,
  DataNoChange: 200001,
  NoNeedUpdate: 200002,
  BadRequest: 400000,
  ParseException: 400001,
  EmptyRequest: 400002,
  BatchSizeOverLimit: 400003,
  InvalidParameter: 400103,
  EmptyQueryParameter: 400104,
  InvalidQueryInsParameter: 400105,
  InvalidNamespaceName: 400110,
  InvalidServiceName: 400120,
  InvalidServiceOwners: 400121,
  InvalidServiceMetadata: 400123,
  InvalidServicePorts: 400124,
  InvalidServiceComment: 400128,
  InvalidInstanceID: 400130,
  InvalidInstanceHost: 400131,
  InvalidInstancePort: 400132,
  InvalidServiceAlias: 400133,
  InvalidNamespaceWithAlias: 400134,
  InvalidServiceAliasOwners: 400135,
  InvalidInstanceProtocol: 400136,
  InvalidInstanceVersion: 400137,
  InvalidInstanceLogicSet: 400138,
  InvalidMetadata: 400150,
  ExistedResource: 400201,
  NotFoundResource: 400202,
  NamespaceExistedServices: 400203,
  ServiceExistedInstances: 400204,
  SameInstanceRequest: 400208,
  ServiceExistedAlias: 400210,
  NotFoundService: 400301,
  NotFoundInstance: 400303,
  NotFoundServiceAlias: 400304,
  NotFoundNamespace: 400305,
  NotAllowAliasUpdate: 400501,
  NotAllowCreateAliasForAlias: 400504,
  NotAllowedAccess: 401001,
  APIRateLimit: 403003,
  ExecuteException: 500000,
} as const;

/** One of the named codes. */
export type PolarisCodeValue = typeof PolarisCode[keyof typeof PolarisCode];
