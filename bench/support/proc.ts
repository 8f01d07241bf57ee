import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export interface ResidentMemory {
  /** Resident set size now (VmRSS), in KiB. */
  rssKiB: number;
  /** The highest resident set size so far (VmHWM), in KiB. */
  peakKiB: number;
}

/** A running process's resident memory as Linux reports it in /proc/<pid>/status. */
export async function residentMemory(pid: number): Promise<ResidentMemory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssKiB: field('VmRSS'), peakKiB: field('VmHWM') };
}

/** `<pid> <command line>` of every live process in process group `pgid` (Linux /proc; field 5 of stat). */
export function processGroupMembers(pgid: number): string[] {
  const members: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the command name in parentheses: state, ppid, pgrp, …
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) !== pgid || state === 'Z') continue;
      members.push(`${entry} ${readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

/** CPU time a process has used so far, user + system, in milliseconds (/proc/<pid>/stat, 10 ms resolution). */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After the command name in parentheses, utime and stime are fields 12 and 13 (clock ticks of 10 ms).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
