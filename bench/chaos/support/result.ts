import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../../src/shared/paths.ts';

/** What a scenario found wrong; the acceptance is zero of each. */
export interface Findings {
  /** Effects that should have happened and did not (a missing verdict, post, page, webhook call, approval). */
  lost: number;
  /** Effects that happened more than once (two posts, two pages, a webhook key seen twice). */
  doubled: number;
  /** Items left in a non-final state after the scenario's recovery bound (an assessment RUNNING, a job locked). */
  stuck: number;
  /** Verdicts caused by our own infrastructure failing (GO/NO-GO where "could not assess" was due), or wrong verdicts. */
  wrongVerdicts: number;
  /** Processes that exited on their own, or logged an uncaught exception. */
  crashes: number;
}

/** A time to recover, against the bound the guarantee states. */
export interface RecoveryFigure {
  what: string;
  ms: number;
  boundMs: number;
}

export interface ScenarioResult {
  scenario: string;
  /** One sentence: what was done (how many runs, what was killed or stopped, for how long). */
  did: string;
  found: Findings;
  recovery: RecoveryFigure[];
  /** True when every finding is zero and every recovery is within its bound. */
  pass: boolean;
  /** Anything else worth keeping (counts, percentiles), as plain numbers or strings. */
  figures: Record<string, number | string>;
}

export const resultPath = (scenario: string) => join(projectRoot, 'bench', 'results', `chaos-${scenario}.json`);

/** Prints the scenario's findings and writes bench/results/chaos-<scenario>.json for `npm run chaos`. */
export async function writeScenarioResult(result: Omit<ScenarioResult, 'pass'>): Promise<ScenarioResult> {
  const findingsClean = Object.values(result.found).every((count) => count === 0);
  const recoveredInTime = result.recovery.every((figure) => figure.ms <= figure.boundMs);
  const complete: ScenarioResult = { ...result, pass: findingsClean && recoveredInTime };
  await mkdir(dirname(resultPath(result.scenario)), { recursive: true });
  await writeFile(resultPath(result.scenario), `${JSON.stringify(complete, null, 2)}\n`);
  process.stdout.write(
    `${result.scenario}: ${result.did}\n  found ${JSON.stringify(result.found)}\n  recovery ${
      result.recovery.map((figure) => `${figure.what}: ${figure.ms} ms (bound ${figure.boundMs} ms)`).join('; ') || 'n/a'
    }\n  ${complete.pass ? 'PASS' : 'FAIL'}\n`,
  );
  return complete;
}
