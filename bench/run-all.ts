// `npm run bench [-- <bench> …] [--quick] [--workers 1,2,4]`: every performance target in one run. Each bench runs
// as a process of its own, one after the other (each measures a machine the previous one has left), writes its JSON
// into bench/results/, and this runner turns those into ONE table — figure, the floor measured in the same run,
// value, ratio, target, met or missed — plus the scaling table (the verdict bench with 1, 2 and 4 worker processes),
// and writes bench/results/bench.json. Exit 1 when a target is missed, a bench crashed or did not report a target's
// figure (after printing everything); exit 2 on a bad option.
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/shared/paths.ts';
import { describeEnd, readJsonWrittenSince, runTsFile, type ChildRun } from './support/child-run.ts';
import { round } from './support/stats.ts';
import type { BenchName } from './suite/options.ts';
import { parseSuiteOptions } from './suite/options.ts';
import { type BenchRun, needsBuild, planRuns } from './suite/plan.ts';
import { ackRows, deployRows, footprintRows, slackCallsRows, verdictRows } from './suite/readers.ts';
import { crashedRow, failsSuite, renderTable, type Row } from './suite/rows.ts';
import { scalingTable } from './suite/scaling.ts';

const parsed = parseSuiteOptions(process.argv.slice(2));
if (!parsed.ok) {
  (parsed.exitCode === 0 ? process.stdout : process.stderr).write(`${parsed.message}\n`);
  process.exit(parsed.exitCode);
}
const { options } = parsed;
const print = (text = '') => process.stdout.write(`${text}\n`);
const load = () => loadavg().map((n) => round(n, 2));
const resultsDir = join(projectRoot, 'bench', 'results');

const READERS: Record<Exclude<BenchName, 'scaling'>, (json: unknown) => Row[]> = {
  ack: ackRows,
  verdict: verdictRows,
  'slack-calls': slackCallsRows,
  deploy: deployRows,
  footprint: footprintRows,
};

interface Finished {
  run: BenchRun;
  child?: ChildRun;
  json: unknown;
  failure?: string;
  loadAtStart: number[];
}

const runs = planRuns(options);
const suiteStarted = new Date();
const loadAtStart = load();
print(`npm run bench: ${runs.map((run) => run.label).join(', ')}${options.quick ? ' (quick sizes)' : ''}; load average ${loadAtStart.join(' ')}`);

let buildFailure: string | undefined;
if (needsBuild(runs) && !options.skipBuild) {
  print('\n== building dist/ (npm run build) for the benches that run the compiled bot');
  const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: projectRoot, stdio: 'inherit' });
  if (built.status !== 0) buildFailure = `npm run build failed (exit ${built.status}): not run`;
}

const finished: Finished[] = [];
for (const run of runs) {
  const loadBefore = load();
  if (buildFailure && (run.bench === 'ack' || run.bench === 'footprint')) {
    finished.push({ run, json: undefined, failure: buildFailure, loadAtStart: loadBefore });
    continue;
  }
  print(`\n== bench: ${run.label} (bench/${run.script} ${run.args.join(' ')}); load average ${loadBefore.join(' ')}`);
  const started = Date.now();
  const child = await runTsFile(join(projectRoot, 'bench', run.script), run.args, { timeoutMs: options.timeoutMinutes * 60_000 });
  const json = await readJsonWrittenSince(join(resultsDir, `${run.resultName}.json`), started);
  finished.push({ run, child, json, ...(json === undefined ? { failure: describeEnd(child) } : {}), loadAtStart: loadBefore });
  if (process.exitCode === 130) break;
}

const rows: Row[] = finished
  .filter((done) => done.run.bench !== 'scaling')
  .flatMap((done) => {
    const bench = done.run.bench as Exclude<BenchName, 'scaling'>;
    if (done.json === undefined) return [crashedRow(bench, `${done.run.label} (bench/${done.run.script})`, done.failure ?? 'no result')];
    const benchRows = READERS[bench](done.json);
    // A bench that wrote its JSON and then died (a code other than met 0 / missed 1) is worth knowing about.
    const { code, signal } = done.child ?? { code: 0, signal: null };
    if (code !== 0 && code !== 1 && benchRows[0])
      benchRows[0].note = [benchRows[0].note, `the bench wrote its result, then ended with ${signal ?? `exit code ${code}`}`]
        .filter(Boolean)
        .join('; ');
    return benchRows;
  });
const scalingRuns = finished.filter((done) => done.run.bench === 'scaling');
const scaling =
  scalingRuns.length > 0
    ? scalingTable(
        scalingRuns.map((done) => ({ workers: done.run.workers ?? 1, json: done.json, ...(done.failure ? { failure: done.failure } : {}) })),
      )
    : undefined;
const loadAtEnd = load();
const passed = !rows.some(failsSuite) && scalingRuns.every((done) => done.json !== undefined) && process.exitCode !== 130;

print(
  `\n== npm run bench${options.quick ? ' --quick' : ''}: ${suiteStarted.toISOString()}, load average ${loadAtStart.join(' ')} → ${loadAtEnd.join(' ')}\n`,
);
print(rows.length > 0 ? renderTable(rows) : '(no bench with targets was run: the scaling part reports, it does not judge)');
if (scaling) {
  print('\nScaling out: the verdict bench with N worker processes (one bot, the same Redis and Postgres, the same machine)\n');
  print(scaling.markdown);
}
print(`\nload average (1, 5, 15 min) at each bench's start: ${finished.map((done) => `${done.run.label} ${done.loadAtStart.join(' ')}`).join('; ')}`);

await mkdir(resultsDir, { recursive: true });
const resultPath = join(resultsDir, 'bench.json');
await writeFile(
  resultPath,
  `${JSON.stringify(
    {
      name: 'bench',
      date: suiteStarted.toISOString(),
      options,
      loadAverage: { atStart: loadAtStart, atEnd: loadAtEnd },
      runs: finished.map((done) => ({
        bench: done.run.bench,
        label: done.run.label,
        command: `bench/${done.run.script} ${done.run.args.join(' ')}`.trim(),
        result: `bench/results/${done.run.resultName}.json`,
        loadAverageAtStart: done.loadAtStart,
        exitCode: done.child?.code ?? null,
        seconds: done.child ? round(done.child.ms / 1000, 1) : null,
        ...(done.failure ? { failure: done.failure } : {}),
      })),
      rows,
      scaling: scaling ? { workers: scaling.workers, rows: scaling.rows } : undefined,
      passed,
    },
    null,
    2,
  )}\n`,
);
print(`results: ${resultPath}`);
const failing = rows.filter(failsSuite).map((row) => `${row.bench}: ${row.figure} (${row.outcome})`);
print(
  passed
    ? `PASS: ${rows.length > 0 ? 'every target met' : 'every run finished'}`
    : `FAIL: ${[...failing, ...scalingRuns.filter((d) => !d.json).map((d) => `${d.run.label} (crashed)`)].join('; ') || 'interrupted'}`,
);
process.exitCode = process.exitCode === 130 ? 130 : passed ? 0 : 1;
