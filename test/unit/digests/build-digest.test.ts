import { describe, expect, it } from 'vitest';
import { buildDigest, median } from '../../../src/digests/build-digest.ts';
import { assessment, at, deployment, emptyData, incident, scope, TO } from './fixtures.ts';

describe('buildDigest totals', () => {
  it('counts verdicts of the period, the assessments that could not finish and those that could not be assessed, apart', () => {
    const digest = buildDigest(
      scope(),
      emptyData({
        assessments: [
          assessment({ verdict: 'GO' }),
          assessment({ verdict: 'GO_WITH_CAUTION', score: 85 }),
          assessment({ environment: 'staging', verdict: 'NO_GO', score: 40 }),
          assessment({ status: 'FAILED', verdict: null, score: null }),
          assessment({ status: 'UNASSESSABLE', verdict: null, score: null }),
          assessment({ status: 'UNASSESSABLE', verdict: null, score: null }),
        ],
      }),
    );
    expect(digest.totals.assessments).toBe(3);
    expect(digest.totals.verdicts).toEqual({ GO: 1, GO_WITH_CAUTION: 1, NO_GO: 1 });
    expect(digest.totals.unfinished).toBe(1);
    expect(digest.totals.unassessable).toBe(2);
  });

  it('computes the change failure rate over finished deployments, leaving planned and cancelled ones out', () => {
    const digest = buildDigest(
      scope(),
      emptyData({
        deployments: [
          deployment({ status: 'SUCCEEDED' }),
          deployment({ status: 'SUCCEEDED' }),
          deployment({ status: 'SUCCEEDED' }),
          deployment({ status: 'ROLLED_BACK' }),
          deployment({ status: 'RUNNING', finishedAt: null }),
          deployment({ status: 'PLANNED', finishedAt: null }),
          deployment({ status: 'CANCELLED', finishedAt: null }),
        ],
      }),
    );
    expect(digest.totals.deployments).toBe(5);
    expect(digest.totals.deploymentsSucceeded).toBe(3);
    expect(digest.totals.deploymentsFailed).toBe(1);
    expect(digest.totals.changeFailureRate).toBe(0.25);
  });

  it('has no change failure rate when no deployment finished', () => {
    expect(buildDigest(scope(), emptyData()).totals.changeFailureRate).toBeNull();
  });

  it('gives the median time to acknowledge and resolve of incidents opened in the period', () => {
    const digest = buildDigest(
      scope(),
      emptyData({
        incidentsOpened: [
          incident({ timeToAcknowledgeSeconds: 60, timeToResolveSeconds: 600, status: 'RESOLVED' }),
          incident({ timeToAcknowledgeSeconds: 300, timeToResolveSeconds: null, status: 'ACKNOWLEDGED' }),
          incident({ timeToAcknowledgeSeconds: 120, timeToResolveSeconds: 1800, status: 'RESOLVED' }),
        ],
      }),
    );
    expect(digest.totals.incidentsOpened).toBe(3);
    expect(digest.totals.medianTimeToAcknowledgeSeconds).toBe(120);
    expect(digest.totals.medianTimeToResolveSeconds).toBe(1200);
  });

  it('median of nothing is null, of an even count the mean of the middle two', () => {
    expect(median([])).toBeNull();
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('buildDigest scope', () => {
  it('leaves out rows of services and environments the digest does not cover', () => {
    const digest = buildDigest(
      scope({ targets: [{ service: 'checkout', environment: 'production' }], includeUnscopedIncidents: false }),
      emptyData({
        assessments: [assessment(), assessment({ environment: 'staging' }), assessment({ service: 'other' })],
        deployments: [deployment({ service: 'other' })],
        incidentsOpen: [
          incident(),
          incident({ service: 'other' }),
          incident({ service: null, environment: null }),
          incident({ environment: 'staging' }),
        ],
      }),
    );
    expect(digest.totals.assessments).toBe(1);
    expect(digest.totals.deployments).toBe(0);
    expect(digest.totals.incidentsOpenNow).toBe(1);
  });

  it('includes incidents that name no service only in a digest of every service', () => {
    const data = emptyData({ incidentsOpen: [incident({ service: null, environment: null })] });
    expect(buildDigest(scope({ includeUnscopedIncidents: true }), data).totals.incidentsOpenNow).toBe(1);
    expect(buildDigest(scope({ includeUnscopedIncidents: false }), data).totals.incidentsOpenNow).toBe(0);
  });

  it('an incident of a service with no environment concerns every covered environment of it', () => {
    const digest = buildDigest(scope(), emptyData({ incidentsOpen: [incident({ environment: null })] }));
    expect(digest.totals.incidentsOpenNow).toBe(1);
  });
});

describe('buildDigest targets', () => {
  it('lists every covered target worst first, and one never assessed last', () => {
    const digest = buildDigest(
      scope(),
      emptyData({
        assessments: [assessment({ verdict: 'GO' }), assessment({ environment: 'staging', verdict: 'NO_GO', score: 50 })],
      }),
    );
    expect(digest.targets.map((row) => `${row.service}/${row.environment}:${row.latest?.verdict ?? 'never'}`)).toEqual([
      'checkout/staging:NO_GO',
      'checkout/production:GO',
      'ledger/production:never',
    ]);
  });

  it('takes the newest assessment of the period as the latest, and the trend from the last one before it', () => {
    const digest = buildDigest(
      scope(),
      emptyData({
        before: [assessment({ score: 80, verdict: 'GO_WITH_CAUTION', finishedAt: at(-5) })],
        assessments: [
          assessment({ score: 90, verdict: 'GO_WITH_CAUTION', finishedAt: at(1) }),
          assessment({ score: 96, verdict: 'GO', finishedAt: at(5) }),
        ],
      }),
    );
    const row = digest.targets.find((r) => r.service === 'checkout' && r.environment === 'production');
    expect(row?.latest?.score).toBe(96);
    expect(row?.scoreChange).toBe(16);
    expect(row?.assessed).toBe(2);
    expect(row?.verdicts).toEqual({ GO: 1, GO_WITH_CAUTION: 1, NO_GO: 0 });
  });

  it('a target not assessed in the period keeps its verdict from before, with no trend', () => {
    const digest = buildDigest(scope(), emptyData({ before: [assessment({ finishedAt: at(-2) })] }));
    const row = digest.targets.find((r) => r.service === 'checkout' && r.environment === 'production');
    expect(row?.latest?.verdict).toBe('GO');
    expect(row?.scoreChange).toBeNull();
    expect(row?.assessed).toBe(0);
  });
});

describe('buildDigest attention', () => {
  it('puts open incidents first by severity, then NO-GO targets, failed deployments, pending sign-offs and stale targets', () => {
    const digest = buildDigest(
      scope(),
      emptyData({
        assessments: [assessment({ environment: 'staging', verdict: 'NO_GO', score: 30 }), assessment()],
        incidentsOpen: [incident({ severity: 'SEV3' }), incident({ severity: 'SEV1' })],
        deployments: [deployment({ status: 'ROLLED_BACK' }), deployment({ status: 'ABORTED' })],
        pendingSignoffs: [{ service: 'checkout', environment: 'production', assessmentId: 'a1', expiresAt: new Date(TO.getTime() + 3600_000) }],
      }),
    );
    expect(digest.attention.map((item) => (item.kind === 'open_incident' ? `incident:${item.incident.severity}` : item.kind))).toEqual([
      'incident:SEV1',
      'incident:SEV3',
      'no_go',
      'rolled_back',
      'deployment_failed',
      'signoff_pending',
      'not_assessed',
    ]);
  });

  it('flags a target as not assessed only when its newest assessment is more than a week old', () => {
    const recent = buildDigest(
      scope({ targets: [{ service: 'checkout', environment: 'production' }] }),
      emptyData({ before: [assessment({ finishedAt: at(-24 * 5) })] }),
    );
    expect(recent.attention).toEqual([]);
    const old = buildDigest(
      scope({ targets: [{ service: 'checkout', environment: 'production' }] }),
      emptyData({ before: [assessment({ finishedAt: at(-24 * 9) })] }),
    );
    expect(old.attention.map((item) => item.kind)).toEqual(['not_assessed']);
  });

  it('has nothing to say about a healthy period', () => {
    const digest = buildDigest(
      scope({ targets: [{ service: 'checkout', environment: 'production' }] }),
      emptyData({ assessments: [assessment()], deployments: [deployment()] }),
    );
    expect(digest.attention).toEqual([]);
  });
});

describe('buildDigest recurring failures', () => {
  it('lists checks that failed at least twice, most often first, at most five', () => {
    const failing = (checkId: string, failures: number, runs = 6) => ({
      service: 'checkout',
      environment: 'production',
      checkId,
      name: checkId,
      failures,
      runs,
    });
    const digest = buildDigest(
      scope(),
      emptyData({
        checkFailures: [
          failing('once', 1),
          failing('a', 3),
          failing('b', 5),
          failing('c', 2),
          failing('d', 2, 2),
          failing('e', 4),
          failing('f', 2, 10),
        ],
      }),
    );
    expect(digest.recurringFailures.map((check) => check.checkId)).toEqual(['b', 'e', 'a', 'd', 'c']);
  });
});
