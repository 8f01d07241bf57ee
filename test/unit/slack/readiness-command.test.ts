import { describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../../src/config/readiness-config.ts';
import { parseReadinessCommand, type ReadinessCommand } from '../../../src/slack/readiness-command.ts';

const config = parseReadinessConfig(
  {
    services: {
      payments: {
        environments: { production: { vars: { host: 'pay.example.com' } } },
        checks: [{ id: 'health', name: 'Health', type: 'http', url: 'https://{{host}}/healthz' }],
      },
      checkout: {
        environments: {
          staging: { vars: { host: 'staging.example.com' } },
          production: { vars: { host: 'checkout.example.com' } },
        },
        checks: [{ id: 'health', name: 'Health', type: 'http', url: 'https://{{host}}/healthz' }],
      },
    },
  },
  'readiness.yaml',
);

function refusal(command: ReadinessCommand): string {
  if (command.ok) throw new Error(`expected a refusal, got ${JSON.stringify(command)}`);
  return command.message;
}

/** The usage template is escaped like everything else, so no raw angle bracket may appear at all. */
const withoutUsageTemplate = (message: string) => message;

describe('parseReadinessCommand: help', () => {
  it.each(['', '   ', 'help', 'HELP', '  Help  '])('shows help for %j', (text) => {
    expect(parseReadinessCommand(text, config)).toEqual({ ok: true, kind: 'help' });
  });
});

describe('parseReadinessCommand: run', () => {
  it('accepts a known service and environment', () => {
    expect(parseReadinessCommand('run checkout production', config)).toEqual({
      ok: true,
      kind: 'run',
      service: 'checkout',
      environment: 'production',
    });
  });

  it('treats the subcommand case-insensitively and tolerates extra whitespace', () => {
    expect(parseReadinessCommand('  RUN   checkout\tstaging  ', config)).toEqual({
      ok: true,
      kind: 'run',
      service: 'checkout',
      environment: 'staging',
    });
    expect(parseReadinessCommand('Run payments production', config)).toMatchObject({ ok: true, kind: 'run' });
  });

  it('asks which service and lists them all (sorted) when none is given', () => {
    const message = refusal(parseReadinessCommand('run', config));
    expect(message).toMatch(/Which service\?/);
    expect(message).toContain('`checkout`, `payments`');
  });

  it('names an unknown service and lists the valid ones', () => {
    const message = refusal(parseReadinessCommand('run chekout production', config));
    expect(message).toContain('There is no service `chekout`');
    expect(message).toContain('`checkout`, `payments`');
  });

  it('asks which environment and lists those of the service when none is given', () => {
    const message = refusal(parseReadinessCommand('run checkout', config));
    expect(message).toMatch(/Which environment of `checkout`\?/);
    expect(message).toContain('`staging`, `production`');
    expect(message).not.toContain('payments');
  });

  it('names an unknown environment and lists the valid ones', () => {
    const message = refusal(parseReadinessCommand('run payments staging', config));
    expect(message).toContain('`payments` has no environment `staging`');
    expect(message).toContain('Environments: `production`.');
  });

  it('refuses extra words after the environment instead of ignoring them', () => {
    const message = refusal(parseReadinessCommand('run checkout production --force now', config));
    expect(message).toContain('I did not understand `--force now` after `run checkout production`');
    expect(message).toContain('/readiness run &lt;service&gt; &lt;environment&gt;');
  });

  it('does not match service names case-insensitively (ids are lowercase slugs)', () => {
    const message = refusal(parseReadinessCommand('run Checkout production', config));
    expect(message).toContain('There is no service `Checkout`');
  });

  // BUG: lookupTarget indexes plain objects with user input, so Object.prototype members look like services and
  // environments. `/readiness run constructor production` throws a TypeError instead of answering, and
  // `/readiness run checkout constructor` is accepted as a valid environment.
  it('answers "no service" for a service named after an Object.prototype member (constructor)', () => {
    const message = refusal(parseReadinessCommand('run constructor production', config));
    expect(message).toContain('There is no service `constructor`');
  });

  it('refuses an environment named after an Object.prototype member (toString)', () => {
    const message = refusal(parseReadinessCommand('run checkout toString', config));
    expect(message).toContain('has no environment `toString`');
  });
});

describe('parseReadinessCommand: unknown subcommands', () => {
  it('names the unknown subcommand and lists the subcommands', () => {
    const message = refusal(parseReadinessCommand('launch checkout production', config));
    expect(message).toContain('I do not know the subcommand `launch`');
    expect(message).toContain('`run`, `status`');
    expect(message).toContain('/readiness help');
  });

  it('shortens a very long unknown word so the reply stays readable', () => {
    const message = refusal(parseReadinessCommand('x'.repeat(5000), config));
    expect(message.length).toBeLessThan(600);
    expect(message).toContain('…');
  });
});

describe('parseReadinessCommand: user text is escaped', () => {
  it.each([
    ['an unknown subcommand', '<!channel>'],
    ['an unknown service', 'run <!channel> production'],
    ['an unknown environment', 'run checkout <!channel>'],
    ['extra words', 'run checkout production <!channel>'],
  ])('escapes a broadcast in %s', (_where, text) => {
    const message = refusal(parseReadinessCommand(text, config));
    expect(message).not.toContain('<!channel>');
    expect(message).toContain('&lt;!channel&gt;');
    expect(withoutUsageTemplate(message)).not.toContain('<');
  });

  it.each([
    ['an unknown subcommand', '<https://evil.example|click>'],
    ['an unknown service', 'run <https://evil.example|click> production'],
    ['an unknown environment', 'run checkout <https://evil.example|click>'],
    ['extra words', 'run checkout production <https://evil.example|click> & more'],
  ])('escapes a disguised link in %s', (_where, text) => {
    const message = refusal(parseReadinessCommand(text, config));
    expect(message).not.toContain('<https://evil.example|click>');
    expect(message).toContain('&lt;https://evil.example|click&gt;');
    expect(withoutUsageTemplate(message)).not.toContain('<');
    expect(withoutUsageTemplate(message)).not.toContain('>');
  });

  it('escapes an ampersand so it is not read as an entity', () => {
    const message = refusal(parseReadinessCommand('run a&lt;b production', config));
    expect(message).toContain('a&amp;lt;b');
  });
});

describe('parseReadinessCommand: override', () => {
  it('takes the assessment id and the rest of the text as the justification', () => {
    expect(parseReadinessCommand('override 1A2B3C4D Hotfix for incident 42, approved by the CTO', config)).toEqual({
      ok: true,
      kind: 'override',
      reference: { kind: 'short', prefix: '1a2b3c4d' },
      justification: 'Hotfix for incident 42, approved by the CTO',
    });
  });

  it('asks for the assessment and refuses an id that is not one', () => {
    expect(refusal(parseReadinessCommand('override', config))).toContain('Which assessment?');
    expect(refusal(parseReadinessCommand('override <!channel> because reasons here', config))).toContain(
      '`&lt;!channel&gt;` is not an assessment id',
    );
  });

  it('requires a justification of at least 10 characters', () => {
    expect(refusal(parseReadinessCommand('override 1a2b3c4d', config))).toContain('needs a justification');
    expect(refusal(parseReadinessCommand('override 1a2b3c4d too short', config))).toContain('needs a justification');
  });
});

describe('parseReadinessCommand: deploy and rollback', () => {
  it('takes an optional template and version', () => {
    expect(parseReadinessCommand('deploy checkout production', config)).toEqual({
      ok: true,
      kind: 'deploy',
      service: 'checkout',
      environment: 'production',
      template: undefined,
      version: undefined,
    });
    expect(parseReadinessCommand('deploy checkout production canary v1.2.3', config)).toMatchObject({ template: 'canary', version: 'v1.2.3' });
    expect(parseReadinessCommand('deploy checkout production v1.2.3', config)).toMatchObject({ template: undefined, version: 'v1.2.3' });
  });

  it('refuses an unknown service or environment like run does', () => {
    expect(refusal(parseReadinessCommand('deploy', config))).toContain('Which service?');
    expect(refusal(parseReadinessCommand('deploy nope production', config))).toContain('There is no service `nope`');
    expect(refusal(parseReadinessCommand('rollback checkout qa', config))).toContain('`checkout` has no environment `qa`');
  });

  it('names an unknown template, a malformed version and extra words, escaped', () => {
    expect(refusal(parseReadinessCommand('deploy checkout production bluegreen v1', config))).toContain(
      'There is no template `bluegreen`. Templates: `standard`, `hotfix`, `blue-green`, `canary`',
    );
    expect(refusal(parseReadinessCommand('deploy checkout production <!channel>', config))).toContain('`&lt;!channel&gt;` is neither a template');
    expect(refusal(parseReadinessCommand('deploy checkout production canary v1 now', config))).toContain('I did not understand `now`');
  });

  it('takes the rest of a rollback as its reason, none when absent', () => {
    expect(parseReadinessCommand('rollback checkout production p99 doubled', config)).toMatchObject({ kind: 'rollback', reason: 'p99 doubled' });
    expect(parseReadinessCommand('rollback checkout production', config)).toMatchObject({ kind: 'rollback', reason: undefined });
  });
});

describe('parseReadinessCommand: digest', () => {
  const withDigests = parseReadinessConfig(
    {
      services: {
        payments: {
          environments: { production: {} },
          checks: [{ id: 'health', name: 'Health', type: 'http', url: 'https://pay.example.com/healthz' }],
        },
      },
      digests: { daily: { channel: 'C0REL', schedule: '0 9 * * 1-5' }, weekly: { channel: 'C0REL', schedule: '0 9 * * 1' } },
    },
    'readiness.yaml',
  );

  it('lists the digests without a name and shows one by name', () => {
    expect(parseReadinessCommand('digest', withDigests)).toEqual({ ok: true, kind: 'digest', name: null });
    expect(parseReadinessCommand('digest weekly', withDigests)).toEqual({ ok: true, kind: 'digest', name: 'weekly' });
  });

  it('names the digests there are when the name is unknown', () => {
    expect(refusal(parseReadinessCommand('digest monthly', withDigests))).toBe(
      'There is no digest `monthly`. Digests: `daily`, `weekly`. Usage: `/readiness digest [name]`.',
    );
  });

  it('refuses words after the name', () => {
    expect(refusal(parseReadinessCommand('digest daily now please', withDigests))).toBe(
      'I did not understand `now please` after `digest daily`. Usage: `/readiness digest [name]`.',
    );
  });

  it('says how to set digests up when there are none', () => {
    expect(refusal(parseReadinessCommand('digest', config))).toContain('No digests are set up: add a `digests:` section to readiness.yaml');
  });

  it('escapes what it echoes back', () => {
    expect(refusal(parseReadinessCommand('digest <!channel>', withDigests))).toContain('`&lt;!channel&gt;`');
  });
});
