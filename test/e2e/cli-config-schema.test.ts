import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { READINESS_SCHEMA_PATH } from '../../src/config/readiness-json-schema.ts';
import { projectRoot } from '../../src/shared/paths.ts';
import { runCli, spawnCli } from '../support/cli.ts';

const cli = (...args: string[]) => runCli({}, ...args);

describe('readiness config schema', () => {
  it('prints the JSON Schema of readiness.yaml, the same as the committed schema/readiness.schema.json', async () => {
    const { code, stdout, stderr } = await cli('config', 'schema');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(await readFile(join(projectRoot, READINESS_SCHEMA_PATH), 'utf8'));
    expect(JSON.parse(stdout)).toMatchObject({ title: 'readiness.yaml', type: 'object', required: ['services'], additionalProperties: false });
  });

  it('is listed in the usage text, and --format refuses what it does not know', async () => {
    const help = await cli('--help');
    expect(help.stdout).toContain('readiness config schema');
    expect(help.stdout).toContain('4 sign-off missing');
    const bad = await cli('assess', '--service', 'x', '--env', 'y', '--format', 'html');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be one of text, json, markdown');
  });

  it('stops quietly when its reader closes the pipe early (| head): exit 0, no stack trace', async () => {
    const child = spawnCli({}, 'config', 'schema');
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
