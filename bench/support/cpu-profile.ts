import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The parts of V8's .cpuprofile (node --cpu-prof) this summary reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: an npm package, a folder of ours, Node itself, or V8's own work (GC, idle). */
export function codeArea(url: string, functionName: string): string {
  if (url === '') return `(${functionName || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('node:')) return 'node:internal';
  const ours = /\/dist\/((?:src\/)?[^/]+)/.exec(url);
  return ours ? (ours[1] as string) : url;
}

/**
 * Self time by code area and by function, summed over every profile in `dir`: where a process spent its CPU.
 * Returns printable lines and the top entries for the result file.
 */
export async function summarizeProfiles(dir: string, top = 15) {
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalUs = 0;
  for (const file of (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
    profile.samples.forEach((id, i) => {
      const frame = frames.get(id);
      const us = profile.timeDeltas[i] ?? 0;
      if (!frame || frame.functionName === '(idle)') return;
      totalUs += us;
      const area = codeArea(frame.url, frame.functionName);
      byArea.set(area, (byArea.get(area) ?? 0) + us);
      const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '')}:${frame.lineNumber + 1}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    });
  }
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  const ms = (us: number) => Math.round(us / 100) / 10;
  const pct = (us: number) => `${((100 * us) / Math.max(1, totalUs)).toFixed(1)}%`;
  const areas = sorted(byArea).map(([area, us]) => ({ area, ms: ms(us), share: pct(us) }));
  const functions = sorted(byFunction).map(([fn, us]) => ({ function: fn, ms: ms(us), share: pct(us) }));
  const lines = [
    `busy ${ms(totalUs)} ms in all (idle excluded)`,
    ...areas.map((a) => `${a.share.padStart(6)} ${String(a.ms).padStart(8)} ms  ${a.area}`),
    'top functions (self time):',
    ...functions.map((f) => `${f.share.padStart(6)} ${String(f.ms).padStart(8)} ms  ${f.function}`),
  ];
  return { lines, top: { busyMs: ms(totalUs), areas, functions } };
}
