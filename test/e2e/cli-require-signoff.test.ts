import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseReadinessYaml } from '../../src/config/readiness-config.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { ids } from '../../src/slack/ids.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';
import { runCli } from '../support/cli.ts';

// `readiness assess --require-signoff`: the CI gate also requires the sign-off people gave in Slack, read from
// the bot's own database, for the newest completed assessment of the service and environment.

const SERVICE = 'ci-gated-api';
const REQUESTER = 'U0CIREQ';
const LEAD = 'U0CILEAD';
const OWNER = 'U0CIOWNER';
const RELEASE_MANAGER = 'U0CIRM';

const configYaml = (baseUrl: string) => `
roles:
  tech-lead: { users: [${LEAD}] }
  business-owner: { users: [${OWNER}] }
  release-manager: { users: [${RELEASE_MANAGER}] }
services:
  ${SERVICE}:
    environments:
      staging:
        vars: { baseUrl: ${baseUrl} }
        signoff:
          required:
            - { role: tech-lead }
            - { role: business-owner }
          overrideRole: release-manager
      qa:
        vars: { baseUrl: ${baseUrl} }
    checks:
      - { id: health, name: Health endpoint answers, type: http, severity: critical, url: "{{baseUrl}}/healthz", timeoutMs: 2000 }
`;

let stack: TestStack;
let dir: string;
let configPath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'readiness-require-signoff-'));
  configPath = join(dir, 'readiness.yaml');
  stack = await startTestStack({
    configFor: (baseUrl) => parseReadinessYaml(configYaml(baseUrl), 'require-signoff test config'),
    standIn: { users: Object.fromEntries([REQUESTER, LEAD, OWNER, RELEASE_MANAGER].map((id) => [id, { name: id.toLowerCase() }])) },
  });
  // The same file the bot runs with, written where the CLI reads it.
  await writeFile(configPath, configYaml(stack.target.url));
});
afterAll(async () => {
  await stack.closeAll();
  await rm(dir, { recursive: true, force: true });
});

const cli = runCli;

const gate = (environment: string, ...extra: string[]) =>
  cli(
    { DATABASE_URL: inject('databaseUrl') },
    'assess',
    '--service',
    SERVICE,
    '--env',
    environment,
    '--config',
    configPath,
    '--require-signoff',
    ...extra,
  );

const text = (message: StoredMessage | undefined) => JSON.stringify(message?.blocks ?? []) + (message?.text ?? '');

async function assessInSlack(): Promise<{ assessmentId: string; assessmentTs: string }> {
  const ack = await stack.run(`run ${SERVICE} staging`, { userId: REQUESTER });
  const { assessment } = await stack.finished(ack.triggerId);
  return { assessmentId: assessment.id, assessmentTs: assessment.messageTs ?? '' };
}

async function requestSignoff(assessment: { assessmentId: string; assessmentTs: string }) {
  await stack.standIn.waitFor(() => text(stack.standIn.message(stack.channelId, assessment.assessmentTs)).includes(ids.actions.requestSignoff));
  await stack.standIn.clickButton(stack.eventsUrl, {
    channel: stack.channelId,
    ts: assessment.assessmentTs,
    actionId: ids.actions.requestSignoff,
    userId: REQUESTER,
  });
  const request = await until(() => stack.runtime.db.signoffRequest.findUnique({ where: { assessmentId: assessment.assessmentId } }));
  const signoffTs = await until(async () => (await stack.runtime.db.signoffRequest.findUnique({ where: { id: request.id } }))?.messageTs);
  return { requestId: request.id, signoffTs };
}

