import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/shared/paths.ts';
import { runCli } from '../support/cli.ts';

const validate = (configPath: string) => runCli({}, 'config', 'validate', '--config', configPath);

describe('readiness config validate: incidents.permissions', () => {
  it('accepts the shipped example and reports every wrong permission with its key path, exit 2', async () => {
    const example = await readFile(join(projectRoot, 'examples', 'readiness.yaml'), 'utf8');
    expect(example).toContain('    commanderRole: incident-commander');
    const dir = await mkdtemp(join(tmpdir(), 'readiness-permissions-'));
    const bad = join(dir, 'readiness.yaml');
    await writeFile(
      bad,
      example
        .replace('    commanderRole: incident-commander', '    commanderRole: incident-boss')
        .replace('    resolve: [paged, commander]', '    resolve: [paged, bystanders]\n    reopen: [anyone]'),
    );
    const { code, stderr, stdout } = await validate(bad);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${bad} is not a valid readiness config`);
    expect(stderr).toContain('incidents.permissions.resolve[1]: must be one of paged, responders, commander, anyone');
    expect(stderr).toContain('incidents.permissions.reopen: unknown key');
    expect(stderr).not.toMatch(/^\s+at /m);

    await writeFile(bad, example.replace('    commanderRole: incident-commander', '    commanderRole: incident-boss'));
    const dangling = await validate(bad);
    expect(dangling.code).toBe(2);
    expect(dangling.stderr).toContain('incidents.permissions.commanderRole: "incident-boss" is not defined under roles');
  });
});
