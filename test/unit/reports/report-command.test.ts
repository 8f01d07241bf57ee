import { describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../../src/config/readiness-config.ts';
import { parseAssessmentReference } from '../../../src/reports/assessment-reference.ts';
import { parseReadinessCommand, usageText } from '../../../src/slack/readiness-command.ts';

const config = parseReadinessConfig(
  { services: { checkout: { environments: { production: {} }, checks: [{ id: 'health', name: 'Health', type: 'http', url: 'http://x/healthz' }] } } },
  'test config',
);

describe('parseAssessmentReference', () => {
  it.each([
    ['1a2b3c4d', { kind: 'short', prefix: '1a2b3c4d' }],
    ['1A2B3C4D', { kind: 'short', prefix: '1a2b3c4d' }],
    ['`1a2b3c4d`', { kind: 'short', prefix: '1a2b3c4d' }],
    ['3F2C9A7E-1B4D-4C5E-9F60-123456789ABC', { kind: 'full', id: '3f2c9a7e-1b4d-4c5e-9f60-123456789abc' }],
  ])('reads %j', (text, expected) => {
    expect(parseAssessmentReference(text)).toEqual(expected);
  });

  it.each(['1a2b3c4', '1a2b3c4d5', 'zzzzzzzz', '3f2c9a7e-1b4d', "1a2b3c4d'; drop table", ''])('refuses %j', (text) => {
    expect(parseAssessmentReference(text)).toBeUndefined();
  });
});

describe('/readiness report', () => {
  it('parses the short id from the message footer', () => {
    expect(parseReadinessCommand('report 1a2b3c4d', config)).toEqual({ ok: true, kind: 'report', reference: { kind: 'short', prefix: '1a2b3c4d' } });
    expect(parseReadinessCommand('REPORT `1A2B3C4D`', config)).toMatchObject({ ok: true, kind: 'report' });
  });

  it.each([
    ['report', /^Which assessment\? Usage: `\/readiness report &lt;assessment&gt;`/],
    ['report checkout', /^`checkout` is not an assessment id\. Usage:/],
    ['report 1a2b3c4d please', /^I did not understand `please` after `report 1a2b3c4d`\./],
  ])('explains %j', (text, expected) => {
    const parsed = parseReadinessCommand(text, config);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toMatch(expected);
  });

  it('escapes what the user typed', () => {
    const parsed = parseReadinessCommand('report <!channel>', config);
    const message = parsed.ok ? '' : parsed.message;
    expect(message).toContain('&lt;!channel&gt;');
    expect(message).not.toMatch(/<|>/);
  });

  it('is in the usage', () => {
    expect(usageText).toContain('`/readiness report &lt;assessment&gt;`');
  });
});
