// `npm run chaos [-- <scenario> …]`: runs every bench/chaos/*.scenario.ts (or the ones named), each in its own
// process, one after the other, then prints one table of what each did and found and writes bench/results/chaos.json.
// A scenario writes its own result with writeScenarioResult (support/result.ts); the run fails when any scenario
// found a lost, doubled or stuck effect, a wrong verdict or a crash, or recovered slower than its bound.
import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { projectRoot } from '../../src/shared/paths.ts';
import { describeEnd, readJsonWrittenSince, runTsFile } from '../support/child-run.ts';
import { resultPath, type ScenarioResult } from './support/result.ts';

const chaosDir = join(projectRoot, 'bench', 'chaos');
const available = readdirSync(chaosDir)
  .filter((file) => file.endsWith('.scenario.ts'))
  .map((file) => basename(file, '.scenario.ts'))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown scenario: ${unknown.join(', ')}; scenarios: ${available.join(', ')}\n`);
  process.exit(2);
}
const scenarios = wanted.length > 0 ? wanted : available;

async function runScenario(name: string): Promise<ScenarioResult> {
  const started = Date.now();
  const run = await runTsFile(join(chaosDir, `${name}.scenario.ts`), []);
  const written = await readJsonWrittenSince(resultPath(name), started);
  if (written !== undefined) return written as ScenarioResult;
  return {
    scenario: name,
    did: describeEnd(run),
    found: { lost: 0, doubled: 0, stuck: 0, wrongVerdicts: 0, crashes: 1 },
    recovery: [],
    pass: false,
    figures: {},
  };
}

const results: ScenarioResult[] = [];
for (const name of scenarios) {
  process.stdout.write(`\n== chaos: ${name}\n`);
  results.push(await runScenario(name));
}

const rows = results.map((result) => {
  const { lost, doubled, stuck, wrongVerdicts, crashes } = result.found;
  const recovery = result.recovery.map((figure) => `${figure.what} ${figure.ms} ms (≤ ${figure.boundMs})`).join('; ') || '–';
  return `| ${result.scenario} | ${lost} | ${doubled} | ${stuck} | ${wrongVerdicts} | ${crashes} | ${recovery} | ${result.pass ? 'pass' : 'FAIL'} |`;
});
process.stdout.write(
  ['', '| scenario | lost | doubled | stuck | wrong verdicts | crashes | recovery | result |', '|---|---|---|---|---|---|---|---|', ...rows, ''].join(
    '\n',
  ),
);
await mkdir(join(projectRoot, 'bench', 'results'), { recursive: true });
await writeFile(join(projectRoot, 'bench', 'results', 'chaos.json'), `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
process.exitCode = results.every((result) => result.pass) ? 0 : 1;
