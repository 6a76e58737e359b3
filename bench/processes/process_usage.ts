/**
 * Reads a process's CPU time and memory from `/proc/<pid>/stat` (utime + stime) and
 * `/proc/<pid>/status` (VmRSS, VmHWM), so the benchmark reports the Polaris side's own cost (the
 * emulator, polaris-server, mariadbd) beside the controller's.
 *
 * @module
 */

import { procStatusBytes } from "./controller_child.ts";

/** One process's usage at one moment. */
export interface ProcessUsage {
  readonly name: string;
  readonly pid: number;
  /** User + system CPU time since the process started, ms. */
  readonly cpuMs: number;
  readonly rssBytes: number;
  /** Peak RSS (`VmHWM`). */
  readonly hwmBytes: number;
}

/** Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`, 100 on Linux). */
const CLOCK_TICKS = 100;

/** Parses `/proc/<pid>/stat` text: user + system time, ms. */
export function cpuMsOfStat(stat: string): number {
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ")".
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const ticks = Number(rest[11]) + Number(rest[12]);
  return (ticks * 1000) / CLOCK_TICKS;
}

/** Reads one process's usage; `pid` "self" reads the calling process. */
export function readProcessUsage(name: string, pid: number | "self"): ProcessUsage {
  // Deno reads /proc only with --allow-all, for /proc/self and /proc/<pid> alike.
  const id = pid === "self" ? Deno.pid : pid;
  const stat = Deno.readTextFileSync(`/proc/${id}/stat`);
  const status = Deno.readTextFileSync(`/proc/${id}/status`);
  return {
    name,
    pid: id,
    cpuMs: cpuMsOfStat(stat),
    rssBytes: procStatusBytes(status, "VmRSS") ?? 0,
    hwmBytes: procStatusBytes(status, "VmHWM") ?? 0,
  };
}
