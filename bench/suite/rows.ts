// One row of `npm run bench`'s table: a figure, the floor measured in the same run (when the target is a ratio), the
// value, the target and whether it was met. Pure: the rows are built from the benches' JSON and judged here.
import { round } from '../support/stats.ts';

/**
 * `reported`: a figure the issue asks to see, with no bound (round trips). `not measured`: the bench ran but its
 * JSON has no such figure (an older bench, a size left out). `crashed`: the bench wrote no result at all.
 */
export type Outcome = 'met' | 'missed' | 'reported' | 'not measured' | 'crashed';

export interface Row {
  bench: string;
  figure: string;
  /** The floor and what it is, e.g. "minimal Bolt app p99 812 ms"; "–" for a target that is a bound. */
  floor: string;
  value: string;
  /** value / floor, when the target is a ratio against a floor. */
  ratio: number | null;
  target: string;
  outcome: Outcome;
  /** Why a row is missed, not measured or crashed, or what else to read next to it. */
  note?: string;
  /** The plain numbers behind the row, for bench.json. */
  numbers?: { value?: number; floor?: number; bound?: number };
}

/** Targets are inclusive ("≤ 1.2 × floor") or strict ("< 120 MiB"), as the issue words each one. */
export type Comparison = 'atMost' | 'under';

export function judge(value: number | undefined, bound: number | undefined, comparison: Comparison): Outcome {
  if (value === undefined || bound === undefined || !Number.isFinite(value) || !Number.isFinite(bound)) return 'not measured';
  const within = comparison === 'atMost' ? value <= bound : value < bound;
  return within ? 'met' : 'missed';
}

/** What fails the suite: a missed target, a bench that crashed, or a target its bench did not measure. */
export const failsSuite = (row: Row) => row.outcome === 'missed' || row.outcome === 'crashed' || row.outcome === 'not measured';

export const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
export const mib = (kib: number) => `${round(kib / 1024, 1)} MiB`;

/** A figure against `factor × floor + plusMs` (the verdict's "≤ 1.1 × D + 50 ms"), ratio against the floor alone. */
export function ratioRow(row: {
  bench: string;
  figure: string;
  floorName: string;
  floorMs: number | undefined;
  valueMs: number | undefined;
  factor: number;
  plusMs?: number;
  targetText?: string;
  note?: string;
}): Row {
  const { floorMs, valueMs, factor, plusMs = 0 } = row;
  const bound = floorMs === undefined ? undefined : round(factor * floorMs + plusMs, 1);
  const outcome = judge(valueMs, bound, 'atMost');
  return {
    bench: row.bench,
    figure: row.figure,
    floor: floorMs === undefined ? '–' : `${row.floorName} ${ms(floorMs)}`,
    value: valueMs === undefined ? '–' : ms(valueMs),
    ratio: valueMs !== undefined && floorMs !== undefined && floorMs > 0 ? round(valueMs / floorMs, 2) : null,
    target: row.targetText ?? `≤ ${factor} × floor${plusMs ? ` + ${plusMs} ms` : ''}`,
    outcome,
    ...(row.note === undefined ? {} : { note: row.note }),
    numbers: {
      ...(valueMs === undefined ? {} : { value: valueMs }),
      ...(floorMs === undefined ? {} : { floor: floorMs }),
      ...(bound === undefined ? {} : { bound }),
    },
  };
}

/** A figure against a fixed bound ("< 120 MiB", "0 unhandled 429s"). */
export function boundRow(row: {
  bench: string;
  figure: string;
  value: number | undefined;
  show: (value: number) => string;
  bound: number | undefined;
  comparison: Comparison;
  targetText: string;
  note?: string;
}): Row {
  return {
    bench: row.bench,
    figure: row.figure,
    floor: '–',
    value: row.value === undefined ? '–' : row.show(row.value),
    ratio: null,
    target: row.targetText,
    outcome: judge(row.value, row.bound, row.comparison),
    ...(row.note === undefined ? {} : { note: row.note }),
    numbers: { ...(row.value === undefined ? {} : { value: row.value }), ...(row.bound === undefined ? {} : { bound: row.bound }) },
  };
}

/** The correctness checks a bench reports besides its figures (every command acked, every verdict right …). */
export function checksRow(bench: string, figure: string, checks: Record<string, boolean> | undefined, covered: readonly string[]): Row | undefined {
  if (!checks) return undefined;
  const rest = Object.entries(checks).filter(([name]) => !covered.includes(name));
  if (rest.length === 0) return undefined;
  const failed = rest.filter(([, ok]) => !ok).map(([name]) => name);
  return {
    bench,
    figure,
    floor: '–',
    value: failed.length > 0 ? `${failed.length} of ${rest.length} failed` : rest.length === 1 ? 'holds' : `all ${rest.length} hold`,
    ratio: null,
    target: 'all hold',
    outcome: failed.length === 0 ? 'met' : 'missed',
    ...(failed.length === 0 ? {} : { note: `failed: ${failed.join(', ')}` }),
  };
}

export const crashedRow = (bench: string, figure: string, why: string): Row => ({
  bench,
  figure,
  floor: '–',
  value: '–',
  ratio: null,
  target: '–',
  outcome: 'crashed',
  note: why,
});

const cell = (text: string) => text.replaceAll('|', '\\|');
const OUTCOME_CELL: Record<Outcome, string> = {
  met: 'met',
  missed: '**MISSED**',
  reported: 'reported',
  'not measured': '**not measured**',
  crashed: '**CRASHED**',
};

/** The table as Markdown (it reads on a terminal and pastes into docs/benchmarks.md as is); notes numbered below. */
export function renderTable(rows: readonly Row[]): string {
  const notes: string[] = [];
  const lines = ['| bench | figure | floor (same run) | value | ratio | target | result |', '|---|---|---|---|---|---|---|'];
  for (const row of rows) {
    let result = OUTCOME_CELL[row.outcome];
    if (row.note) {
      notes.push(row.note);
      result += ` (${notes.length})`;
    }
    const ratio = row.ratio === null ? '–' : `${row.ratio}×`;
    lines.push(`| ${[row.bench, row.figure, row.floor, row.value, ratio, row.target, result].map(cell).join(' | ')} |`);
  }
  return [...lines, ...(notes.length > 0 ? ['', ...notes.map((note, i) => `- (${i + 1}) ${note}`)] : [])].join('\n');
}
