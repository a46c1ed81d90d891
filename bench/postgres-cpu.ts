/**
 * CPU time of processes from Linux /proc: the engine nodes by pid, and PostgreSQL as the
 * postmaster plus every process it forked (backends, WAL writer, checkpointer...). Returns null
 * where /proc is unavailable, so the bench still runs elsewhere without the CPU columns.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every Linux architecture node runs on) */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** user + system time, seconds */
  cpuSeconds: number;
}

function procStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: parse after its last ')'
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); ppid is field 4, utime 14, stime 15
    const ppid = Number(fields[1]);
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? { ppid, cpuSeconds: ticks / TICKS_PER_SECOND } : null;
  } catch {
    return null;
  }
}

/** CPU seconds used so far by `pid` (null when it cannot be read). */
export function cpuSecondsOf(pid: number): number | null {
  return procStat(pid)?.cpuSeconds ?? null;
}

/** The postmaster's pid from the data directory (first line of postmaster.pid). */
export function postmasterPid(dataDir: string): number | null {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * CPU seconds of the postmaster and its live children. A backend that exits between two samples
 * takes its time with it, so sample while the measured connections are still open.
 */
export function clusterCpuSeconds(postmaster: number): number | null {
  const own = procStat(postmaster);
  if (!own) return null;
  let total = own.cpuSeconds;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat && stat.ppid === postmaster) total += stat.cpuSeconds;
  }
  return total;
}
