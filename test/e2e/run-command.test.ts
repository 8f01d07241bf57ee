import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackText, startTestStack, USER, type TestStack } from '../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack.closeAll();
});

const blocksText = (blocks: unknown) => JSON.stringify(blocks);

describe('/readiness run, end to end through the Slack stand-in', () => {
  it('acks at once, runs the checks in a worker, and updates the same message with the verdict', async () => {
    const ack = await stack.run('run example-api staging');
    expect(ack.status).toBe(200);
    expect(ack.latencyMs).toBeLessThan(3000); // Slack's protocol limit, not a performance target
    expect(ack.json).toMatchObject({ response_type: 'ephemeral' });
    expect(ackText(ack)).toContain('Assessing *example-api* in *staging*');

    const { assessment, message } = await stack.finished(ack.triggerId);
    expect(assessment).toMatchObject({ status: 'COMPLETED', verdict: 'GO', score: 100, requestedBy: USER, service: 'example-api' });
    expect(assessment.checks.map((check) => [check.checkId, check.status]).sort()).toEqual([
      ['docs', 'PASS'],
      ['health', 'PASS'],
    ]);
    expect(message.text).toBe('Readiness example-api → staging: GO');
    expect(blocksText(message.blocks)).toContain('*GO*');
    expect(message.updates).toBeGreaterThan(0);

    const posts = stack.standIn.callsTo('chat.postMessage').filter((call) => call.response.ts === assessment.messageTs);
    expect(posts).toHaveLength(1);
    const audit = await stack.runtime.db.auditEvent.findMany({ where: { subjectId: assessment.id }, orderBy: { seq: 'asc' } });
    expect(audit.map((event) => [event.action, event.actor])).toEqual([
      ['assessment.requested', USER],
      ['assessment.completed', 'system'],
    ]);
  });

  it('shows a failing check and NO-GO when the target service is down', async () => {
    stack.target.setHealthy(false);
    try {
      const ack = await stack.run('run example-api staging');
      const { assessment, message } = await stack.finished(ack.triggerId);
      expect(assessment.verdict).toBe('NO_GO');
      const health = assessment.checks.find((check) => check.checkId === 'health');
      expect(health?.status).toBe('FAIL');
      expect(health?.message).toMatch(/answered 503, expected 200/);
      expect(message.text).toBe('Readiness example-api → staging: NO-GO');
      expect(blocksText(message.blocks)).toContain('Blockers');
      expect(blocksText(message.blocks)).toContain('answered 503');
    } finally {
      stack.target.setHealthy(true);
    }
  });

  it('reports an unreachable target as a failed check, not a crash', async () => {
    const ack = await stack.run('run checkout staging');
    const { assessment, message } = await stack.finished(ack.triggerId);
    expect(assessment.checks[0]).toMatchObject({ status: 'FAIL' });
    expect(assessment.checks[0]?.message).toMatch(/not reachable \(ECONNREFUSED\)/);
    expect(message.text).toContain('NO-GO');
  });
});

describe('requests Slack did not sign', () => {
  const countAssessments = () => stack.runtime.db.assessment.count();

  it.each([
    ['a forged signature', { signature: 'v0=0000000000000000000000000000000000000000000000000000000000000000' }],
    ['no signature', { signature: null }],
    ['a timestamp older than 5 minutes', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
  ])('%s gets 401 and starts nothing', async (_, tamper) => {
    const before = await countAssessments();
    const postsBefore = stack.standIn.callsTo('chat.postMessage').length;
    const result = await stack.standIn.sendSlashCommand(
      stack.eventsUrl,
      { text: 'run example-api staging', userId: USER, channelId: stack.channelId },
      tamper,
    );
    expect(result.status).toBe(401);
    expect(await countAssessments()).toBe(before);
    expect(stack.standIn.callsTo('chat.postMessage')).toHaveLength(postsBefore);
    expect(await stack.runtime.queues.queues.assessments.getJobCountByTypes('waiting-children', 'waiting', 'active', 'delayed')).toBe(0);
  });
});

describe('bad input gets an ephemeral explanation and starts nothing', () => {
  it.each([
    ['run', /Which service\?.*`checkout`, `example-api`/],
    ['run nope staging', /There is no service `nope`\. Services: `checkout`, `example-api`/],
    ['run example-api', /Which environment of `example-api`\? Environments: `staging`, `production`/],
    ['run example-api qa', /`example-api` has no environment `qa`\. Environments: `staging`, `production`/],
    ['run example-api staging please now', /I did not understand `please now`/],
    ['launch everything', /I do not know the subcommand `launch`/],
  ])('/readiness %s', async (text, expected) => {
    const before = await stack.runtime.db.assessment.count();
    const ack = await stack.run(text);
    expect(ack.status).toBe(200);
    expect(ack.json).toMatchObject({ response_type: 'ephemeral' });
    expect(ackText(ack)).toMatch(expected);
    expect(await stack.runtime.db.assessment.count()).toBe(before);
  });

  it('escapes what the user typed, so it cannot ping the channel or smuggle a link', async () => {
    const ack = await stack.run('run <!channel> <https://evil.example|click>');
    const text = ackText(ack);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('answers /readiness help with the usage', async () => {
    const ack = await stack.run('help');
    expect(ackText(ack)).toContain('/readiness run &lt;service&gt; &lt;environment&gt;');
  });
});
