/**
 * A process's CPU time and peak memory from /proc (Linux): utime+stime
 * from /proc/<pid>/stat, peak RSS from VmHWM in /proc/<pid>/status.
 * Writing 5 to /proc/<pid>/clear_refs resets VmHWM, so each run reports
 * its own peak rather than the process's lifetime one.
 * https://man7.org/linux/man-pages/man5/proc.5.html
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      const out = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
      ticksPerSecond = Number(out.trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of `statLine` (the text of /proc/<pid>/stat), in ticks. */
export function parseCpuTicks(statLine: string): number {
  // comm may hold spaces and parentheses: fields restart after the last ')'.
  const rest = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  return Number(rest[11]) + Number(rest[12]);
}

/** CPU seconds `pid` has used so far (all its threads). */
export function cpuSeconds(pid: number): number {
  const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return parseCpuTicks(line) / clockTicks();
}

/** A `Vm*` figure of /proc/<pid>/status text, in kB; null if absent. */
export function parseVmKb(status: string, key: string): number | null {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
  return m === null ? null : Number(m[1]);
}

/** Peak resident set of `pid` in MB since start or the last reset. */
export function peakRssMb(pid: number): number | null {
  const kb = parseVmKb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM');
  return kb === null ? null : kb / 1024;
}

/** Reset the peak; false when the kernel does not allow it. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
