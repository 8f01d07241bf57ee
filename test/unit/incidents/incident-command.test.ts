import { describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../../src/config/readiness-config.ts';
import { parseIncidentCommand } from '../../../src/slack/incident-command.ts';
import { parseReadinessCommand } from '../../../src/slack/readiness-command.ts';

const config = parseReadinessConfig(
  {
    services: {
      checkout: { environments: { production: {} }, checks: [{ id: 'h', name: 'H', type: 'http', url: 'https://c.example.com/' }] },
      search: { environments: { production: {} }, checks: [{ id: 'h', name: 'H', type: 'http', url: 'https://s.example.com/' }] },
    },
  },
  'readiness.yaml',
);

const refusal = (text: string) => {
  const parsed = parseIncidentCommand(text, config);
  if (parsed.ok) throw new Error(`expected a refusal for ${text}`);
  return parsed.message;
};

describe('parseIncidentCommand', () => {
  it.each([
    ['sev2 Checkout answers 500s checkout', { severity: 'SEV2', title: 'Checkout answers 500s', service: 'checkout' }],
    ['SEV1   Everything is down', { severity: 'SEV1', title: 'Everything is down', service: null }],
    ['sev3 "Slow results in search" search', { severity: 'SEV3', title: 'Slow results in search', service: 'search' }],
    ['sev3 “Slow search”', { severity: 'SEV3', title: 'Slow search', service: null }],
    ['sev4 checkout', { severity: 'SEV4', title: 'checkout', service: null }],
  ])('reads %j', (text, expected) => {
    expect(parseIncidentCommand(text, config)).toEqual({ ok: true, kind: 'incident', ...expected });
  });

  it('says what each severity means when it is missing or wrong', () => {
    expect(refusal('')).toMatch(/How severe is it\? `sev1` outage, data loss, security breach; `sev2` major degradation/);
    expect(refusal('p1 down')).toMatch(/`p1` is not a severity/);
  });

  it('refuses a missing title, an overlong one, and junk after a quoted title', () => {
    expect(refusal('sev2')).toMatch(/Give the incident a title/);
    expect(refusal(`sev2 ${'x'.repeat(121)}`)).toMatch(/Keep the title to 120 characters \(yours has 121\)/);
    expect(refusal('sev2 "Down" nowhere land')).toMatch(/expected one service name, not `nowhere land`. Services: `checkout`, `search`/);
  });

  it('is reached through /readiness, as is the listing', () => {
    expect(parseReadinessCommand('incident sev2 Down checkout', config)).toMatchObject({ ok: true, kind: 'incident', service: 'checkout' });
    expect(parseReadinessCommand('incidents', config)).toEqual({ ok: true, kind: 'incidents' });
    expect(parseReadinessCommand('help incident', config)).toMatchObject({ ok: true });
  });
});
