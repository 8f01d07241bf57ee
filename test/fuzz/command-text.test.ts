import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReadinessYaml } from '../../src/config/readiness-config.ts';
import { parseIncidentCommand } from '../../src/slack/incident-command.ts';
import { parseReadinessCommand, type ReadinessCommand } from '../../src/slack/readiness-command.ts';
import { projectRoot } from '../../src/shared/paths.ts';
import { fuzzParameters, HOSTILE_TOKENS } from './fuzz-runs.ts';

const config = parseReadinessYaml(readFileSync(join(projectRoot, 'examples', 'readiness.yaml'), 'utf8'), 'examples/readiness.yaml');

/**
 * A refusal lists the config's names and quotes at most 80 characters of what was typed, so its size does not
 * grow with the input; a megabyte of text must not come back as a megabyte of ephemeral message.
 */
const MAX_REFUSAL_CHARS = 2_000;

const WORDS = [
  ...['run', 'status', 'audit', 'report', 'override', 'incident', 'incidents', 'deploy', 'rollback', 'digest', 'help', 'RUN', 'Incident'],
  ...Object.keys(config.services),
  ...Object.values(config.services).flatMap((service) => Object.keys(service.environments)),
  ...['sev1', 'SEV2', 'sev3', 'sev4', 'sev5', 'standard', 'releases', '1', '0', '-1', '99999999999', '1e3', 'NaN'],
  ...['1a2b3c4d', '`1a2b3c4d`', '3f2c9a7e-1b4d-4c5e-9f60-123456789abc', 'v1.2.3', '"quoted title"', '“curly”'],
  ...HOSTILE_TOKENS,
];
const SPACES = [' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\u3000', '\ufeff'];

/** Command-shaped text: real subcommands, services and severities mixed with markup and odd whitespace. */
const commandLike = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...WORDS), fc.string({ unit: 'binary', maxLength: 12 })), fc.constantFrom(...SPACES)), {
    maxLength: 12,
  })
  .map((parts) => parts.map(([word, space]) => word + space).join(''));

/** A command whose argument is enormous: a pasted log, a runaway script. */
const huge = fc
  .tuple(
    fc.constantFrom('', 'run ', 'incident sev2 ', 'override 1a2b3c4d ', 'audit example-api ', 'deploy example-api staging '),
    fc.constantFrom(...WORDS),
  )
  .chain(([prefix, word]) => fc.integer({ min: 1_000, max: 20_000 }).map((times) => prefix + `${word} `.repeat(times)));

const anyCommandText = fc.oneof(
  { weight: 3, arbitrary: commandLike },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 1, arbitrary: huge },
);

/** Slack reads `<…>` as mentions and links and `&` as an entity: a refusal may carry neither raw. */
function expectEscapedAndBounded(message: string) {
  expect(message.length).toBeGreaterThan(0);
  expect(message.length).toBeLessThanOrEqual(MAX_REFUSAL_CHARS);
  expect(message).not.toMatch(/[<>]/);
  expect(message).not.toMatch(/&(?!amp;|lt;|gt;)/);
  expect(message).not.toMatch(/\bat .*\.ts:\d+/);
}

/** What the parser accepted must name a configured service and one of its environments. */
function expectKnownTarget(command: Extract<ReadinessCommand, { ok: true }>) {
  if (!('service' in command) || command.service === null) return;
  expect(Object.hasOwn(config.services, command.service)).toBe(true);
  if ('environment' in command && command.environment !== null) {
    expect(Object.keys(config.services[command.service]?.environments ?? {})).toContain(command.environment);
  }
}

describe('fuzzed /readiness command text', () => {
  it('always gets a result, never an exception; refusals are bounded and escape what was typed', () => {
    fc.assert(
      fc.property(anyCommandText, (text) => {
        const command = parseReadinessCommand(text, config);
        if (command.ok) expectKnownTarget(command);
        else expectEscapedAndBounded(command.message);
      }),
      fuzzParameters(300),
    );
  });

  it('an incident command with any severity, title and service gets an incident or a refusal that says why', () => {
    fc.assert(
      fc.property(anyCommandText, (text) => {
        const command = parseIncidentCommand(text, config);
        if (!command.ok) return expectEscapedAndBounded(command.message);
        expect(command.title.length).toBeGreaterThan(0);
        expect(command.title.length).toBeLessThanOrEqual(120);
        if (command.service !== null) expect(Object.hasOwn(config.services, command.service)).toBe(true);
      }),
      fuzzParameters(300),
    );
  });

  it('quotes a mention or broadcast that was typed instead of a service escaped, not live', () => {
    for (const token of ['<!channel>', '<@U0ATTACKER>', '<!subteam^S0ONCALL>']) {
      const command = parseReadinessCommand(`run ${token} staging`, config);
      expect(command).toMatchObject({ ok: false });
      expect((command as { message: string }).message).toContain(token.replaceAll('<', '&lt;').replaceAll('>', '&gt;'));
    }
  });
});
