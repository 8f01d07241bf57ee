// `npm run bench`'s command line: which benches, at which size, and the worker counts of the scaling part. Pure, so
// a bad option can be refused with one line before anything starts (and tested without starting anything).
import { parseArgs } from 'node:util';

/** Every part of the suite, in the order it runs. */
export const BENCH_NAMES = ['ack', 'verdict', 'slack-calls', 'deploy', 'footprint', 'scaling'] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

export interface SuiteOptions {
  /** The parts to run, in suite order. @defaultValue every one of BENCH_NAMES */
  benches: BenchName[];
  /** Smoke sizes: the whole suite in a few minutes, the same targets (noisier figures). @defaultValue false */
  quick: boolean;
  /** Worker process counts the scaling part runs the verdict bench with. @defaultValue [1, 2, 4] */
  workers: number[];
  /** Reuse dist/ instead of running `npm run build` once before the benches that run the compiled bot. @defaultValue false */
  skipBuild: boolean;
  /** A bench still running after this long is stopped and its row says so. @defaultValue 30 (10 with --quick) */
  timeoutMinutes: number;
}

/** A refusal exits 2 with its one line; `--help` prints the usage and exits 0. */
export type ParsedOptions = { ok: true; options: SuiteOptions } | { ok: false; message: string; exitCode: 0 | 2 };

const refuse = (message: string): ParsedOptions => ({ ok: false, message, exitCode: 2 });

export const USAGE = `usage: npm run bench -- [${BENCH_NAMES.join('|')} …] [--quick] [--workers 1,2,4] [--skip-build] [--timeout-min N]`;

const positiveWholeNumber = (text: string) => (/^\d+$/.test(text.trim()) && Number(text) > 0 ? Number(text) : undefined);

export function parseSuiteOptions(argv: readonly string[]): ParsedOptions {
  let parsed: ReturnType<typeof parseWithNode>;
  try {
    parsed = parseWithNode(argv);
  } catch (error) {
    // node's own message names the option ("Unknown option '--quik'"); what follows its first sentence is advice
    // about `--` (which npm already consumed) over several lines, so only the first sentence is kept.
    const firstSentence = (error as Error).message.split('\n')[0]?.split('. ')[0]?.replace(/\.$/, '');
    return refuse(`${firstSentence}; ${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { ok: false, message: USAGE, exitCode: 0 };
  const unknown = positionals.filter((name) => !(BENCH_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) return refuse(`unknown bench: ${unknown.join(', ')}; benches: ${BENCH_NAMES.join(', ')}`);
  const wanted = new Set(positionals);
  const benches = positionals.length === 0 ? [...BENCH_NAMES] : BENCH_NAMES.filter((name) => wanted.has(name));

  const workers = values.workers.split(',').map(positiveWholeNumber);
  if (workers.some((count) => count === undefined)) {
    return refuse(`--workers must be whole numbers of 1 or more separated by commas (got ${JSON.stringify(values.workers)})`);
  }
  const timeout = values['timeout-min'] === undefined ? (values.quick ? 10 : 30) : positiveWholeNumber(values['timeout-min']);
  if (timeout === undefined) return refuse(`--timeout-min must be a whole number of minutes (got ${JSON.stringify(values['timeout-min'])})`);
  return {
    ok: true,
    options: {
      benches,
      quick: values.quick,
      workers: [...new Set(workers as number[])].sort((a, b) => a - b),
      skipBuild: values['skip-build'],
      timeoutMinutes: timeout,
    },
  };
}

function parseWithNode(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      workers: { type: 'string', default: '1,2,4' },
      'skip-build': { type: 'boolean', default: false },
      'timeout-min': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
