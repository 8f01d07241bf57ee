import { describe, expect, it } from 'vitest';
import { BENCH_NAMES, parseSuiteOptions } from '../../../bench/suite/options.ts';
import { planRuns } from '../../../bench/suite/plan.ts';
import { ackRows, deployRows, footprintRows, slackCallsRows, verdictRows } from '../../../bench/suite/readers.ts';
import { crashedRow, failsSuite, judge, renderTable } from '../../../bench/suite/rows.ts';
import { scalingTable } from '../../../bench/suite/scaling.ts';

const refused = (argv: string[]) => {
  const parsed = parseSuiteOptions(argv);
  if (parsed.ok) throw new Error(`accepted ${argv.join(' ')}`);
  return parsed;
};

describe('npm run bench: options', () => {
  it('runs every bench at full size with 1, 2 and 4 workers by default', () => {
    expect(parseSuiteOptions([])).toEqual({
      ok: true,
      options: { benches: [...BENCH_NAMES], quick: false, workers: [1, 2, 4], skipBuild: false, timeoutMinutes: 30 },
    });
  });

  it('picks benches by name, in suite order, and takes quick sizes and worker counts', () => {
    const parsed = parseSuiteOptions(['scaling', 'ack', '--quick', '--workers', '4,1,4']);
    expect(parsed).toMatchObject({ ok: true, options: { benches: ['ack', 'scaling'], quick: true, workers: [1, 4], timeoutMinutes: 10 } });
  });

  it('refuses a bad option with one line and exit 2; --help exits 0', () => {
    for (const [argv, message] of [
      [['--quik'], "Unknown option '--quik'"],
      [['acks'], 'unknown bench: acks; benches: ack, verdict'],
      [['--workers', '1,two'], '--workers must be whole numbers of 1 or more'],
      [['--workers', '0'], '--workers must be whole numbers of 1 or more'],
      [['--timeout-min=-3'], '--timeout-min must be a whole number of minutes'],
      [['--timeout-min', '-3'], "Option '--timeout-min' argument is ambiguous"],
    ] as const) {
      const parsed = refused([...argv]);
      expect(parsed.exitCode).toBe(2);
      expect(parsed.message).toContain(message);
      expect(parsed.message).not.toContain('\n');
    }
    expect(refused(['--help']).exitCode).toBe(0);
  });

  it('runs the Slack bench once as is and once with a 429 storm, so that "0 unhandled 429s" meets some 429s', () => {
    const runs = planRuns({ benches: ['slack-calls'], quick: false, workers: [1] });
    expect(runs.map((run) => run.args)).toEqual([[], ['--storm', '0.2']]);
  });

  it('plans one process per bench, and one verdict run per worker count for the scaling part', () => {
    const runs = planRuns({ benches: ['verdict', 'scaling'], quick: true, workers: [1, 2] });
    expect(runs.map((run) => [run.script, run.resultName])).toEqual([
      ['command-to-verdict.ts', 'command-to-verdict'],
      ['command-to-verdict.ts', 'command-to-verdict-workers-1'],
      ['command-to-verdict.ts', 'command-to-verdict-workers-2'],
    ]);
    expect(runs[2]?.args).toEqual(expect.arrayContaining(['--workers', '2', '--results', 'command-to-verdict-workers-2', '--repeat', '1']));
  });
});

