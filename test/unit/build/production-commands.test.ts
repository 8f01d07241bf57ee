import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/shared/paths.ts';

const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
};
const buildConfig = readFileSync(join(projectRoot, 'tsconfig.build.json'), 'utf8');
const toolsDir = join(projectRoot, 'tools');

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports (static, type-only and dynamic) of a production module that land in tools/. */
function importsOfTools(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.[^'"]*)['"]/g)].map((match) => match[1] ?? '');
  return specifiers.filter((specifier) => resolve(dirname(file), specifier).startsWith(toolsDir + sep));
}

describe('production commands', () => {
  it.each(['start', 'worker', 'db:migrate'])('npm run %s runs compiled JavaScript with plain node, no tsx', (script) => {
    const command = pkg.scripts[script] ?? '';
    // Plain node, at most V8 heap options before the compiled entry (bench/README.md says why).
    expect(command).toMatch(/^node (--max-semi-space-size=\d+ (--optimize-for-size )?)?dist\/src\/main\/[\w-]+\.js$/);
    // The file it runs is what the build emits for an entry that exists in the sources.
    const source = command.replace(/^node (--\S+ )*dist\//, '').replace(/\.js$/, '.ts');
    expect(existsSync(join(projectRoot, source)), source).toBe(true);
  });

  it('ships the build, the bin and the migrations, and builds before packing', () => {
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/', 'bin/', 'prisma/migrations/']));
    expect(pkg.scripts.prepack).toBe('npm run build');
  });

  it('keeps development tools out of the runtime dependencies', () => {
    for (const devTool of ['tsx', 'typescript', 'prisma', 'vitest']) expect(pkg.dependencies).not.toHaveProperty(devTool);
  });

  it('keeps the Slack stand-in and the demo (tools/) out of the production build and the package', () => {
    expect(buildConfig).toMatch(/"include":\s*\["src", "commands", "jobs"\]/);
    expect(pkg.files.filter((entry) => entry.startsWith('tools'))).toEqual([]);
    // An import would pull the imported tool into the build (tsc compiles what the included files import).
    const offenders = ['src', 'commands', 'jobs']
      .flatMap((dir) => typeScriptFiles(join(projectRoot, dir)))
      .flatMap((file) => importsOfTools(file).map((specifier) => `${file.slice(projectRoot.length + 1)} imports ${specifier}`));
    expect(offenders).toEqual([]);
  });

  it('runs the demo from tools/ through tsx', () => {
    expect(pkg.scripts.demo).toBe('tsx tools/demo/demo.ts');
    expect(existsSync(join(projectRoot, 'tools', 'demo', 'demo.ts'))).toBe(true);
  });
});

describe('engines.node', () => {
  it('is a lower bound this Node satisfies (the tests run on it)', () => {
    const floor = /^>=(\d+)\.(\d+)$/.exec(pkg.engines.node);
    expect(floor, pkg.engines.node).not.toBeNull();
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const [floorMajor, floorMinor] = [Number(floor?.[1]), Number(floor?.[2])];
    expect(major > floorMajor || (major === floorMajor && minor >= floorMinor)).toBe(true);
  });
});
