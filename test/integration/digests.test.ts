import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { postDigest, scheduledDigestKey } from '../../src/digests/post-digest.ts';
import { chatPort } from '../../src/slack/chat-port.ts';
import { digestPublisher } from '../../src/slack/digest-publisher.ts';
import { validateBlocks, validateMessageText } from '../../src/slack/block-kit-limits.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

// Services of their own: the test database is shared with every other test file.
const run = randomUUID().slice(0, 8);
const SHOP = `shop-${run}`;
const OTHER = `other-${run}`;
const DIGEST_CHANNEL = 'C0DIGEST';
const SLOT = new Date('2026-11-20T09:00:00Z');
const inPeriod = (hours: number) => new Date(SLOT.getTime() - hours * 3600_000);

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          services: Object.fromEntries(
            [SHOP, OTHER].map((name) => [
              name,
              {
                environments: { production: { vars: { baseUrl } }, staging: { vars: { baseUrl } } },
                checks: [{ id: 'health', name: 'Health', type: 'http', url: '{{baseUrl}}/healthz' }],
              },
            ]),
          ),
          digests: { daily: { title: 'Shop daily', channel: DIGEST_CHANNEL, schedule: '0 9 * * *', services: [SHOP] } },
        },
        'digest test config',
      ),
    standIn: { channels: ['C0DEMO', DIGEST_CHANNEL] },
  });
  await seed();
});
afterAll(async () => {
  await stack?.closeAll();
});

async function assessmentRow(service: string, environment: string, verdict: string, score: number, completedAt: Date, failing: string[] = []) {
  const { db } = stack.runtime;
  const row = await db.assessment.create({
    data: {
      service,
      environment,
      status: 'COMPLETED',
      requestKey: randomUUID(),
      requestedBy: 'U0TEST',
      channelId: 'C0DEMO',
      verdict,
      score,
      createdAt: completedAt,
      completedAt,
    },
  });
  for (const checkId of ['health', 'latency']) {
    await db.checkResult.create({
      data: {
        assessmentId: row.id,
        checkId,
        name: checkId,
        type: 'http',
        category: 'performance',
        severity: 'high',
        spec: {},
        status: failing.includes(checkId) ? 'FAIL' : 'PASS',
        finishedAt: completedAt,
      },
    });
  }
  return row;
}

async function seed() {
  const { db } = stack.runtime;
  await assessmentRow(SHOP, 'production', 'GO_WITH_CAUTION', 88, new Date(SLOT.getTime() - 3 * 86_400_000));
  await assessmentRow(SHOP, 'production', 'GO', 97, inPeriod(20), []);
  await assessmentRow(SHOP, 'staging', 'NO_GO', 45, inPeriod(10), ['latency']);
  await assessmentRow(SHOP, 'staging', 'NO_GO', 40, inPeriod(5), ['latency']);
  await assessmentRow(OTHER, 'production', 'NO_GO', 10, inPeriod(5), ['health', 'latency']);
  await assessmentRow(SHOP, 'production', 'GO', 99, new Date(SLOT.getTime() + 3600_000));
  const deployment = (service: string, status: 'SUCCEEDED' | 'ROLLED_BACK', finishedAt: Date) =>
    db.deployment.create({
      data: {
        requestKey: randomUUID(),
        service,
        environment: 'production',
        template: 'standard',
        version: 'v2.0.0',
        status,
        requestedBy: 'U0TEST',
        channelId: 'C0DEMO',
        assessmentId: randomUUID(),
        plan: {},
        createdAt: inPeriod(8),
        planExpiresAt: inPeriod(8),
        finishedAt,
      },
    });
  await deployment(SHOP, 'SUCCEEDED', inPeriod(7));
  await deployment(SHOP, 'ROLLED_BACK', inPeriod(3));
  await deployment(OTHER, 'ROLLED_BACK', inPeriod(3));
  await db.incident.create({
    data: {
      // Resolved: the test database is shared, and other tests list every open incident.
      requestKey: randomUUID(),
      title: 'Shop checkout errors',
      severity: 'SEV2',
      status: 'RESOLVED',
      kind: 'manual',
      service: SHOP,
      environment: 'production',
      openedBy: 'U0TEST',
      channelId: 'C0DEMO',
      policy: {},
      createdAt: inPeriod(2),
      resolvedAt: inPeriod(1),
      timeToAcknowledgeSeconds: 180,
      timeToResolveSeconds: 3600,
    },
  });
}