describe('npm run bench: targets', () => {
  it('judges inclusive and strict bounds, and a missing figure as not measured', () => {
    expect(judge(1.2, 1.2, 'atMost')).toBe('met');
    expect(judge(120, 120, 'under')).toBe('missed');
    expect(judge(undefined, 120, 'under')).toBe('not measured');
    expect(judge(Number.NaN, 120, 'under')).toBe('not measured');
  });

  it('judges every ack round against the same round floor, the first burst included', () => {
    const rows = ackRows({
      count: 200,
      results: [
        { round: 1, floor: { p99: 500 }, bot: { p99: 700 } },
        { round: 2, floor: { p99: 500 }, bot: { p99: 550 } },
      ],
      checks: { everyRoundWithinRatio: false, allAcked200: true, allCompleted: true },
    });
    expect(rows.map((row) => [row.figure, row.ratio, row.outcome])).toEqual([
      ['ack p99, 200 commands at once, round 1 (first burst)', 1.4, 'missed'],
      ['ack p99, 200 commands at once, round 2', 1.1, 'met'],
      ['every command acked 200, recorded and enqueued once, completed', null, 'met'],
    ]);
    expect(rows[0]?.floor).toBe('minimal Bolt app p99 500 ms');
  });

  it('judges the verdict per size against D with the issue’s targets, the burst against 2 × D, and reports round trips', () => {
    const rows = verdictRows({
      floorMs: 200,
      sizes: [
        { checks: 20, medianVerdictMs: 265, naiveRatio: 1.2, perAssessment: { redisCommands: 404, pgTransactions: 43 } },
        { checks: 200, medianVerdictMs: 241 },
        { checks: 1000, medianVerdictMs: 301 },
      ],
      concurrent: { count: 100, completed: 100, lastVerdictAfterLastCommandMs: 390 },
      checks: { 'verdict20.allPass': true, 'verdict200.allPass': true, 'verdict1000.allPass': false },
    });
    expect(rows.map((row) => [row.figure, row.outcome, row.numbers?.bound])).toEqual([
      ['signed command → verdict, 20 checks (median)', 'met', 270],
      ['signed command → verdict, 200 checks (median)', 'missed', 240],
      ['signed command → verdict, 1,000 checks (median)', 'missed', 300],
      ['100 × 20 checks at once: last verdict after the last command', 'met', 400],
      ['round trips per assessment, 20 checks', 'reported', undefined],
    ]);
    expect(rows[2]?.note).toContain('allPass');
    expect(rows[4]?.value).toBe('404 Redis commands, 43 Postgres transactions');
  });

  it('says which verdict figures a run left out instead of passing them', () => {
    const rows = verdictRows({ floorMs: 200, sizes: [{ checks: 200, medianVerdictMs: 230 }], checks: {} });
    expect(rows.map((row) => row.outcome)).toEqual(['not measured', 'met', 'not measured', 'not measured']);
    expect(rows.filter(failsSuite)).toHaveLength(3);
  });

  it('takes the Slack assessment closest to its T + 2 bound, and counts unhandled 429s', () => {
    const [calls, unhandled] = slackCallsRows({
      rows: [
        { t: 2, seconds: [2.4, 2.5], calls: [4, 4], limit: [4, 4] },
        { t: 5, seconds: [5.2], calls: [8], limit: [7] },
      ],
      renderFailed: 0,
      errorLogLines: 0,
      rateLimitedCalls: 3,
      checks: { callsWithinTPlus2: false, finalStateShownEverywhere: true, noRenderJobFailed: true, noErrorLogged: true },
    });
    expect([calls?.value, calls?.outcome]).toEqual(['8 calls, T = 5.2 s', 'missed']);
    expect([unhandled?.value, unhandled?.outcome, unhandled?.note]).toEqual(['0', 'met', 'of 3 calls answered 429 by the stand-in']);
    // Under a seeded storm the calls Slack accepted are judged: 7 calls of which 4 were the storm's 429s.
    const [stormCalls] = slackCallsRows({ storm: 0.2, rows: [{ t: 2, seconds: [2.4], calls: [7], countedCalls: [3], limit: [4] }] });
    expect([stormCalls?.figure, stormCalls?.value, stormCalls?.outcome]).toEqual([
      'Slack calls per assessment lasting T (the closest to its bound), accepted ones, 20 % of calls answered 429',
      '3 calls, T = 2.4 s',
      'met',
    ]);
  });

  it('judges the deployment overhead by its worst run against the issue’s 300 ms', () => {
    const [row] = deployRows({ plan: { phases: 4, tasksPerPhase: 20 }, overheadMs: { median: 129, max: 388 }, results: [{}, {}], checks: {} });
    expect([row?.figure, row?.value, row?.outcome]).toEqual([
      'bot overhead, 4 phases × 20 no-op tasks, worst of 2 runs',
      '388 ms (median 129 ms)',
      'missed',
    ]);
  });

  it('reads the footprint, tolerating the fan-out RSS and the 50-check assess being absent', () => {
    const older = footprintRows({
      idle: { bot: { rssKiB: 115 * 1024 }, worker: { rssKiB: 151 * 1024 } },
      cli: { assess: { medianMs: 400 } },
      leftovers: [],
    });
    expect(older.map((row) => row.outcome)).toEqual(['met', 'missed', 'not measured', 'not measured', 'met']);
    const newer = footprintRows({
      idle: { bot: { rssKiB: 100 * 1024 }, worker: { rssKiB: 120 * 1024 } },
      fanout: { worker: { peakKiB: 240 * 1024 } },
      cli: { assess50: { label: 'readiness assess (50 checks)', medianMs: 500, slowestCheckMs: 210 } },
      leftovers: [],
    });
    expect(newer.map((row) => row.outcome)).toEqual(['met', 'met', 'met', 'met', 'met']);
    expect(newer[3]?.floor).toBe('slowest check 210 ms');
    // What bench:footprint writes: the fan-out as fanOut.workerPeakKiB, the 50-check assess as assessGate.
    const written = footprintRows({
      idle: { bot: { rssKiB: 100 * 1024 }, worker: { rssKiB: 120 * 1024 } },
      fanOut: { workerPeakKiB: 181 * 1024 },
      assessGate: { label: 'readiness assess (50 http checks, 200 ms each)', medianMs: 771, medianSlowestCheckMs: 341 },
      leftovers: [],
    });
    expect(written.map((row) => row.outcome)).toEqual(['met', 'met', 'met', 'missed', 'met']);
    expect([written[2]?.value, written[3]?.value, written[3]?.floor]).toEqual(['181 MiB', '771 ms', 'slowest check 341 ms']);
  });
});

