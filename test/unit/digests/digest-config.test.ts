import { describe, expect, it } from 'vitest';
import { parseReadinessConfig, ReadinessConfigError } from '../../../src/config/readiness-config.ts';

const services = {
  checkout: { environments: { staging: {}, production: {} }, checks: [{ id: 'health', name: 'Health', type: 'http', url: 'http://127.0.0.1:1/' }] },
};

function problemsOf(digests: unknown): string[] {
  try {
    parseReadinessConfig({ services, digests }, 'readiness.yaml');
  } catch (error) {
    if (error instanceof ReadinessConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('digests in readiness.yaml', () => {
  it('accepts a digest and fills in the time zone', () => {
    const config = parseReadinessConfig({ services, digests: { daily: { channel: 'C0RELEASES', schedule: '0 9 * * 1-5' } } }, 'readiness.yaml');
    expect(config.digests.daily).toEqual({ channel: 'C0RELEASES', schedule: '0 9 * * 1-5', timezone: 'UTC' });
  });

  it('has no digests when the section is absent', () => {
    expect(parseReadinessConfig({ services }, 'readiness.yaml').digests).toEqual({});
  });

  it('refuses a six-field (seconds) cron expression, saying how many fields it wants', () => {
    expect(problemsOf({ daily: { channel: 'C0X1', schedule: '0 0 9 * * *' } })).toEqual([
      expect.stringMatching(/^digests\.daily\.schedule: expected a cron expression of 5 fields .* got 6 fields$/),
    ]);
  });

  it('names the cron field that is wrong', () => {
    const [problem] = problemsOf({ daily: { channel: 'C0X1', schedule: '0 25 * * *' } });
    expect(problem).toBe('digests.daily.schedule: not a valid cron expression: the hour field "25" is not valid (0-23)');
  });

  it('refuses an unknown time zone and a channel that is not a channel id, all at once', () => {
    expect(problemsOf({ daily: { channel: '#releases', schedule: '0 9 * * *', timezone: 'Mars/Olympus' } })).toEqual([
      'digests.daily.channel: expected a Slack channel id such as C012ABCDEF',
      'digests.daily.timezone: expected an IANA time zone such as Europe/Berlin or UTC',
    ]);
  });

  it('accepts canonical zones, UTC and the aliases Node knows (Europe/Kiev), as the schedules will run in them', () => {
    for (const timezone of ['Europe/Berlin', 'America/New_York', 'UTC', 'Etc/UTC', 'Europe/Kiev', 'Asia/Kolkata']) {
      expect(problemsOf({ daily: { channel: 'C0X1', schedule: '0 9 * * *', timezone } }), timezone).toEqual([]);
    }
  });

  it('refuses services and environments that readiness.yaml does not define', () => {
    expect(problemsOf({ daily: { channel: 'C0X1', schedule: '0 9 * * *', services: ['checkout', 'billing'], environments: ['prod'] } })).toEqual([
      'digests.daily.services[1]: "billing" is not a service (checkout)',
      'digests.daily.environments[0]: "prod" is not an environment of the services it covers (staging, production)',
    ]);
  });
});
