import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import type { RecordedResponse } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { validateBlocks } from '../../src/slack/block-kit-limits.ts';
import { closedPortUrl, startTestStack, until, type TestStack } from '../support/test-stack.ts';

const REQUESTER = 'U0REQ';
const RELEASE_MANAGER = 'U0RM';

let stack: TestStack;
/** What this file's flow audited: the test database is shared with other files, whose events are theirs to check. */
const flowSubjects: string[] = [];
beforeAll(async () => {
  const down = await closedPortUrl();
  stack = await startTestStack({
    configFor: () =>
      parseReadinessConfig(
        {
          roles: { 'release-manager': { users: [RELEASE_MANAGER] } },
          services: {
            // The service is down: every assessment is NO-GO.
            vault: {
              environments: {
                production: { vars: { baseUrl: down }, signoff: { required: [{ role: 'release-manager' }], overrideRole: 'release-manager' } },
              },
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'audit trail e2e config',
      ),
    standIn: { users: Object.fromEntries([REQUESTER, RELEASE_MANAGER].map((id) => [id, { name: id.toLowerCase() }])) },
  });
});
afterAll(async () => {
  await stack?.closeAll();
});

async function answerTo(responseUrl: string): Promise<string> {
  const response: RecordedResponse = await stack.standIn.waitFor(() => stack.standIn.responses.find((candidate) => candidate.url === responseUrl));
  const blocks = response.body.blocks as { text?: { text: string }; elements?: { text: string }[] }[] | undefined;
  if (!blocks) return String(response.body.text);
  expect(validateBlocks(blocks, 'message')).toEqual([]);
  return blocks.map((block) => block.text?.text ?? block.elements?.map((element) => element.text).join(' ') ?? '').join('\n');
}

describe('the audit trail says what happened', () => {
  it('an override of a NO-GO that never asked for sign-off says so, not "was pending", with before → after', async () => {
    const run = await stack.run('run vault production', { userId: REQUESTER });
    const { assessment } = await stack.finished(run.triggerId);
    expect(assessment.verdict).toBe('NO_GO');
    expect(await stack.runtime.db.signoffRequest.count({ where: { assessmentId: assessment.id } })).toBe(0);

    const override = await stack.run(`override ${assessment.id.slice(0, 8)} Security patch must ship tonight`, { userId: RELEASE_MANAGER });
    await answerTo(override.responseUrl);
    const request = await until(async () => {
      const row = await stack.runtime.db.signoffRequest.findUnique({ where: { assessmentId: assessment.id } });
      return row?.status === 'OVERRIDDEN' ? row : undefined;
    });

    flowSubjects.push(assessment.id, request.id);
    const overridden = await stack.runtime.db.auditEvent.findFirstOrThrow({ where: { subjectId: request.id, action: 'signoff.overridden' } });
    expect(overridden).toMatchObject({
      actor: RELEASE_MANAGER,
      subjectType: 'signoff_request',
      reason: 'Security patch must ship tonight',
      before: { status: null, verdict: 'NO_GO', decision: null },
      after: { status: 'OVERRIDDEN', verdict: 'NO_GO', decision: 'GO' },
    });

    const audit = await stack.run('audit vault production', { userId: REQUESTER });
    const trail = await answerTo(audit.responseUrl);
    const lines = trail.split('\n').filter((line) => line.startsWith('`20'));
    expect(lines[0]).toContain(
      '<@U0RM> :rotating_light: overrode to GO (was NO-GO; no sign-off had been requested) (sign-off of `' +
        assessment.id.slice(0, 8) +
        '`) · status – → OVERRIDDEN, decision – → GO — “Security patch must ship tonight”',
    );
    expect(trail).not.toContain('was pending');
    // Every line of the trail names what changed, not only the override.
    expect(lines.find((line) => line.includes('assessment completed'))).toMatch(/status (QUEUED|RUNNING) → COMPLETED, verdict – → NO-GO/);
    expect(lines.find((line) => line.includes('requested an assessment'))).toContain('status – → QUEUED');
  });

  it('records actor, action, subject, before and after on every event this flow wrote', async () => {
    const events = await stack.runtime.db.auditEvent.findMany({ where: { subjectId: { in: flowSubjects } } });
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (const event of events) {
      expect(event.actor).toMatch(/^(U[0-9A-Z]+|system)$/);
      expect(event.subjectId).not.toBe('');
      expect(event.after).not.toBeNull();
    }
  });
});
