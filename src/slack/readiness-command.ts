import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import { lookupTarget } from '../config/catalog.ts';
import { escapeText, truncate } from './escape.ts';

export type ReadinessCommand =
  | { ok: true; kind: 'run'; service: string; environment: string }
  | { ok: true; kind: 'help' }
  | { ok: false; message: string };

/** One line per subcommand; a new subcommand adds its line here and its case in parseReadinessCommand. */
const SUBCOMMAND_USAGE: readonly string[] = [
  '`/readiness run &lt;service&gt; &lt;environment&gt;` assesses it and posts the verdict here',
  '`/readiness help` shows this message',
];

const USAGE = ['*Readiness* — is this service ready for this environment?', ...SUBCOMMAND_USAGE.map((line) => `• ${line}`)].join('\n');

const quote = (text: string) => `\`${escapeText(truncate(text, 80))}\``;
const list = (values: readonly string[]) => values.map((value) => `\`${value}\``).join(', ');

function runCommand(args: string[], config: ReadinessConfig): ReadinessCommand {
  const services = Object.keys(config.services).sort();
  const [service, environment, ...extra] = args;
  if (service === undefined) {
    return { ok: false, message: `Which service? Usage: \`/readiness run &lt;service&gt; &lt;environment&gt;\`. Services: ${list(services)}.` };
  }
  const target = lookupTarget(config, service, environment ?? '');
  if (!target.ok && target.reason === 'unknown_service') {
    return { ok: false, message: `There is no service ${quote(service)}. Services: ${list(target.known)}.` };
  }
  const environments = Object.keys(Object.hasOwn(config.services, service) ? (config.services[service]?.environments ?? {}) : {});
  if (environment === undefined) {
    return { ok: false, message: `Which environment of \`${service}\`? Environments: ${list(environments)}.` };
  }
  if (!target.ok && target.reason === 'unknown_environment') {
    return { ok: false, message: `\`${service}\` has no environment ${quote(environment)}. Environments: ${list(target.known)}.` };
  }
  if (extra.length > 0) {
    return {
      ok: false,
      message: `I did not understand ${quote(extra.join(' '))} after \`run ${service} ${environment}\`. Usage: \`/readiness run &lt;service&gt; &lt;environment&gt;\`.`,
    };
  }
  return { ok: true, kind: 'run', service, environment };
}

/** Reads the text after `/readiness`; every refusal says what was wrong and what would work. */
export function parseReadinessCommand(text: string, config: ReadinessConfig): ReadinessCommand {
  const [subcommand, ...args] = text.trim().split(/\s+/).filter((word) => word !== '');
  switch (subcommand?.toLowerCase()) {
    case undefined:
    case 'help':
      return { ok: true, kind: 'help' };
    case 'run':
      return runCommand(args, config);
    default:
      return { ok: false, message: `I do not know the subcommand ${quote(subcommand ?? '')}.\n${USAGE}` };
  }
}

export const usageText = USAGE;
