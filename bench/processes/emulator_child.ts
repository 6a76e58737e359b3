/**
 * The benchmark's Polaris side, run as its own process so that the controller's memory is
 * measured alone: the real Polaris emulator on a free loopback port, plus a small control server
 * on another free port that the benchmark reads the emulator through (request counters, instance
 * counts, one service's instances, a full verification, the process's CPU time and RSS). The control server's own reads never go
 * through the emulator's handler, so they never show up in the request counters.
 *
 * Prints one JSON line `{"polaris": url, "control": url}` on stdout once both listen; stops on
 * SIGTERM or SIGINT.
 *
 * @module
 */

import { startPolarisEmulator } from "../../emulator/mod.ts";
import type { PolarisEmulator } from "../../emulator/mod.ts";
import { readProcessUsage } from "./process_usage.ts";

/** One instance as the control server reports it for a service. */
export interface ControlInstance {
  readonly host: string;
  readonly port: number;
  readonly isolate: boolean;
  readonly clusterName: string;
}

/** What `GET /verify` answers: every instance counted by owner and state. */
export interface VerifyAnswer {
  readonly instances: number;
  readonly isolated: number;
  readonly byCluster: Readonly<Record<string, number>>;
  readonly services: number;
  readonly namespaces: number;
  readonly aliases: number;
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), {
    headers: { "content-type": "application/json" },
  });
}

/** Answers one control request; exported for tests. */
export function handleControl(emulator: PolarisEmulator, request: Request): Response {
  const url = new URL(request.url);
  switch (url.pathname) {
    case "/requests":
      return json(emulator.requests());
    case "/reset":
      emulator.resetRequests();
      return json({ ok: true });
    case "/service": {
      const namespace = url.searchParams.get("namespace") ?? "";
      const service = url.searchParams.get("service") ?? "";
      const rows: ControlInstance[] = emulator.state.instances({ namespace, service }).map((i) => ({
        host: i.host,
        port: i.port,
        isolate: i.isolate,
        clusterName: i.metadata.clusterName ?? "",
      }));
      return json(rows);
    }
    case "/verify": {
      const byCluster: Record<string, number> = {};
      let isolated = 0;
      const all = emulator.state.instances();
      for (const i of all) {
        const cluster = i.metadata.clusterName ?? "";
        byCluster[cluster] = (byCluster[cluster] ?? 0) + 1;
        if (i.isolate) isolated++;
      }
      const answer: VerifyAnswer = {
        instances: all.length,
        isolated,
        byCluster,
        services: emulator.state.services().length,
        namespaces: emulator.state.namespaces().length,
        aliases: emulator.state.aliases().length,
      };
      return json(answer);
    }
    case "/memory":
      return json(Deno.memoryUsage());
    case "/usage":
      return json([readProcessUsage("emulator", "self")]);
    default:
      return new Response("not found", { status: 404 });
  }
}

if (import.meta.main) {
  const emulator = await startPolarisEmulator({ port: 0 });
  const control = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => handleControl(emulator, request),
  );
  console.log(JSON.stringify({
    polaris: emulator.url,
    control: `http://127.0.0.1:${control.addr.port}`,
  }));
  const shutdown = () => {
    Promise.all([emulator.stop(), control.shutdown()]).then(
      () => Deno.exit(0),
      (error) => {
        console.error(`Cannot stop the benchmark emulator cleanly: ${error}`);
        Deno.exit(1);
      },
    );
  };
  Deno.addSignalListener("SIGTERM", shutdown);
  Deno.addSignalListener("SIGINT", shutdown);
}