describe('npm run bench: the table', () => {
  it('prints one Markdown row per figure, a crashed bench included, notes numbered below', () => {
    const rows = [...deployRows({ plan: { phases: 4, tasksPerPhase: 20 }, overheadMs: { median: 90, max: 120 }, results: [{}], checks: {} })];
    rows.push(crashedRow('ack', 'bench/ack-latency.ts', 'exited 2 after 3 s without writing its result'));
    const table = renderTable(rows).split('\n');
    expect(table[0]).toBe('| bench | figure | floor (same run) | value | ratio | target | result |');
    expect(table[2]).toBe('| deploy | bot overhead, 4 phases × 20 no-op tasks, worst of 1 runs | – | 120 ms (median 90 ms) | – | < 300 ms | met |');
    expect(table[3]).toBe('| ack | bench/ack-latency.ts | – | – | – | – | **CRASHED** (1) |');
    expect(table.at(-1)).toBe('- (1) exited 2 after 3 s without writing its result');
    expect(rows.filter(failsSuite)).toHaveLength(1);
  });

  it('lays the scaling runs side by side, one column per worker count, a crashed one marked', () => {
    const run = (workers: number, verdict200: number) => ({
      workers,
      json: {
        floorMs: 200,
        sizes: [{ checks: 200, medianVerdictMs: verdict200, naiveRatio: 1.8 }],
        concurrent: { lastVerdictAfterLastCommandMs: 4000 },
        loadAverageAtStart: [6.5],
      },
    });
    const table = scalingTable([run(1, 500), run(2, 400), { workers: 4, json: undefined, failure: 'exited 1' }]);
    expect(table.markdown.split('\n')[0]).toBe('| figure | 1 worker process | 2 worker processes | 4 worker processes |');
    expect(table.rows.find((row) => row.figure.startsWith('200 checks: command'))?.cells).toEqual([
      '500 ms (2.5 × D)',
      '400 ms (2 × D)',
      'crashed: exited 1',
    ]);
  });
});
