import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { ids } from '../../src/slack/ids.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

const RELEASE_MANAGER = 'U0RELMGR';
const GROUP_MEMBER = 'U0GROUPRM';
const OUTSIDER = 'U0OUTSIDER';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: { 'release-manager': { users: [RELEASE_MANAGER], usergroups: ['S0RELMGRS'] } },
          services: {
            billing: {
              environments: { staging: { vars: { baseUrl } }, production: { vars: { baseUrl } } },
              checks: [
                { id: 'health', name: 'Health endpoint answers', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' },
                {
                  id: 'runbook',
                  name: 'Runbook reviewed',
                  type: 'manual',
                  severity: 'critical',
                  category: 'documentation',
                  role: 'release-manager',
                  instructions: 'Read the on-call runbook <!channel> and confirm it matches this release.',
                  validFor: '2h',
                },
                {
                  id: 'prod-only-docs',
                  name: 'Public docs published',
                  type: 'http',
                  severity: 'high',
                  url: '{{baseUrl}}/docs',
                  environments: ['production'],
                },
              ],
            },
          },
        },
        'manual test config',
      ),
    standIn: {
      users: { [RELEASE_MANAGER]: { name: 'rel.mgr' }, [GROUP_MEMBER]: { name: 'group.rm' }, [OUTSIDER]: { name: 'outsider' } },
      usergroups: { S0RELMGRS: [GROUP_MEMBER] },
    },
  });
});
afterAll(async () => {
  await stack.closeAll();
});

const blocksText = (blocks: unknown) => JSON.stringify(blocks);

async function finishedRun(environment: string) {
  const ack = await stack.run(`run billing ${environment}`);
  return stack.finished(ack.triggerId);
}

function click(messageTs: string, userId: string) {
  return stack.standIn.clickButton(stack.eventsUrl, { channel: stack.channelId, ts: messageTs, actionId: ids.actions.attestCheck, userId });
}

const ephemeralsTo = (responseUrl: string) => stack.standIn.responses.filter((response) => response.url === responseUrl);

