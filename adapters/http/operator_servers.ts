/**
 * Starts the operator endpoints where the configuration puts them: the operations endpoints on
 * `listen` and the debug endpoints on `debugListen`, one server when the two are the same address
 * (docs/decisions.md §23: the debug endpoints listen on loopback unless told otherwise). The
 * server on `debugListen` answers the operations endpoints as well, since the debug page reads
 * `/readyz`.
 *
 * @module
 */

import type { Redactor } from "../log/secret_redactor.ts";
import { type Endpoints, startHttpServer } from "./http_server.ts";
import type { OperatorView } from "./operator_view.ts";

/** An address to listen on, as the configuration holds it. */
export interface ServerAddress {
  readonly hostname: string;
  readonly port: number;
}

/** Options of {@linkcode startOperatorServers}. */
export interface OperatorServersOptions {
  /** The operations endpoints: `/healthz`, `/readyz`, `/metrics`. */
  readonly listen: ServerAddress;
  /** The debug endpoints (`/debug…`), and the operations ones again for the debug page. */
  readonly debugListen: ServerAddress;
  readonly redact?: Redactor;
  readonly onError?: (error: unknown) => void;
}

/** The running servers of the operator endpoints. */
export interface OperatorServers {
  /** `http://host:port` of the operations endpoints. */
  readonly url: string;
  /** `http://host:port` of the debug endpoints; `url` when one server answers both. */
  readonly debugUrl: string;
  /** Stops every server. */
  shutdown(): Promise<void>;
}

/**
 * Starts one server answering every endpoint when `listen` and `debugListen` are the same
 * address, else one on `listen` that answers 404 to the debug paths and one on `debugListen` that
 * answers everything. Throws when an address cannot be bound.
 */
export async function startOperatorServers(
  view: OperatorView,
  options: OperatorServersOptions,
): Promise<OperatorServers> {
  const { listen, debugListen, redact, onError } = options;
  const start = (address: ServerAddress, endpoints: Endpoints) =>
    startHttpServer(view, {
      hostname: address.hostname,
      port: address.port,
      endpoints,
      redact,
      onError,
    });
  if (listen.hostname === debugListen.hostname && listen.port === debugListen.port) {
    const all = start(listen, "all");
    return { url: all.url, debugUrl: all.url, shutdown: () => all.shutdown() };
  }
  const operations = start(listen, "operations");
  let debug;
  try {
    debug = start(debugListen, "all");
  } catch (error) {
    // The debug address is taken: stop the one already listening, then fail start-up.
    await operations.shutdown();
    throw error;
  }
  return {
    url: operations.url,
    debugUrl: debug.url,
    shutdown: async () => {
      await Promise.all([operations.shutdown(), debug.shutdown()]);
    },
  };
}
