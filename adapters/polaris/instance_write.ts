/**
 * What the controller writes for one instance, and its JSON body.
 *
 * @module
 */

/** An instance to create or update; fields left undefined are not sent. */
export interface InstanceWrite {
  readonly namespace: string;
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly protocol?: string;
  readonly version?: string;
  readonly weight?: number;
  readonly healthy?: boolean;
  readonly isolate?: boolean;
  readonly enableHealthCheck?: boolean;
  /** With `enableHealthCheck`, the heartbeat TTL in seconds of the check (`health_check`). */
  readonly healthCheckTtl?: number;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The tetrad that names an instance in deletes (reference §1.4). */
export interface InstanceRef {
  readonly namespace: string;
  readonly service: string;
  readonly host: string;
  readonly port: number;
}

/**
 * Returns the JSON body of one instance with the server's field names (`enable_health_check`).
 * Only known fields are copied, so no unknown key ever reaches a v1.18.1 server, which rejects
 * it with 400001 (reference §0); `health_check` is sent only for a Service with
 * `polarismesh.cn/ttl`, whose workload heartbeats (the controller never does, reference §3).
 */
export function instanceWriteBody(instance: InstanceWrite): Record<string, unknown> {
  const body: Record<string, unknown> = {
    namespace: instance.namespace,
    service: instance.service,
    host: instance.host,
    port: instance.port,
  };
  if (instance.protocol !== undefined) body.protocol = instance.protocol;
  if (instance.version !== undefined) body.version = instance.version;
  if (instance.weight !== undefined) body.weight = instance.weight;
  if (instance.healthy !== undefined) body.healthy = instance.healthy;
  if (instance.isolate !== undefined) body.isolate = instance.isolate;
  if (instance.enableHealthCheck !== undefined) {
    body.enable_health_check = instance.enableHealthCheck;
  }
  if (instance.enableHealthCheck && instance.healthCheckTtl !== undefined) {
    body.health_check = { type: 1, heartbeat: { ttl: instance.healthCheckTtl } };
  }
  if (instance.metadata !== undefined) body.metadata = { ...instance.metadata };
  return body;
}

/** Returns the JSON body naming one instance in a delete: the tetrad only. */
export function instanceRefBody(instance: InstanceRef): Record<string, unknown> {
  return {
    namespace: instance.namespace,
    service: instance.service,
    host: instance.host,
    port: instance.port,
  };
}
