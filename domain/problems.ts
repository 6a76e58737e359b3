/**
 * Bad input found while computing what to register. Problems are data: they reach the service
 * actor's state, the logs, Kubernetes Events and the debug endpoint unchanged.
 *
 * @module
 */

/** Codes of the problems the pure rules report. */
export type ProblemCode =
  | "invalid-annotation"
  | "invalid-weight"
  | "invalid-ttl"
  | "invalid-custom-weight"
  | "enable-register"
  | "invalid-metadata"
  | "metadata-limit"
  | "invalid-name"
  | "field-too-long"
  | "invalid-alias"
  | "shared-port"
  | "clusters-disagree";

/** One problem with a Service's input: `fatal` ones stop the sync of the service. */
export interface Problem {
  readonly code: ProblemCode;
  readonly fatal: boolean;
  readonly message: string;
}

/**
 * What a fatal annotation problem does, said at the end of its message: the cluster whose Service
 * carries it is held (docs/decisions.md §1), so the operator reads that nothing was removed.
 */
export const HELD = "the Service is held (what is registered stays) until it is fixed";
