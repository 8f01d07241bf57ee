// What `npm run bench` runs: one child process per bench (per worker count for the scaling part), with the sizes of
// a full or a quick run, and the result file each one writes in bench/results/. Pure.
import type { BenchName, SuiteOptions } from './options.ts';

export interface BenchRun {
  bench: BenchName;
  /** Printed above the bench's own output and in the table when it crashes. */
  label: string;
  /** A file under bench/. */
  script: string;
  args: string[];
  /** bench/results/<resultName>.json */
  resultName: string;
  /** For the scaling part: the worker process count of this run. */
  workers?: number;
}

/** Full sizes are each bench's defaults (the issue's); quick ones keep every target's definition and cut repetitions. */
const ARGS: Record<Exclude<BenchName, 'scaling'>, { script: string; resultName: string; full: string[]; quick: string[] }> = {
  // The suite builds dist/ once for the benches that run the compiled bot or worker.
  ack: { script: 'ack-latency.ts', resultName: 'ack-latency', full: ['--skip-build'], quick: ['--skip-build', '--rounds', '1'] },
  verdict: {
    script: 'command-to-verdict.ts',
    resultName: 'command-to-verdict',
    full: ['--skip-build'],
    quick: ['--skip-build', '--repeat', '1', '--no-count'],
  },
  'slack-calls': { script: 'slack-calls.ts', resultName: 'slack-calls', full: [], quick: ['--durations', '2,5', '--per-duration', '2'] },
  deploy: { script: 'deploy-overhead.ts', resultName: 'deploy-overhead', full: [], quick: ['--runs', '2'] },
  footprint: {
    script: 'memory-and-cli.ts',
    resultName: 'memory-and-cli',
    full: ['--skip-build'],
    quick: ['--skip-build', '--runs', '3', '--burst', '100', '--settle-ms', '3000'],
  },
};

export const scalingResultName = (workers: number) => `command-to-verdict-workers-${workers}`;

export function planRuns(options: Pick<SuiteOptions, 'benches' | 'quick' | 'workers'>): BenchRun[] {
  return options.benches.flatMap((bench): BenchRun[] => {
    if (bench === 'scaling') {
      return options.workers.map((workers) => ({
        bench,
        label: `scaling: verdict with ${workers} worker process${workers === 1 ? '' : 'es'}`,
        script: 'command-to-verdict.ts',
        // The figures the issue asks to see scale: 200 and 1,000 checks and the burst of 100 × 20; counting round
        // trips is left to the verdict bench.
        args: [
          '--sizes',
          '200,1000',
          '--concurrent',
          '100',
          '--no-count',
          '--skip-build',
          ...(options.quick ? ['--repeat', '1'] : []),
          '--workers',
          String(workers),
          '--results',
          scalingResultName(workers),
        ],
        resultName: scalingResultName(workers),
        workers,
      }));
    }
    const spec = ARGS[bench];
    const args = options.quick ? spec.quick : spec.full;
    const run = { bench, label: bench, script: spec.script, args, resultName: spec.resultName };
    // "0 unhandled 429s" means something only when 429s come: a second run answers a seeded 20 % of Slack calls 429
    // (same result file; each is read as soon as its run ends).
    if (bench === 'slack-calls') return [run, { ...run, label: `${bench} with 20 % of calls answered 429`, args: [...args, '--storm', '0.2'] }];
    return [run];
  });
}

/** Every bench but slack-calls and deploy runs the compiled bot or worker: dist/ is built once before them. */
export const needsBuild = (runs: readonly BenchRun[]) => runs.some((run) => run.bench !== 'slack-calls' && run.bench !== 'deploy');
