import { describe, expect, it } from 'vitest';
import { INCIDENT_TITLE_MAX, readIncidentCommand } from '../../../src/incidents/incident-command.ts';

const services = { search: {}, checkout: {} };

describe('readIncidentCommand', () => {
  it('says why it cannot read the command, as reason codes the Slack side words', () => {
    expect(readIncidentCommand('  ', services)).toEqual({ ok: false, reason: 'missing_severity' });
    expect(readIncidentCommand('p1 down', services)).toEqual({ ok: false, reason: 'unknown_severity', word: 'p1' });
    expect(readIncidentCommand('sev2', services)).toEqual({ ok: false, reason: 'missing_title' });
    expect(readIncidentCommand(`sev2 ${'x'.repeat(INCIDENT_TITLE_MAX + 1)}`, services)).toEqual({
      ok: false,
      reason: 'title_too_long',
      length: INCIDENT_TITLE_MAX + 1,
      max: INCIDENT_TITLE_MAX,
    });
    expect(readIncidentCommand('sev2 "Down" nowhere land', services)).toEqual({
      ok: false,
      reason: 'not_a_service',
      rest: 'nowhere land',
      services: ['checkout', 'search'],
    });
  });

  it("keeps the raw title: escaping it for display is the Slack side's job", () => {
    expect(readIncidentCommand('sev1 <!channel> & co checkout', services)).toEqual({
      ok: true,
      kind: 'incident',
      severity: 'SEV1',
      title: '<!channel> & co',
      service: 'checkout',
    });
  });
});
