import type { AllMiddlewareArgs, AnyMiddlewareArgs } from '@slack/bolt';
import { errorFields, type Logger } from '../shared/logger.ts';
import { withTimeout } from '../shared/timeout.ts';
import { escapeText } from './escape.ts';
import { refuseRequest } from './refuse-request.ts';

/** The workspace (and Enterprise Grid org) this installation belongs to. */
export interface Installation {
  teamId: string | undefined;
  enterpriseId: string | undefined;
  /** Installed org-wide on an Enterprise Grid: any workspace of the org may use it, so only the org is compared. */
  orgWide: boolean;
}

/** Where a request says it comes from: every team and enterprise id Slack put in it. */
export interface RequestOrigin {
  teams: string[];
  enterprises: string[];
}

export type ForeignRequest =
  | { reason: 'foreign_team'; teamId: string }
  | { reason: 'foreign_enterprise'; enterpriseId: string }
  | { reason: 'installation_unknown' };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const field = (value: unknown, key: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

/**
 * A slash command carries `team_id` and `enterprise_id`; an interaction `team.id`, `user.team_id` and
 * `enterprise.id`; an event `team_id`. A Slack Connect user clicking in a shared channel shows their own team.
 */
export function requestOrigin(body: unknown): RequestOrigin {
  const teams = [field(body, 'team_id'), field(field(body, 'team'), 'id'), field(field(body, 'user'), 'team_id')]
    .map(text)
    .filter((id) => id !== undefined);
  const enterprises = [field(body, 'enterprise_id'), field(field(body, 'enterprise'), 'id'), field(field(body, 'user'), 'enterprise_id')]
    .map(text)
    .filter((id) => id !== undefined);
  return { teams: [...new Set(teams)], enterprises: [...new Set(enterprises)] };
}

/** Whether the request comes from outside the installation, and which id gave it away. Pure. */
export function foreignOrigin(origin: RequestOrigin, installation: Installation): ForeignRequest | undefined {
  const otherEnterprise = origin.enterprises.find((id) => id !== installation.enterpriseId);
  if (otherEnterprise !== undefined) return { reason: 'foreign_enterprise', enterpriseId: otherEnterprise };
  if (installation.orgWide && installation.enterpriseId !== undefined) {
    // Any workspace of the org may use an org-wide installation, but the request must say it is of the org.
    return origin.enterprises.length > 0 ? undefined : { reason: 'foreign_enterprise', enterpriseId: 'none' };
  }
  if (installation.teamId === undefined) return { reason: 'installation_unknown' };
  // A request naming no team at all is not trusted either: Slack always names one.
  if (origin.teams.length === 0) return { reason: 'foreign_team', teamId: 'none' };
  const otherTeam = origin.teams.find((id) => id !== installation.teamId);
  return otherTeam === undefined ? undefined : { reason: 'foreign_team', teamId: otherTeam };
}

/** The one sentence a refused request gets, naming the rule. */
export function foreignRequestMessage(refusal: ForeignRequest): string {
  switch (refusal.reason) {
    case 'foreign_team':
      return `:no_entry: Refused by the rule *installation workspace only*: Readiness acts only on requests from the workspace it is installed in, and this came from workspace \`${escapeText(refusal.teamId)}\` (Slack Connect). Nothing was done.`;
    case 'foreign_enterprise':
      return `:no_entry: Refused by the rule *installation workspace only*: Readiness acts only on requests from the organization it is installed in, and this came from \`${escapeText(refusal.enterpriseId)}\`. Nothing was done.`;
    case 'installation_unknown':
      return ':no_entry: Refused by the rule *installation workspace only*: Readiness could not confirm which workspace it is installed in (Slack did not answer `auth.test`), so it acts on nothing yet. Try again in a moment.';
  }
}

/**
 * Remembers the installation once known; after a failure the next request asks again (one call at a time). A
 * request waits at most `waitMs` for the answer, so a Slack that does not answer never costs it the 3 s ack.
 */
export function cachedInstallation(load: () => Promise<Installation>, waitMs = 1000): () => Promise<Installation | undefined> {
  let known: Installation | undefined;
  let pending: Promise<Installation | undefined> | undefined;
  return async () => {
    if (known) return known;
    pending ??= load()
      .then(
        (installation) => (known = installation),
        () => undefined,
      )
      .finally(() => {
        pending = undefined;
      });
    return withTimeout(pending, waitMs).catch(() => undefined);
  };
}

/**
 * The first global middleware: a request from another workspace or organization (a Slack Connect user in a
 * shared channel, a forwarded payload) is acknowledged with the refusal and goes no further, before any other
 * middleware or listener does any work. Fails closed while the installation's own ids are unknown.
 */
export function installationGuard(installation: () => Promise<Installation | undefined>, logger: Logger) {
  return async (args: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    const known = await installation();
    const origin = requestOrigin(args.body);
    const refusal = known ? foreignOrigin(origin, known) : ({ reason: 'installation_unknown' } as const);
    if (!refusal) return args.next();
    logger.warn('refused a request from outside the installation', {
      rule: 'installation_workspace_only',
      reason: refusal.reason,
      teams: origin.teams,
      enterprises: origin.enterprises,
    });
    try {
      await refuseRequest(args, foreignRequestMessage(refusal));
    } catch (error) {
      logger.warn('could not tell a refused request why', errorFields(error));
    }
  };
}
