/**
 * Free TCP ports on loopback for the processes the tests and benchmarks start (control plane,
 * controller, emulator).
 *
 * @module
 */

/** Returns `count` distinct ports that were free on 127.0.0.1 a moment ago. */
export function freePorts(count: number): number[] {
  const listeners = Array.from(
    { length: count },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const ports = listeners.map((listener) => (listener.addr as Deno.NetAddr).port);
  for (const listener of listeners) listener.close();
  return ports;
}

/** Returns one port that was free on 127.0.0.1 a moment ago. */
export function freePort(): number {
  return freePorts(1)[0];
}
