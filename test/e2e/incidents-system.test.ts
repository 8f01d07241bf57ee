import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { openSystemIncident, type SystemIncidentInput } from '../../src/incidents/open-system-incident.ts';
import { validateBlocks } from '../../src/slack/block-kit-limits.ts';
import { ids } from '../../src/slack/ids.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { startTestStack, until, USER, type TestStack } from '../support/test-stack.ts';

const INCIDENTS = 'C0INCIDENTS';
const DEPLOYS = 'C0DEPLOYS';
const ONCALL = 'U0ONCALL';
const APPROVER = 'U0APPROVER';
const SECOND_APPROVER = 'U0APPROVER2';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: { 'on-call': { users: [ONCALL] } },
          incidents: { channel: INCIDENTS, runbooks: { 'high-error-rate': 'https://runbooks.example.com/errors' } },
          services: {
            // Its own service name: other test files share the database, and their assessments must not be "previous".
            'regress-api': {
              environments: { production: { vars: { baseUrl } } },
              checks: [
                { id: 'health', name: 'Health endpoint answers', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz', timeoutMs: 2000 },
                { id: 'docs', name: 'Docs are published', type: 'http', severity: 'low', url: '{{baseUrl}}/docs', timeoutMs: 2000 },
              ],
            },
          },
        },
        'system incidents e2e config',
      ),
    checkRegressionIncidents: true,
    standIn: {
      channels: ['C0DEMO', INCIDENTS, DEPLOYS],
      users: {
        [USER]: { name: 'deployer' },
        [ONCALL]: { name: 'oncall' },
        [APPROVER]: { name: 'approver' },
        [SECOND_APPROVER]: { name: 'approver2' },
      },
    },
  });
});
afterAll(async () => {
  await stack.closeAll();
});

const text = (message: StoredMessage | undefined) => `${message?.text ?? ''}\n${JSON.stringify(message?.blocks ?? [])}`;
const repliesIn = (channel: string, ts: string) => stack.standIn.messages(channel).filter((message) => message.threadTs === ts);

/** A deployment's thread as issue 5 will make it: the assessment, the sign-offs and the deployment. */
async function deploymentThread(service: string): Promise<{ channel: string; ts: string }> {
  const root = await stack.runtime.slack.chat.postMessage({ channel: DEPLOYS, text: `Deploying ${service} v2.3.1 to production` });
  for (const line of ['Assessment: GO', `Signed off by <@${APPROVER}> and <@${SECOND_APPROVER}>`, 'Phase 1 of 3: 10% of traffic']) {
    await stack.runtime.slack.chat.postMessage({ channel: DEPLOYS, thread_ts: root.ts as string, text: line });
  }
  return { channel: DEPLOYS, ts: root.ts as string };
}

const alertOf = (incidentId: string) =>
  until(async () => {
    const row = await stack.runtime.db.incident.findUnique({ where: { id: incidentId } });
    return row?.messageTs ? stack.standIn.message(INCIDENTS, row.messageTs) : undefined;
  });

