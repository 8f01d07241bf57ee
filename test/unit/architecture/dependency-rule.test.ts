import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/shared/paths.ts';

const run = promisify(execFile);
const depcruise = join(projectRoot, 'node_modules', '.bin', 'depcruise');
const config = join(projectRoot, '.dependency-cruiser.cjs');

type Outcome = { code: number; output: string };

/** Runs the project's dependency rule over `paths`, from `cwd`, the way `npm run lint:deps` does. */
async function checkRule(cwd: string, paths: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(depcruise, [...paths, '--config', config, '--output-type', 'err'], { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const scratchDirs: string[] = [];
afterAll(async () => {
  await Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A throwaway tree laid out like the project, so the rule's paths apply to it. */
async function treeOf(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'readiness-deps-'));
  scratchDirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe('the dependency rule (docs/architecture.md)', () => {
  it('holds for the whole codebase: no arrow against a layer, no circle', async () => {
    const outcome = await checkRule(projectRoot, ['src', 'commands', 'jobs', 'tools']);
    expect(outcome.output).not.toMatch(/error /);
    expect(outcome.code).toBe(0);
  });

  it('fails, naming the rule, when a domain module imports a repository', async () => {
    const root = await treeOf({
      'src/store/signoffs.ts': 'export const findSignoff = () => undefined;\n',
      'src/approvals/sign-off.ts': "import { findSignoff } from '../store/signoffs.ts';\nexport const sign = findSignoff;\n",
    });
    const outcome = await checkRule(root, ['src']);
    expect(outcome.code).not.toBe(0);
    expect(outcome.output).toContain('domain-imports-domain-and-kernel: src/approvals/sign-off.ts → src/store/signoffs.ts');
  });

  it('fails when an edge reaches into src/main, and when two modules import each other', async () => {
    const root = await treeOf({
      'src/main/runtime.ts': 'export type Runtime = { name: string };\n',
      'commands/context.ts': "import type { Runtime } from '../src/main/runtime.ts';\nexport type Context = Runtime;\n",
      'src/slack/views/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'src/slack/views/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
    });
    const outcome = await checkRule(root, ['src', 'commands']);
    expect(outcome.code).not.toBe(0);
    expect(outcome.output).toContain('only-main-composes: commands/context.ts → src/main/runtime.ts');
    expect(outcome.output).toMatch(/no-circular: src\/slack\/views\/[ab]\.ts/);
  });

  it('fails when Prisma is imported outside src/store', async () => {
    const root = await treeOf({
      'node_modules/@prisma/client/package.json': '{"name":"@prisma/client","main":"index.js"}',
      'node_modules/@prisma/client/index.js': 'exports.PrismaClient = class {};\n',
      'src/reports/report-store.ts': "import type { PrismaClient } from '@prisma/client';\nexport type Db = PrismaClient;\n",
    });
    const outcome = await checkRule(root, ['src']);
    expect(outcome.code).not.toBe(0);
    expect(outcome.output).toContain('prisma-only-in-store');
  });
});
