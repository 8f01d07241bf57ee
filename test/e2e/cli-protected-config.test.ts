import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/shared/paths.ts';
import { runCli } from '../support/cli.ts';

// Issue 12 parts 2 and 4 in `readiness config validate`: the new keys are checked, each problem named by its key.
const validate = (config: string) => runCli({}, 'config', 'validate', '--config', config);

describe('readiness config validate: protected environments', () => {
  it('exits 2 naming every protected environment that deploys without a deployerRole, and the other new keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'readiness-protected-'));
    const bad = join(dir, 'readiness.yaml');
    await writeFile(
      bad,
      [
        'roles:',
        '  leads: { users: [U0LEAD] }',
        'services:',
        '  api:',
        '    environments:',
        '      production: { deploy: { template: standard } }',
        '      eu: { protected: true, deploy: {} }',
        '      staging: { deploy: { freshness: 1h, maxDecisionAge: 2h } }',
        '      prod: { signoff: { required: [{ role: leads }], separationOfDuties: false } }',
        '      qa: { deploy: { planExpiresAfter: whenever } }',
        '    checks:',
        '      - { id: up, name: Up, type: http, url: "http://127.0.0.1:9/healthz" }',
        '',
      ].join('\n'),
    );
    const { code, stderr, stdout } = await validate(bad);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${bad} is not a valid readiness config`);
    // Schema problems are reported first; once they are fixed, the protected-environment rules (next test).
    expect(stderr).toContain('services.api.environments.staging.deploy.maxDecisionAge: set `freshness` only');
    expect(stderr).toContain('services.api.environments.qa.deploy.planExpiresAfter');
    expect(stderr).not.toMatch(/^\s+at /m);

    await writeFile(
      bad,
      [
        'roles:',
        '  leads: { users: [U0LEAD] }',
        'services:',
        '  api:',
        '    environments:',
        '      production: { deploy: { template: standard } }',
        '      eu: { protected: true, deploy: {} }',
        '      prod: { signoff: { required: [{ role: leads }], separationOfDuties: false } }',
        '      staging: { deploy: {} }',
        '    checks:',
        '      - { id: up, name: Up, type: http, url: "http://127.0.0.1:9/healthz" }',
        '',
      ].join('\n'),
    );
    const second = await validate(bad);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('services.api.environments.production.deploy.deployerRole: required in a protected environment');
    expect(second.stderr).toContain('services.api.environments.eu.deploy.deployerRole: required in a protected environment');
    expect(second.stderr).toContain('services.api.environments.prod.signoff.separationOfDuties: always on in a protected environment');
    expect(second.stderr).not.toContain('environments.staging');
  });

  it('accepts the shipped example with its freshness, plan expiry and separation of duties', async () => {
    const { code, stdout } = await validate(join(projectRoot, 'examples', 'readiness.yaml'));
    expect(code).toBe(0);
    expect(stdout).toContain('is valid');
  });
});
