import { describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../../src/config/readiness-config.ts';
import {
  alertChannel,
  guessKind,
  isMoreSevere,
  loweredSeverity,
  nextStep,
  parseSeverity,
  policyFor,
  raisedSeverity,
} from '../../../src/incidents/severity-policy.ts';

const services = { api: { environments: { prod: {} }, checks: [{ id: 'h', name: 'H', type: 'http', url: 'https://api.example.com/' }] } };

describe('the shipped severity policy', () => {
  it('validates with no roles configured and follows the issue table', () => {
    const { incidents } = parseReadinessConfig({ services }, 'readiness.yaml');
    const sev1 = policyFor(incidents, 'SEV1');
    expect(sev1.respondWithinMs).toBe(5 * 60_000);
    expect(sev1.levels.map((level) => level.roles)).toEqual([['on-call'], ['tech-lead'], ['cto']]);
    expect(sev1.levels.every((level) => level.timeoutMs === 5 * 60_000)).toBe(true);
    expect(policyFor(incidents, 'SEV2').levels.map((level) => level.roles)).toEqual([['on-call'], ['tech-lead']]);
    expect(policyFor(incidents, 'SEV2').respondWithinMs).toBe(15 * 60_000);
    expect(policyFor(incidents, 'SEV3')).toMatchObject({ respondWithinMs: 3_600_000, repeat: 0 });
    expect(policyFor(incidents, 'SEV4')).toMatchObject({ respondWithinMs: 8 * 3_600_000, levels: [] });
    expect(incidents.runbooks).toEqual({});
    expect(incidents.checkRegressionSeverity).toBe('sev2');
  });

  it('takes overrides per severity, leaves the others at their defaults, and gives a level without timeout the respond-within', () => {
    const { incidents } = parseReadinessConfig(
      {
        services,
        incidents: {
          channel: 'C0INCIDENTS',
          severities: { sev2: { respondWithin: '10m', levels: [{ users: ['U0ONE'] }, { usergroups: ['S0TWO'], timeout: '90s' }], repeat: 3 } },
          runbooks: { outage: 'https://runbooks.example.com/outage' },
        },
      },
      'readiness.yaml',
    );
    expect(policyFor(incidents, 'SEV2').levels.map((level) => level.timeoutMs)).toEqual([600_000, 90_000]);
    expect(policyFor(incidents, 'SEV2').repeat).toBe(3);
    expect(policyFor(incidents, 'SEV1').levels).toHaveLength(3);
    expect(incidents.channel).toBe('C0INCIDENTS');
  });

  it.each([
    [{ severities: { sev1: { levels: [{}] } } }, 'incidents.severities.sev1.levels[0]: a level needs at least one user, usergroup or role'],
    [{ severities: { sev2: { levels: [{ users: ['bob'] }] } } }, 'incidents.severities.sev2.levels[0].users[0]: expected a Slack user id'],
    [{ channel: '#incidents' }, 'incidents.channel: expected a Slack channel id'],
    [{ runbooks: { outage: 'not a url' } }, 'incidents.runbooks.outage: must be a URL'],
    [{ severities: { sev3: { repeat: -1 } } }, 'incidents.severities.sev3.repeat'],
  ])('refuses %j, naming the key', (incidents, expected) => {
    expect(() => parseReadinessConfig({ services, incidents }, 'readiness.yaml')).toThrow(expected);
  });
});

describe('nextStep', () => {
  const policy = {
    severity: 'SEV1' as const,
    description: '',
    respondWithinMs: 1000,
    repeat: 1,
    levels: [1, 2, 3].map(() => ({ users: ['U0A'], usergroups: [], roles: [], timeoutMs: 1000 })),
  };

  it('walks the levels, repeats the path `repeat` more times, then stops', () => {
    const steps = [];
    let step: { plan: number; level: number; round: number } | undefined = { plan: 4, level: 0, round: 0 };
    while (step) {
      steps.push(`${step.level}/${step.round}`);
      step = nextStep(policy, step);
    }
    expect(steps).toEqual(['0/0', '1/0', '2/0', '0/1', '1/1', '2/1']);
  });

  it('has nothing after a ticket-queue severity', () => {
    expect(nextStep({ ...policy, levels: [], repeat: 3 }, { plan: 0, level: 0, round: 0 })).toBeUndefined();
  });
});

describe('severities', () => {
  it('orders SEV1 as the most severe and steps one at a time', () => {
    expect(isMoreSevere('SEV1', 'SEV2')).toBe(true);
    expect(isMoreSevere('SEV3', 'SEV2')).toBe(false);
    expect([raisedSeverity('SEV3'), raisedSeverity('SEV1'), loweredSeverity('SEV3'), loweredSeverity('SEV4')]).toEqual([
      'SEV2',
      undefined,
      'SEV4',
      undefined,
    ]);
    expect([parseSeverity('sev2'), parseSeverity(' SEV4 '), parseSeverity('sev5'), parseSeverity('p1')]).toEqual([
      'SEV2',
      'SEV4',
      undefined,
      undefined,
    ]);
  });

  it.each([
    ['Checkout answers 500 errors', 'high-error-rate'],
    ['Error rate above 5%', 'high-error-rate'],
    ['Search latency doubled', 'slow-responses'],
    ['Payments are slow', 'slow-responses'],
    ['Checkout is down', 'outage'],
  ])('guesses the runbook kind of %j', (title, kind) => {
    expect(guessKind(title)).toBe(kind);
  });

  it('sends alerts to the configured channel, else $INCIDENT_CHANNEL, else where the incident came from', () => {
    const base = parseReadinessConfig({ services }, 'x').incidents;
    expect(alertChannel({ ...base, channel: 'C0CONF' }, 'C0ENV', 'C0HERE')).toBe('C0CONF');
    expect(alertChannel(base, 'C0ENV', 'C0HERE')).toBe('C0ENV');
    expect(alertChannel(base, undefined, 'C0HERE')).toBe('C0HERE');
  });
});
