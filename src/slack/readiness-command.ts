import type { ReadinessConfig } from '../config/readiness-config.schema.ts';
import { locateTarget } from '../config/catalog.ts';
import { SHIPPED_TEMPLATES } from '../deployments/default-templates.ts';
import { escapeText, truncate } from './escape.ts';
import { parseAssessmentReference, referenceText, type AssessmentReference } from '../reports/assessment-reference.ts';
import { parseIncidentCommand } from './incident-command.ts';
import type { IncidentSeverity } from '../incidents/incident-config.ts';

export type ReadinessCommand =
  | { ok: true; kind: 'run'; service: string; environment: string }
  | { ok: true; kind: 'status'; service: string; environment: string }
  | { ok: true; kind: 'audit'; service: string; environment: string | null; page: number }
  | { ok: true; kind: 'help' }
  | { ok: true; kind: 'report'; reference: AssessmentReference }
  | { ok: true; kind: 'override'; reference: AssessmentReference; justification: string }
  | { ok: true; kind: 'incident'; severity: IncidentSeverity; title: string; service: string | null }
  | { ok: true; kind: 'incidents' }
  | { ok: true; kind: 'deploy'; service: string; environment: string; template: string | undefined; version: string | undefined }
  | { ok: true; kind: 'rollback'; service: string; environment: string; reason: string | undefined }
  | { ok: true; kind: 'digest'; name: string | null }
  | { ok: false; message: string };

/** One line per subcommand; a new subcommand adds its line here and its case in parseReadinessCommand. */
const SUBCOMMAND_USAGE: readonly string[] = [
  '`/readiness run &lt;service&gt; &lt;environment&gt;` assesses it and posts the verdict here',
  '`/readiness report &lt;assessment&gt;` posts the full report, every check with its evidence, in the thread of that assessment (the id in its message footer)',
  '`/readiness override &lt;assessment&gt; &lt;justification&gt;` turns a NO-GO into a GO flagged as an override (the override role only)',
  '`/readiness incident &lt;sev1..sev4&gt; &lt;title&gt; [service]` opens an incident: alerts the incidents channel and pages the on-call path',
  '`/readiness incidents` lists the open incidents, most severe first',
  '`/readiness status &lt;service&gt; &lt;environment&gt;` shows the latest assessment, its sign-offs, the decision and when the request expires (only to you)',
  '`/readiness audit &lt;service&gt; [environment] [page]` shows who did what and why, newest first, 20 events a page (only to you)',
  '`/readiness deploy &lt;service&gt; &lt;environment&gt; [template] [version]` plans a deployment (needs a fresh GO) and posts it with Start and Cancel',
  '`/readiness rollback &lt;service&gt; &lt;environment&gt; [reason]` rolls back the latest deployment there',
  '`/readiness digest [name]` shows a digest as it would be posted now: verdicts, deployments, incidents and what needs attention since its last post (only to you); without a name, lists the digests',
  '`/readiness help` shows this message',
];

const USAGE = ['*Readiness* — is this service ready for this environment?', ...SUBCOMMAND_USAGE.map((line) => `• ${line}`)].join('\n');

export const quote = (text: string) => `\`${escapeText(truncate(text, 80))}\``;
const list = (values: readonly string[]) => values.map((value) => `\`${value}\``).join(', ');

export type TargetArgs = { ok: true; service: string; environment: string } | { ok: false; message: string };

/** `<service> <environment>` as every subcommand that names a target takes it; refusals show `usage`. */
export function parseTargetArgs(usage: string, service: string | undefined, environment: string | undefined, config: ReadinessConfig): TargetArgs {
  // The sorted list only for the refusal: a burst of valid commands should not sort the services on each.
  if (service === undefined)
    return { ok: false, message: `Which service? Usage: \`${usage}\`. Services: ${list(Object.keys(config.services).sort())}.` };
  const target = locateTarget(config, service, environment ?? '');
  if (!target.ok && target.reason === 'unknown_service') {
    return { ok: false, message: `There is no service ${quote(service)}. Services: ${list(target.known)}.` };
  }
  if (environment === undefined) {
    const environments = Object.keys(Object.hasOwn(config.services, service) ? (config.services[service]?.environments ?? {}) : {});
    return { ok: false, message: `Which environment of \`${service}\`? Environments: ${list(environments)}.` };
  }
  if (!target.ok && target.reason === 'unknown_environment') {
    return { ok: false, message: `\`${service}\` has no environment ${quote(environment)}. Environments: ${list(target.known)}.` };
  }
  return { ok: true, service, environment };
}