const digestDeps = () => ({
  config: stack.runtime.settings.config,
  digests: stack.runtime.digests,
  publisher: digestPublisher(chatPort(stack.runtime.slack)),
  now: () => SLOT,
});

describe('digests on real Postgres', () => {
  it('reads the period of the covered services only, with the last assessment before it', async () => {
    const data = await stack.runtime.digests.loadDigestData([SHOP], { from: inPeriod(24), to: SLOT }, SLOT);
    expect(data.assessments.map((a) => `${a.environment}:${a.verdict}:${a.score}`)).toEqual([
      'production:GO:97',
      'staging:NO_GO:45',
      'staging:NO_GO:40',
    ]);
    expect(data.before.map((a) => `${a.service}/${a.environment}:${a.score}`)).toEqual([`${SHOP}/production:88`]);
    expect(data.checkFailures).toEqual([{ service: SHOP, environment: 'staging', checkId: 'latency', name: 'latency', failures: 2, runs: 2 }]);
    expect(data.deployments.map((d) => d.status).sort()).toEqual(['ROLLED_BACK', 'SUCCEEDED']);
    expect(data.incidentsOpened.filter((i) => i.service === SHOP).map((i) => i.title)).toEqual(['Shop checkout errors']);
  });

  it('posts a scheduled slot into the digest channel once, however often its job runs', async () => {
    const key = scheduledDigestKey('daily', SLOT);
    const before = stack.standIn.callsTo('chat.postMessage').length;
    const results = await Promise.all([1, 2, 3].map(() => postDigest(digestDeps(), { digest: 'daily', slot: SLOT, requestedBy: 'system', key })));
    expect(results.filter((r) => r.ok && r.posted)).toHaveLength(1);
    expect(results.filter((r) => r.ok && !r.posted)).toHaveLength(2);
    const posts = stack.standIn.callsTo('chat.postMessage').slice(before);
    expect(posts).toHaveLength(1);

    const runRow = await stack.runtime.digests.findRun(key);
    const message = stack.standIn.message(DIGEST_CHANNEL, runRow?.messageTs ?? '');
    expect(message?.text).toBe('Shop daily: 3 assessments, 2 deployments, 1 incident — 2 items need attention');
    expect(validateBlocks(message?.blocks, 'message')).toEqual([]);
    expect(validateMessageText(message?.text, message?.blocks)).toEqual([]);
    const shown = JSON.stringify(message?.blocks);
    expect(shown).toContain(`*${SHOP} → staging* is *NO-GO*, score 40.0`);
    expect(shown).toContain(`*${SHOP} → production* — GO 97.0 (▲ 9.0)`);
    expect(shown).toContain('change failure rate 50%');
    expect(shown).toContain('*Incidents:* 1 opened, 0 open now · median time to acknowledge 3m 0s, to resolve 1h 0m');
    expect(shown).toContain('`latency` latency — did not pass 2 of 2 times');
    expect(shown).not.toContain(OTHER);

    expect(runRow).toMatchObject({ status: 'POSTED', channelId: DIGEST_CHANNEL, requestedBy: 'system', messageTs: message?.ts });
    expect(runRow?.periodFrom).toEqual(inPeriod(24));
    const audit = await stack.runtime.db.auditEvent.findMany({ where: { action: 'digest.posted', dedupeKey: `digest.posted:${key}` } });
    expect(audit).toHaveLength(1);
  });

  it('a digest job runs through the worker and a second enqueue of the same slot adds nothing', async () => {
    const slot = new Date('2026-11-21T09:00:00Z');
    const key = scheduledDigestKey('daily', slot);
    const job = { digest: 'daily', slot: slot.toISOString(), key, requestedBy: 'system' };
    await stack.runtime.queues.digestScheduler.enqueueDigest(job);
    await stack.runtime.queues.digestScheduler.enqueueDigest(job);
    const run = await until(async () => {
      const row = await stack.runtime.digests.findRun(key);
      return row?.status === 'POSTED' ? row : undefined;
    });
    expect(stack.standIn.messages(DIGEST_CHANNEL).filter((m) => m.ts === run.messageTs)).toHaveLength(1);
    const jobs = await stack.runtime.queues.queues.digests.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed']);
    expect(jobs.filter((j) => j.data.key === key)).toHaveLength(1);
  });

  it('a job for a digest readiness.yaml no longer defines posts nothing', async () => {
    const result = await postDigest(digestDeps(), { digest: 'gone', slot: SLOT, requestedBy: 'system', key: scheduledDigestKey('gone', SLOT) });
    expect(result).toEqual({ ok: false, reason: 'unknown_digest', known: ['daily'] });
  });
});