describe('manual checks and environment-specific checks', () => {
  let assessmentId = '';
  let messageTs = '';

  it('waits for attestation: a critical manual check keeps the verdict at NO-GO and offers an Attest button', async () => {
    const { assessment, message } = await finishedRun('staging');
    assessmentId = assessment.id;
    messageTs = assessment.messageTs ?? '';
    const byId = Object.fromEntries(assessment.checks.map((check) => [check.checkId, check]));
    expect(byId.health?.status).toBe('PASS');
    expect(byId.runbook?.status).toBe('PENDING');
    expect(byId.runbook?.message).toBe('waiting for a member of the release-manager role to attest it');
    expect(byId['prod-only-docs']).toMatchObject({ status: 'SKIPPED', message: 'not checked in staging (runs in production)' });
    expect(assessment.verdict).toBe('NO_GO');
    const shown = blocksText(message.blocks);
    expect(shown).toContain('needs a member of *release-manager* to attest it');
    expect(shown).toContain('&lt;!channel&gt;');
    expect(shown).not.toContain('<!channel>');
    expect(shown).toContain('1 check skipped in this environment');
  });

  it('refuses someone outside the role, ephemerally, naming who can attest', async () => {
    const result = await click(messageTs, OUTSIDER);
    expect(result.status).toBe(200);
    const answer = await stack.standIn.waitFor(() => ephemeralsTo(result.responseUrl)[0]);
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(answer.body.text)).toContain('Only members of the *release-manager* role may attest *Runbook reviewed*');
    expect(String(answer.body.text)).toContain(`<@${RELEASE_MANAGER}>, <!subteam^S0RELMGRS>`);
    expect((await stack.runtime.assessments.find(assessmentId))?.checks.find((check) => check.checkId === 'runbook')?.status).toBe('PENDING');
  });

  it('a usergroup member attests once, even when the click is doubled and Slack redelivers it; the verdict becomes GO', async () => {
    const first = await click(messageTs, GROUP_MEMBER);
    await Promise.all([
      click(messageTs, GROUP_MEMBER),
      stack.standIn.sendInteraction(stack.eventsUrl, first.payload),
      click(messageTs, RELEASE_MANAGER),
    ]);
    const view = await until(async () => {
      const current = await stack.runtime.assessments.find(assessmentId);
      return current?.verdict === 'GO' ? current : undefined;
    });
    const runbook = view.checks.find((check) => check.checkId === 'runbook');
    expect(runbook?.status).toBe('PASS');
    expect(runbook?.evidence).toMatchObject({ attestedBy: GROUP_MEMBER, role: 'release-manager' });
    const expiresAt = Date.parse(String(runbook?.evidence?.expiresAt));
    const attestedAt = Date.parse(String(runbook?.evidence?.attestedAt));
    expect(expiresAt - attestedAt).toBe(2 * 3_600_000);

    expect(await stack.runtime.db.attestation.count({ where: { assessmentId } })).toBe(1);
    const audit = await stack.runtime.db.auditEvent.findMany({ where: { subjectId: assessmentId }, orderBy: { seq: 'asc' } });
    expect(audit.map((event) => [event.action, event.actor])).toEqual([
      ['assessment.requested', expect.any(String)],
      ['assessment.completed', 'system'],
      ['check.attested', GROUP_MEMBER],
      ['assessment.rescored', 'system'],
    ]);
    const message = await stack.standIn.waitFor(() => {
      const current = stack.standIn.message(stack.channelId, messageTs);
      return current?.text?.endsWith(': GO') ? current : undefined;
    });
    expect(blocksText(message.blocks)).toContain(`attested by <@${GROUP_MEMBER}>`);
    expect(blocksText(message.blocks)).not.toContain(ids.actions.attestCheck);
  });

  it('tells a late clicker who attested first', async () => {
    const late = stack.standIn.responses.filter((response) => String(response.body.text).includes('already attested'));
    expect(late.length).toBeGreaterThanOrEqual(1);
    expect(String(late[0]?.body.text)).toContain(`by <@${GROUP_MEMBER}>`);
  });

  it('carries a valid attestation into the next assessment of the same service and environment', async () => {
    const { assessment, message } = await finishedRun('staging');
    const runbook = assessment.checks.find((check) => check.checkId === 'runbook');
    expect(runbook?.status).toBe('PASS');
    expect(runbook?.evidence).toMatchObject({ attestedBy: GROUP_MEMBER, carriedFromAssessment: assessmentId });
    expect(assessment.verdict).toBe('GO');
    expect(blocksText(message.blocks)).toContain('(carried over)');
  });

  it('does not carry it to another environment, and runs the environment-specific check there', async () => {
    const { assessment } = await finishedRun('production');
    const byId = Object.fromEntries(assessment.checks.map((check) => [check.checkId, check.status]));
    expect(byId).toEqual({ health: 'PASS', runbook: 'PENDING', 'prod-only-docs': 'PASS' });
  });

  it('does not carry an expired attestation: the check is PENDING again, its button is back and the verdict is NO-GO', async () => {
    // The attestation's validFor (2h) has run out: its row says it expired a minute ago.
    const expired = await stack.runtime.db.attestation.updateMany({
      where: { service: 'billing', environment: 'staging', checkId: 'runbook' },
      data: { expiresAt: new Date(Date.now() - 60_000) },
    });
    expect(expired.count).toBe(1);
    const { assessment, message } = await finishedRun('staging');
    const runbook = assessment.checks.find((check) => check.checkId === 'runbook');
    expect(runbook).toMatchObject({ status: 'PENDING', message: 'waiting for a member of the release-manager role to attest it' });
    expect(runbook?.evidence ?? {}).not.toHaveProperty('carriedFromAssessment');
    expect(assessment.checks.find((check) => check.checkId === 'health')?.status).toBe('PASS');
    expect(assessment.verdict).toBe('NO_GO');
    const shown = blocksText(message.blocks);
    expect(shown).toContain(ids.actions.attestCheck);
    expect(shown).not.toContain('(carried over)');
  });
});
