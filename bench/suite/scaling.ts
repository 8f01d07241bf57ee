// The scaling part of `npm run bench`: the verdict bench's figures side by side for 1, 2 and 4 worker processes, so a
// user scaling out sees how they move (on a 2-core machine more processes may not help; the table shows it either way).
import { round } from '../support/stats.ts';
import { at, numberAt } from './readers.ts';
import { ms } from './rows.ts';

export interface ScalingRun {
  workers: number;
  /** The verdict bench's JSON for this worker count, or undefined when it wrote none. */
  json: unknown;
  /** Why there is no JSON (exit code, timeout). */
  failure?: string;
}

export interface ScalingTable {
  workers: number[];
  /** figure → one cell per worker count, as printed. */
  rows: { figure: string; cells: string[] }[];
  markdown: string;
}

const timesD = (valueMs: number | undefined, floorMs: number | undefined) =>
  valueMs === undefined ? '–' : `${ms(valueMs)}${floorMs ? ` (${round(valueMs / floorMs, 2)} × D)` : ''}`;

function sizeOf(json: unknown, checks: number) {
  const sizes = at(json, 'sizes');
  return Array.isArray(sizes) ? sizes.find((size) => numberAt(size, 'checks') === checks) : undefined;
}

const figures: { figure: string; cell: (json: unknown) => string }[] = [
  { figure: 'D (floor: one request to the endpoint)', cell: (json) => timesD(numberAt(json, 'floorMs'), undefined) },
  ...[200, 1000].map((checks) => ({
    figure: `${checks.toLocaleString('en-US')} checks: command → verdict (median)`,
    cell: (json: unknown) => timesD(numberAt(sizeOf(json, checks), 'medianVerdictMs'), numberAt(json, 'floorMs')),
  })),
  ...[200, 1000].map((checks) => ({
    figure: `${checks.toLocaleString('en-US')} checks: naive BullMQ flow, one process (floor)`,
    cell: (json: unknown) => {
      const ratio = numberAt(sizeOf(json, checks), 'naiveRatio');
      return ratio === undefined ? '–' : `${ratio} × D`;
    },
  })),
  {
    figure: '100 × 20 checks at once: last verdict after the last command',
    cell: (json) => timesD(numberAt(json, 'concurrent.lastVerdictAfterLastCommandMs'), numberAt(json, 'floorMs')),
  },
  {
    figure: '100 × 20 at once: acks median / max',
    cell: (json) => {
      const [median, max] = [numberAt(json, 'concurrent.acks.median'), numberAt(json, 'concurrent.acks.max')];
      return median === undefined || max === undefined ? '–' : `${ms(median)} / ${ms(max)}`;
    },
  },
  {
    figure: '100 × 20 at once: CPU of all worker processes',
    cell: (json) => {
      const cpu = numberAt(json, 'concurrent.workerCpuMs');
      return cpu === undefined ? '–' : ms(cpu);
    },
  },
  {
    figure: 'load average (1 min) at start → end',
    cell: (json) => {
      const [start, end] = [numberAt(json, 'loadAverageAtStart.0'), numberAt(json, 'loadAverageAtEnd.0')];
      return start === undefined ? '–' : `${start} → ${end ?? '?'}`;
    },
  },
];

export function scalingTable(runs: readonly ScalingRun[]): ScalingTable {
  const rows = figures.map(({ figure, cell }) => ({
    figure,
    cells: runs.map((run) => (run.json === undefined ? `crashed${run.failure ? `: ${run.failure}` : ''}` : cell(run.json))),
  }));
  const header = `| figure | ${runs.map((run) => `${run.workers} worker process${run.workers === 1 ? '' : 'es'}`).join(' | ')} |`;
  const markdown = [header, `|---|${runs.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.figure} | ${row.cells.join(' | ')} |`)].join(
    '\n',
  );
  return { workers: runs.map((run) => run.workers), rows, markdown };
}