/** `run` and `status` name a service and one of its environments, validated alike. */
function targetCommand(subcommand: 'run' | 'status', args: string[], config: ReadinessConfig): ReadinessCommand {
  const [service, environment, ...extra] = args;
  const usage = `/readiness ${subcommand} &lt;service&gt; &lt;environment&gt;`;
  const target = parseTargetArgs(usage, service, environment, config);
  if (!target.ok) return target;
  if (extra.length > 0) {
    return {
      ok: false,
      message: `I did not understand ${quote(extra.join(' '))} after \`${subcommand} ${target.service} ${target.environment}\`. Usage: \`${usage}\`.`,
    };
  }
  return { ok: true, kind: subcommand, service: target.service, environment: target.environment };
}

const AUDIT_USAGE = 'Usage: `/readiness audit &lt;service&gt; [environment] [page]`.';
const MAX_PAGE = 100_000;

/** `audit <service> [environment] [page]`: a word after the service is an environment of it, or else a page number. */
function auditCommand(args: string[], config: ReadinessConfig): ReadinessCommand {
  const [service, ...rest] = args;
  if (service === undefined) return { ok: false, message: `Which service? ${AUDIT_USAGE} Services: ${list(Object.keys(config.services).sort())}.` };
  const target = locateTarget(config, service, '');
  if (!target.ok && target.reason === 'unknown_service') {
    return { ok: false, message: `There is no service ${quote(service)}. Services: ${list(target.known)}.` };
  }
  const environments = Object.keys(config.services[service]?.environments ?? {});
  let environment: string | null = null;
  if (rest[0] !== undefined && environments.includes(rest[0])) environment = rest.shift() ?? null;
  else if (rest[0] !== undefined && !/^\d+$/.test(rest[0])) {
    return { ok: false, message: `\`${service}\` has no environment ${quote(rest[0])}. Environments: ${list(environments)}. ${AUDIT_USAGE}` };
  }
  const [pageWord, ...extra] = rest;
  const page = pageWord === undefined ? 1 : Number(pageWord);
  if (!Number.isSafeInteger(page) || page < 1 || page > MAX_PAGE) {
    return { ok: false, message: `${quote(pageWord ?? '')} is not a page number: pages count from 1. ${AUDIT_USAGE}` };
  }
  if (extra.length > 0) {
    const typed = ['audit', service, ...(environment === null ? [] : [environment]), ...(pageWord === undefined ? [] : [pageWord])].join(' ');
    return { ok: false, message: `I did not understand ${quote(extra.join(' '))} after \`${typed}\`. ${AUDIT_USAGE}` };
  }
  return { ok: true, kind: 'audit', service, environment, page };
}

const REPORT_USAGE =
  'Usage: `/readiness report &lt;assessment&gt;`, with the 8-character id from the footer of an assessment message (“assessment `1a2b3c4d`”) or its full id.';

function reportCommand(args: string[]): ReadinessCommand {
  const [typed, ...extra] = args;
  if (typed === undefined) return { ok: false, message: `Which assessment? ${REPORT_USAGE}` };
  const reference = parseAssessmentReference(typed);
  if (reference === undefined) return { ok: false, message: `${quote(typed)} is not an assessment id. ${REPORT_USAGE}` };
  if (extra.length > 0)
    return { ok: false, message: `I did not understand ${quote(extra.join(' '))} after \`report ${referenceText(reference)}\`. ${REPORT_USAGE}` };
  return { ok: true, kind: 'report', reference };
}

const OVERRIDE_USAGE = 'Usage: `/readiness override &lt;assessment&gt; &lt;justification&gt;`, with the id from the assessment message footer.';
const MIN_JUSTIFICATION = 10;

function overrideCommand(args: string[]): ReadinessCommand {
  const [typed, ...words] = args;
  if (typed === undefined) return { ok: false, message: `Which assessment? ${OVERRIDE_USAGE}` };
  const reference = parseAssessmentReference(typed);
  if (reference === undefined) return { ok: false, message: `${quote(typed)} is not an assessment id. ${OVERRIDE_USAGE}` };
  const justification = words.join(' ').trim();
  if (justification.length < MIN_JUSTIFICATION) {
    return {
      ok: false,
      message: `An override needs a justification (at least ${MIN_JUSTIFICATION} characters) saying why shipping despite the verdict is right; it is shown with the decision and kept in the audit trail. ${OVERRIDE_USAGE}`,
    };
  }
  return { ok: true, kind: 'override', reference, justification: truncate(justification, 1000) };
}

