import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ExitCode, runCli } from '../../src/cli/cli.ts';
import { cliDeps } from '../../src/main/cli-deps.ts';
import { startExampleService, type ExampleService } from '../../tools/demo/example-service.ts';
import { projectRoot } from '../../src/shared/paths.ts';

// examples/ci/github-actions.yml is documentation people copy: its commands must exist and do what it says.

const workflowPath = join(projectRoot, 'examples', 'ci', 'github-actions.yml');

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Workflow {
  jobs: Record<string, { name: string; env: Record<string, string>; steps: Step[] }>;
}

let workflowText: string;
let workflow: Workflow;
let target: ExampleService;
let dir: string;
beforeAll(async () => {
  workflowText = await readFile(workflowPath, 'utf8');
  workflow = parse(workflowText) as Workflow;
  target = await startExampleService();
  dir = await mkdtemp(join(tmpdir(), 'readiness-ci-'));
});
afterAll(async () => {
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

const job = () => {
  const found = workflow.jobs.readiness;
  if (!found) throw new Error('the workflow has no readiness job');
  return found;
};

/** `npx readiness …` lines of the job's steps, split into arguments with the job's env substituted. */
function readinessCommands(): string[][] {
  const env = job().env;
  return job()
    .steps.flatMap((step) => (step.run ?? '').split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.startsWith('npx readiness '))
    .map((line) =>
      [...line.replace(/\s*>>.*$/, '').matchAll(/"([^"]*)"|(\S+)/g)]
        .map((match) => match[1] ?? match[2] ?? '')
        .slice(2)
        .map((arg) => arg.replace(/\$(\w+)/g, (_, name: string) => env[name] ?? `<${name}>`)),
    );
}

describe('examples/ci/github-actions.yml', () => {
  it('runs readiness assess as the job people mark required, with flags the CLI has', async () => {
    expect(job().name).toBe('Readiness gate');
    const commands = readinessCommands();
    expect(commands.map((argv) => argv[0])).toEqual(['config', 'assess']);
    const assess = commands[1] ?? [];
    expect(assess).toEqual(expect.arrayContaining(['--format', 'markdown', '--require-signoff', '--service', '--env', '--config']));
    for (const argv of commands) {
      const err: string[] = [];
      // --help after the step's own flags: strict parsing refuses any flag the CLI does not have (exit 2).
      const code = await runCli([...argv, '--help'], { out: () => {}, err: (text) => err.push(text), env: {} }, cliDeps);
      expect(code, `readiness ${argv.join(' ')}: ${err.join('')}`).toBe(ExitCode.go);
    }
  });

  it("explains every exit code the CLI has, with the CLI's own numbers", () => {
    const explained = Object.fromEntries(
      [...workflowText.matchAll(/^#\s+(\d)\s{2,}(\S.*?)\s{2,}/gm)].map((match) => [match[2]?.trim(), Number(match[1])]),
    );
    expect(explained).toEqual({
      GO: ExitCode.go,
      'GO WITH CAUTION': ExitCode.goWithCaution,
      'NO-GO': ExitCode.noGo,
      'usage or config error': ExitCode.usage,
      'sign-off missing': ExitCode.signoffMissing,
    });
  });

  it('the assess step writes the Markdown report to the job summary and fails the job when sign-off is missing', async () => {
    const step = job().steps.find((candidate) => candidate.name === 'Assess readiness');
    if (!step?.run) throw new Error('no "Assess readiness" step');
    expect(step.run).not.toContain('${{');
    const configPath = join(dir, 'readiness.yaml');
    const example = await readFile(join(projectRoot, 'examples', 'readiness.yaml'), 'utf8');
    // The example service plays production; its manual check (which only Slack can attest) runs in staging here.
    const config = example
      .replaceAll('https://api.example.com', target.url)
      .replace('        environments: [production]\n', '        environments: [staging]\n');
    await writeFile(configPath, config);
    const summaryPath = join(dir, 'summary.md');
    await writeFile(summaryPath, '');

    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-e', '-c', step.run ?? ''], {
        cwd: projectRoot,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? dir,
          ...job().env,
          READINESS_CONFIG: configPath,
          GITHUB_STEP_SUMMARY: summaryPath,
          DATABASE_URL: inject('databaseUrl'),
          CHECKOUT_TOKEN: 'unused',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });

    // Nobody signed off example-api in production in this database: the checks pass, the gate holds.
    expect(result.stdout).toContain('::error title=Readiness::sign-off missing for example-api in production');
    expect(result.code).not.toBe(0);
    const summary = await readFile(summaryPath, 'utf8');
    expect(summary).toContain('# Readiness report: example-api → production');
    expect(summary).toContain('- Sign-off: ❌ sign-off missing');
    expect(summary).toContain('## Checks');
  }, 60_000);
});
