/**
 * What the HTTP endpoints show, as a structural interface: `main.ts` wires the running system
 * into it, so `adapters/` never imports `actors/`.
 *
 * @module
 */

/** The answer of `/readyz`. */
export interface Readiness {
  readonly ready: boolean;
  /** Why not ready (empty when ready). */
  readonly reasons: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
}

/** Filters of `/debug/services`. */
export interface ServiceFilter {
  readonly state?: string;
  readonly namespace?: string;
  /** Substring of the service name. */
  readonly name?: string;
  /** A sync reason code (`synced`, `external-name`…): some cluster decides so for the Service. */
  readonly reason?: string;
}

/** A page of `/debug/services`. */
export interface ServicePage {
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly items: readonly unknown[];
}

/** Everything the operator endpoints read. */
export interface OperatorView {
  readiness(): Readiness;
  /** The Prometheus text exposition and the `Content-Type` it is served with. */
  metrics(): Promise<{ contentType: string; text: string }>;
  /**
   * A page of every service actor and every Service the sources know that no cluster syncs, in
   * key order, each with its clusters' sync reasons.
   */
  services(filter: ServiceFilter, offset: number, limit: number): ServicePage;
  /**
   * One service in full: an actor, or a Service some source knows (with why it has no actor);
   * undefined when neither. May read Polaris (instances registered now).
   */
  service(namespace: string, name: string): Promise<unknown | undefined>;
  clusters(): unknown;
  /** Counts per state and other headline numbers for the debug page. */
  overview(): unknown;
}
