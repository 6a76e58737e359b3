/**
 * A TCP relay in front of a kube-apiserver that can cut every open connection at once: the
 * controllers reach their clusters through it, so "watch connections cut" is a real reset of
 * their watch streams (and lists, and Lease renewals) without restarting the API server. TLS
 * passes through untouched (the server's certificate names 127.0.0.1, whatever the port).
 *
 * @module
 */

/** A running relay. */
export interface TcpCutter {
  /** `127.0.0.1:<port>` to dial instead of the API server. */
  readonly port: number;
  /** Connections open right now. */
  readonly open: number;
  /** Closes every open connection (both sides); returns how many. New ones are accepted. */
  cut(): number;
  /** Stops listening and closes everything. */
  stop(): void;
}

/** Starts a relay on a free loopback port that forwards to `target` (`host:port`). */
export function startTcpCutter(targetHost: string, targetPort: number): TcpCutter {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const pairs = new Set<[Deno.Conn, Deno.Conn]>();
  let stopped = false;
  const closeBoth = (pair: [Deno.Conn, Deno.Conn]) => {
    if (!pairs.delete(pair)) return;
    for (const conn of pair) {
      try {
        conn.close();
      } catch {
        // Already closed by the other direction's end.
      }
    }
  };
  const relay = async (client: Deno.Conn) => {
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect({ hostname: targetHost, port: targetPort });
    } catch {
      client.close();
      return;
    }
    const pair: [Deno.Conn, Deno.Conn] = [client, upstream];
    pairs.add(pair);
    const pump = async (from: Deno.Conn, to: Deno.Conn) => {
      const buffer = new Uint8Array(64 * 1024);
      try {
        while (true) {
          const n = await from.read(buffer);
          if (n === null) break;
          let written = 0;
          while (written < n) written += await to.write(buffer.subarray(written, n));
        }
      } catch {
        // A cut or a reset: the pair is closed below.
      }
      closeBoth(pair);
    };
    await Promise.all([pump(client, upstream), pump(upstream, client)]);
  };
  (async () => {
    try {
      for await (const conn of listener) {
        if (stopped) conn.close();
        else relay(conn).catch(() => {});
      }
    } catch {
      // Listener closed by stop().
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    get open() {
      return pairs.size;
    },
    cut() {
      const n = pairs.size;
      for (const pair of [...pairs]) closeBoth(pair);
      return n;
    },
    stop() {
      stopped = true;
      listener.close();
      for (const pair of [...pairs]) closeBoth(pair);
    },
  };
}