describe('readiness assess --require-signoff', () => {
  it('refuses without DATABASE_URL, and where readiness.yaml asks for no sign-off (exit 2, before running any check)', async () => {
    const withoutDb = await cli({}, 'assess', '--service', SERVICE, '--env', 'staging', '--config', configPath, '--require-signoff');
    expect(withoutDb.code).toBe(2);
    expect(withoutDb.stderr).toContain('--require-signoff reads the sign-offs Slack recorded: set DATABASE_URL');
    expect(withoutDb.stdout).toBe('');

    const noPolicy = await gate('qa');
    expect(noPolicy.code).toBe(2);
    expect(noPolicy.stderr).toContain(`readiness.yaml asks for no sign-off in ${SERVICE}'s environment qa`);
    expect(noPolicy.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 5, "could not assess", when the database behind the sign-offs does not answer: our failure is no NO-GO', async () => {
    const unreachable = await cli(
      { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/readiness' },
      'assess',
      '--service',
      SERVICE,
      '--env',
      'staging',
      '--config',
      configPath,
      '--require-signoff',
    );
    expect(unreachable.code).toBe(5);
    expect(unreachable.stderr).toContain('could not assess (no verdict)');
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);
  });

  it('holds the pipeline (exit 4) until Slack has the sign-offs of the newest assessment, then passes (exit 0)', async () => {
    const before = await gate('staging');
    expect(before.code).toBe(4);
    expect(before.stderr).toContain(`sign-off missing: the database has no completed assessment of ${SERVICE} in staging`);
    expect(before.stdout).toContain('Readiness of ci-gated-api in staging: GO');

    const first = await assessInSlack();
    const unrequested = await gate('staging');
    expect(unrequested.code).toBe(4);
    expect(unrequested.stderr).toContain(
      `nobody requested sign-off for the newest completed assessment of ${SERVICE} in staging (${first.assessmentId})`,
    );

    const { requestId, signoffTs } = await requestSignoff(first);
    await stack.standIn.clickButton(stack.eventsUrl, {
      channel: stack.channelId,
      ts: signoffTs,
      actionId: ids.actions.approve,
      userId: LEAD,
      value: `${requestId}/tech-lead`,
    });
    await until(async () => (await stack.runtime.db.signoff.count({ where: { requestId } })) === 1);
    const halfway = await gate('staging', '--format', 'markdown');
    expect(halfway.code).toBe(4);
    expect(halfway.stderr).toContain('is still waiting for business-owner');
    expect(halfway.stdout).toContain('- Sign-off: ❌ sign-off missing');

    await stack.standIn.clickButton(stack.eventsUrl, {
      channel: stack.channelId,
      ts: signoffTs,
      actionId: ids.actions.approve,
      userId: OWNER,
      value: `${requestId}/business-owner`,
    });
    await until(async () => (await stack.runtime.db.signoffRequest.findUnique({ where: { id: requestId } }))?.status === 'APPROVED');
    const passed = await gate('staging', '--format', 'markdown');
    expect(passed.stderr).toBe('');
    expect(passed.code).toBe(0);
    expect(passed.stdout).toContain('# Readiness report: ci-gated-api → staging');
    expect(passed.stdout).toContain(`- Sign-off: ✅ signed off: assessment ${first.assessmentId} of ${SERVICE} in staging was approved by`);
    expect(passed.stdout).toMatch(
      new RegExp(`${LEAD} \\(tech-lead\\).*${OWNER} \\(business-owner\\)|${OWNER} \\(business-owner\\).*${LEAD} \\(tech-lead\\)`),
    );

    const json = await gate('staging', '--json');
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { signoff: unknown }).signoff).toEqual({ ok: true, message: expect.stringContaining('signed off') });

    // A newer assessment replaces the one that was signed off: its own sign-off is what counts now.
    const second = await assessInSlack();
    const superseded = await gate('staging');
    expect(superseded.code).toBe(4);
    expect(superseded.stderr).toContain(`(${second.assessmentId})`);
    expect(superseded.stdout).toMatch(/Sign-off: sign-off missing: nobody requested sign-off/);

    // The override role may stand in for the sign-offs, with a justification: that counts too, and says who.
    await stack.run(`override ${second.assessmentId.slice(0, 8)} Hotfix for incident 42 must ship tonight`, { userId: RELEASE_MANAGER });
    await until(
      async () => (await stack.runtime.db.signoffRequest.findUnique({ where: { assessmentId: second.assessmentId } }))?.status === 'OVERRIDDEN',
    );
    const overridden = await gate('staging');
    expect(overridden.code).toBe(0);
    expect(overridden.stdout).toContain(
      `Sign-off: signed off: assessment ${second.assessmentId} of ${SERVICE} in staging was overridden by ${RELEASE_MANAGER}, GO`,
    );
    // Seven CLI processes (each a fresh Node start, a config load and a database connection) and two assessments
    // in Slack: about 10 s on a quiet 2-core machine and over 60 s at a load average of 10, so the 30 s default
    // bounds the wrong thing here. Nothing in it waits on a timer; this only bounds a hang.
  }, 180_000);

  it('exits 1 on a NO-GO whatever the sign-off says', async () => {
    stack.target.setHealthy(false);
    try {
      const result = await gate('staging');
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('NO-GO');
    } finally {
      stack.target.setHealthy(true);
    }
  });
});