describe('an incident the bot opens from a rollback', () => {
  it('lives in the deployment thread too: opened with the failing metric, approvers as stakeholders, and every step of the timeline', async () => {
    // Services of their own: the database is shared with other test files, and open incidents of the same service and cause merge.
    const service = `checkout-${randomUUID().slice(0, 8)}`;
    const thread = await deploymentThread(service);
    const deploymentId = randomUUID();
    const report: SystemIncidentInput = {
      service,
      environment: 'production',
      cause: 'rollback',
      severity: 'SEV2',
      summary: 'Rolled back v2.3.1: the 5xx ratio breached its SLO in phase 1',
      evidence: { metric: 'http_5xx_ratio', value: 0.083, threshold: 0.01, phase: '1 of 3' },
      kind: 'high-error-rate',
      thread,
      stakeholders: [APPROVER, SECOND_APPROVER],
      occurrenceKey: `deployment_${deploymentId}_rollback`,
    };
    const opened = await openSystemIncident(stack.runtime.incidents, report);
    expect(opened).toMatchObject({ ok: true, outcome: 'opened' });
    if (!opened.ok) return;
    const { incident } = opened;
    expect(incident).toMatchObject({ openedBy: 'system', cause: 'rollback', stakeholders: [APPROVER, SECOND_APPROVER], threads: [thread] });

    // The alert: who/what opened it, the runbook for the kind, the metric, the stakeholders.
    const alert = await alertOf(incident.id);
    expect(validateBlocks(alert.blocks, 'message')).toEqual([]);
    const shown = text(alert);
    expect(shown).toContain('Readiness, after a rollback');
    expect(shown).toContain('https://runbooks.example.com/errors');
    expect(shown).toContain('http_5xx_ratio');
    expect(shown).toContain(`Stakeholders: <@${APPROVER}>, <@${SECOND_APPROVER}>`);

    // The deployment thread: what happened, the evidence, the approvers, then the page.
    const openedPost = await stack.standIn.waitFor(() => repliesIn(DEPLOYS, thread.ts).find((reply) => reply.text?.includes('*Incident opened*')));
    expect(openedPost.text).toContain('0.083');
    expect(openedPost.text).toContain(`cc <@${APPROVER}> <@${SECOND_APPROVER}>`);
    expect(openedPost.text).toContain(`<#${INCIDENTS}>`);
    await stack.standIn.waitFor(() => repliesIn(DEPLOYS, thread.ts).find((reply) => reply.text?.includes(`Paging level 1 of 2: <@${ONCALL}>`)));

    // The same report again (a redelivered job): nothing new.
    const again = await openSystemIncident(stack.runtime.incidents, report);
    expect(again).toMatchObject({ ok: true, outcome: 'duplicate' });
    expect(await stack.runtime.db.incident.count({ where: { mergeKey: `${service}|production|rollback` } })).toBe(1);

    // Acknowledge and resolve from the alert: both reach the deployment thread, with the review.
    await stack.standIn.clickButton(stack.eventsUrl, { channel: INCIDENTS, ts: alert.ts, actionId: ids.incident.acknowledge, userId: ONCALL });
    await stack.standIn.waitFor(() => repliesIn(DEPLOYS, thread.ts).find((reply) => reply.text?.includes(`Acknowledged by <@${ONCALL}>`)));
    await stack.standIn.clickButton(stack.eventsUrl, { channel: INCIDENTS, ts: alert.ts, actionId: ids.incident.resolve, userId: ONCALL });
    const modal = await stack.standIn.waitFor(() => stack.standIn.openedViews().find((view) => view.view.private_metadata === incident.id));
    await stack.standIn.submitView(stack.eventsUrl, {
      viewId: modal.id,
      userId: ONCALL,
      values: { [ids.incident.summaryInput]: 'v2.3.0 is back; the bad query is reverted' },
    });
    await stack.standIn.waitFor(() => repliesIn(DEPLOYS, thread.ts).find((reply) => reply.text?.includes('Resolved by')));
    const review = await stack.standIn.waitFor(() => repliesIn(DEPLOYS, thread.ts).find((reply) => reply.text?.startsWith('Post-incident review')));
    expect(text(review)).toContain('Detected by Readiness after a rollback');
    // The thread tells the story in order.
    const story = repliesIn(DEPLOYS, thread.ts).map((reply) => reply.text ?? '');
    const order = ['*Incident opened*', 'Paging level 1', 'Acknowledged by', 'Resolved by', 'Post-incident review'].map((marker) =>
      story.findIndex((line) => line.includes(marker)),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.every((at) => at >= 0)).toBe(true);
  });
});

