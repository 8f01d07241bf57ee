import { describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../../src/config/readiness-config.ts';
import { parseReadinessCommand, usageText, type ReadinessCommand } from '../../../src/slack/readiness-command.ts';

const config = parseReadinessConfig(
  {
    services: {
      checkout: {
        environments: { staging: {}, production: {}, '2024': {} },
        checks: [{ id: 'health', name: 'Health', type: 'http', url: 'https://checkout.example.com/healthz' }],
      },
      payments: {
        environments: { production: {} },
        checks: [{ id: 'health', name: 'Health', type: 'http', url: 'https://pay.example.com/healthz' }],
      },
    },
  },
  'readiness.yaml',
);

const parse = (text: string) => parseReadinessCommand(text, config);

function refusal(command: ReadinessCommand): string {
  if (command.ok) throw new Error(`expected a refusal, got ${JSON.stringify(command)}`);
  return command.message;
}

describe('parseReadinessCommand: status', () => {
  it('accepts a known service and environment', () => {
    expect(parse('status checkout production')).toEqual({ ok: true, kind: 'status', service: 'checkout', environment: 'production' });
    expect(parse('  STATUS  payments\tproduction ')).toEqual({ ok: true, kind: 'status', service: 'payments', environment: 'production' });
  });

  it('validates like run, naming status in the usage', () => {
    expect(refusal(parse('status'))).toContain(
      'Which service? Usage: `/readiness status &lt;service&gt; &lt;environment&gt;`. Services: `checkout`, `payments`.',
    );
    expect(refusal(parse('status chekout production'))).toContain('There is no service `chekout`. Services: `checkout`, `payments`.');
    expect(refusal(parse('status checkout'))).toContain('Which environment of `checkout`?');
    expect(refusal(parse('status payments staging'))).toContain('`payments` has no environment `staging`. Environments: `production`.');
    expect(refusal(parse('status checkout production now'))).toContain(
      'I did not understand `now` after `status checkout production`. Usage: `/readiness status',
    );
    expect(refusal(parse('status constructor production'))).toContain('There is no service `constructor`');
  });

  it('keeps the run refusals word for word', () => {
    expect(refusal(parse('run checkout production now'))).toContain(
      'I did not understand `now` after `run checkout production`. Usage: `/readiness run &lt;service&gt; &lt;environment&gt;`.',
    );
  });

  it('escapes what was typed', () => {
    const message = refusal(parse('status checkout <!channel>'));
    expect(message).toContain('&lt;!channel&gt;');
    expect(message).not.toContain('<!channel>');
  });
});

describe('parseReadinessCommand: audit', () => {
  it.each([
    ['audit checkout', { environment: null, page: 1 }],
    ['audit checkout production', { environment: 'production', page: 1 }],
    ['audit checkout production 3', { environment: 'production', page: 3 }],
    ['audit checkout 2', { environment: null, page: 2 }],
    ['AUDIT checkout 007', { environment: null, page: 7 }],
    // An environment whose name is a number is the environment, not a page.
    ['audit checkout 2024', { environment: '2024', page: 1 }],
    ['audit checkout 2024 2', { environment: '2024', page: 2 }],
  ])('reads %j', (text, expected) => {
    expect(parse(text)).toEqual({ ok: true, kind: 'audit', service: 'checkout', ...expected });
  });

  it('asks for a service and lists them', () => {
    expect(refusal(parse('audit'))).toContain(
      'Which service? Usage: `/readiness audit &lt;service&gt; [environment] [page]`. Services: `checkout`, `payments`.',
    );
  });

  it('names an unknown service or environment and lists the valid ones', () => {
    expect(refusal(parse('audit chekout'))).toContain('There is no service `chekout`. Services: `checkout`, `payments`.');
    expect(refusal(parse('audit payments staging'))).toContain('`payments` has no environment `staging`. Environments: `production`.');
    expect(refusal(parse('audit toString'))).toContain('There is no service `toString`');
    expect(refusal(parse('audit checkout constructor'))).toContain('has no environment `constructor`');
  });

  it.each(['0', '100001', '99999999999999999999'])('refuses page %s', (page) => {
    expect(refusal(parse(`audit checkout production ${page}`))).toContain('is not a page number: pages count from 1');
  });

  it('refuses a page that is not a whole number', () => {
    expect(refusal(parse('audit checkout production two'))).toContain('`two` is not a page number');
    expect(refusal(parse('audit checkout production 1.5'))).toContain('`1.5` is not a page number');
  });

  it('refuses words after the page instead of ignoring them', () => {
    expect(refusal(parse('audit checkout production 2 please'))).toContain('I did not understand `please` after `audit checkout production 2`');
    expect(refusal(parse('audit checkout 2 3'))).toContain('I did not understand `3` after `audit checkout 2`');
  });

  it('escapes what was typed', () => {
    for (const text of ['audit <!channel>', 'audit checkout <!here>', 'audit checkout production <@U123>']) {
      const message = refusal(parse(text));
      expect(message).not.toMatch(/<[!@]/);
      expect(message).toContain('&lt;');
    }
  });
});

describe('help', () => {
  it('lists status and audit', () => {
    expect(usageText).toContain('`/readiness status &lt;service&gt; &lt;environment&gt;`');
    expect(usageText).toContain('`/readiness audit &lt;service&gt; [environment] [page]`');
  });
});