const SUBCOMMANDS = ['run', 'status', 'report', 'override', 'deploy', 'rollback', 'incident', 'incidents', 'audit', 'digest', 'help'];
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
const DEPLOY_USAGE = '/readiness deploy &lt;service&gt; &lt;environment&gt; [template] [version]';

function deployCommand(args: string[], config: ReadinessConfig): ReadinessCommand {
  const [service, environment, third, fourth, ...extra] = args;
  const target = parseTargetArgs(DEPLOY_USAGE, service, environment, config);
  if (!target.ok) return target;
  const isTemplate = (name: string) => Object.hasOwn(config.deployments.templates, name) || Object.hasOwn(SHIPPED_TEMPLATES, name);
  const templates = [...new Set([...Object.keys(SHIPPED_TEMPLATES), ...Object.keys(config.deployments.templates)])];
  let template: string | undefined;
  let version: string | undefined;
  if (third !== undefined && isTemplate(third)) [template, version] = [third, fourth];
  else if (fourth !== undefined)
    return { ok: false, message: `There is no template ${quote(third ?? '')}. Templates: ${list(templates)}. Usage: \`${DEPLOY_USAGE}\`.` };
  else version = third;
  if (version !== undefined && !VERSION.test(version)) {
    return {
      ok: false,
      message: `${quote(version)} is neither a template (${list(templates)}) nor a version (letters, digits, \`.\`, \`_\`, \`+\`, \`-\`).`,
    };
  }
  if (extra.length > 0) return { ok: false, message: `I did not understand ${quote(extra.join(' '))}. Usage: \`${DEPLOY_USAGE}\`.` };
  return { ok: true, kind: 'deploy', service: target.service, environment: target.environment, template, version };
}

function rollbackCommand(args: string[], config: ReadinessConfig): ReadinessCommand {
  const [service, environment, ...words] = args;
  const target = parseTargetArgs('/readiness rollback &lt;service&gt; &lt;environment&gt; [reason]', service, environment, config);
  if (!target.ok) return target;
  const reason = words.join(' ').trim();
  return {
    ok: true,
    kind: 'rollback',
    service: target.service,
    environment: target.environment,
    reason: reason === '' ? undefined : truncate(reason, 500),
  };
}

const DIGEST_USAGE = 'Usage: `/readiness digest [name]`.';

function digestCommand(args: string[], config: ReadinessConfig): ReadinessCommand {
  const names = Object.keys(config.digests).sort();
  if (names.length === 0) {
    return { ok: false, message: 'No digests are set up: add a `digests:` section to readiness.yaml (see docs/digests.md).' };
  }
  const [name, ...extra] = args;
  if (name === undefined) return { ok: true, kind: 'digest', name: null };
  if (!Object.hasOwn(config.digests, name))
    return { ok: false, message: `There is no digest ${quote(name)}. Digests: ${list(names)}. ${DIGEST_USAGE}` };
  if (extra.length > 0) return { ok: false, message: `I did not understand ${quote(extra.join(' '))} after \`digest ${name}\`. ${DIGEST_USAGE}` };
  return { ok: true, kind: 'digest', name };
}

/** Reads the text after `/readiness`; every refusal says what was wrong and what would work. */
export function parseReadinessCommand(text: string, config: ReadinessConfig): ReadinessCommand {
  const [subcommand, ...args] = text
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  switch (subcommand?.toLowerCase()) {
    case undefined:
    case 'help':
      return { ok: true, kind: 'help' };
    case 'run':
      return targetCommand('run', args, config);
    case 'status':
      return targetCommand('status', args, config);
    case 'audit':
      return auditCommand(args, config);
    case 'report':
      return reportCommand(args);
    case 'override':
      return overrideCommand(args);
    case 'incident':
      return parseIncidentCommand(text.trim().slice((subcommand ?? '').length), config);
    case 'incidents':
      return args.length === 0
        ? { ok: true, kind: 'incidents' }
        : {
            ok: false,
            message: `\`/readiness incidents\` takes nothing after it; to open one, use \`/readiness incident &lt;sev1..sev4&gt; &lt;title&gt;\`.`,
          };
    case 'deploy':
      return deployCommand(args, config);
    case 'rollback':
      return rollbackCommand(args, config);
    case 'digest':
      return digestCommand(args, config);
    default:
      return {
        ok: false,
        message: `I do not know the subcommand ${quote(subcommand ?? '')}. Subcommands: ${list(SUBCOMMANDS)}. \`/readiness help\` explains each.`,
      };
  }
}

export const usageText = USAGE;