describe('duplicates merge while the incident is open', () => {
  it('concurrent reports of the same service, environment and cause make one incident; a more severe one raises it; after resolve a new one opens', async () => {
    const service = `billing-${randomUUID().slice(0, 8)}`;
    const report = (n: number, severity: 'SEV2' | 'SEV1' = 'SEV2'): SystemIncidentInput => ({
      service,
      environment: 'production',
      cause: 'deployment-failed',
      severity,
      summary: `deployment ${n} failed: migration timed out`,
      evidence: { attempt: n },
      occurrenceKey: `merge-test_${n}_${randomUUID()}`,
      originChannel: INCIDENTS,
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => openSystemIncident(stack.runtime.incidents, report(n))));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(results.filter((result) => result.ok && result.outcome === 'opened')).toHaveLength(1);
    expect(results.filter((result) => result.ok && result.outcome === 'merged')).toHaveLength(4);
    const rows = await stack.runtime.db.incident.findMany({ where: { service, cause: 'deployment-failed' } });
    expect(rows).toHaveLength(1);
    const incident = rows[0];
    if (!incident) return;
    expect(incident.occurrences).toBe(5);

    const alert = await alertOf(incident.id);
    await stack.standIn.waitFor(() => repliesIn(INCIDENTS, alert.ts).filter((reply) => reply.text?.includes('Reported again')).length === 4);
    expect(
      stack.standIn.messages(INCIDENTS).filter((message) => message.threadTs === undefined && message.text?.includes(`INC-${incident.number}:`)),
    ).toHaveLength(1);
    await stack.standIn.waitFor(() => text(stack.standIn.message(INCIDENTS, alert.ts)).includes('Reported 5 times'));

    // The same service and cause in another environment is another problem.
    const staging = await openSystemIncident(stack.runtime.incidents, { ...report(8), environment: 'staging' });
    expect(staging).toMatchObject({ ok: true, outcome: 'opened', incident: { environment: 'staging' } });

    // A more severe report of the same problem raises the incident.
    const worse = await openSystemIncident(stack.runtime.incidents, report(6, 'SEV1'));
    expect(worse).toMatchObject({ ok: true, outcome: 'merged', incident: { severity: 'SEV1', occurrences: 6 } });
    await stack.standIn.waitFor(() =>
      repliesIn(INCIDENTS, alert.ts).find((reply) => reply.text?.includes('Severity raised from SEV2 to SEV1 by Readiness')),
    );

    // Resolved: the next report is a new incident.
    await stack.standIn.clickButton(stack.eventsUrl, { channel: INCIDENTS, ts: alert.ts, actionId: ids.incident.resolve, userId: ONCALL });
    const modal = await stack.standIn.waitFor(() => stack.standIn.openedViews().find((view) => view.view.private_metadata === incident.id));
    await stack.standIn.submitView(stack.eventsUrl, {
      viewId: modal.id,
      userId: ONCALL,
      values: { [ids.incident.summaryInput]: 'migration split in two' },
    });
    await until(async () => (await stack.runtime.db.incident.findUnique({ where: { id: incident.id } }))?.status === 'RESOLVED');
    const fresh = await openSystemIncident(stack.runtime.incidents, report(7));
    expect(fresh).toMatchObject({ ok: true, outcome: 'opened' });
    expect(fresh.ok && fresh.incident.id).not.toBe(incident.id);
  });

  it('refuses a report it cannot read, saying which field', async () => {
    const result = await openSystemIncident(stack.runtime.incidents, {
      service: 'Not A Slug',
      environment: 'production',
      cause: 'rollback',
      severity: 'SEV2',
      summary: 'x',
    });
    expect(result).toMatchObject({ ok: false, reason: 'invalid_input' });
    expect(!result.ok && result.reason === 'invalid_input' && result.problems.join()).toMatch(/service/);
  });
});

describe('a critical check regressing on a service that was GO', () => {
  it('opens an incident in the assessment thread with the failing check attached, once', async () => {
    const go = await stack.finished((await stack.run('run regress-api production')).triggerId);
    expect(go.assessment.verdict).toBe('GO');
    stack.target.setHealthy(false);
    try {
      const broken = await stack.finished((await stack.run('run regress-api production')).triggerId);
      expect(broken.assessment.verdict).toBe('NO_GO');
      const incident = await until(() =>
        stack.runtime.db.incident.findFirst({
          where: { service: 'regress-api', cause: 'critical-check-regression', requestKey: `system_assessment_${broken.assessment.id}` },
        }),
      );
      expect(incident).toMatchObject({ severity: 'SEV2', environment: 'production', openedBy: 'system', stakeholders: [USER] });
      expect(incident.threads).toEqual([{ channel: broken.assessment.channelId, ts: broken.assessment.messageTs }]);
      expect(JSON.stringify(incident.evidence)).toContain('answered 503');
      const inThread = await stack.standIn.waitFor(() =>
        repliesIn(broken.assessment.channelId, broken.assessment.messageTs ?? '').find((reply) => reply.text?.includes('*Incident opened*')),
      );
      expect(inThread.text).toContain('Health endpoint answers');

      // Still failing: the previous assessment was not GO, so this is no new regression.
      const still = await stack.finished((await stack.run('run regress-api production')).triggerId);
      expect(still.assessment.verdict).toBe('NO_GO');
      expect(await stack.runtime.db.incident.count({ where: { service: 'regress-api' } })).toBe(1);
    } finally {
      stack.target.setHealthy(true);
    }
  });
});
