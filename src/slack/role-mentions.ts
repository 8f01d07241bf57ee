import type { RoleDirectory, RoleHolders } from '../roles/role-directory.ts';
import { mentionUser } from './escape.ts';

/** Only Slack's usergroup id shape becomes a mention; anything else shows as typed. */
export const mentionUsergroup = (usergroupId: string) => (/^S[A-Z0-9]{2,}$/.test(usergroupId) ? `<!subteam^${usergroupId}>` : usergroupId);

/** A role's holders as Slack mentions, for "who can" answers and pages; an unknown role shows its name in code. */
export function mentionRoleHolders(role: string, holders: RoleHolders | undefined): string {
  if (!holders) return `\`${role}\``;
  return [...holders.users.map(mentionUser), ...holders.usergroups.map(mentionUsergroup)].join(', ');
}

/** Names a role for a reader: its holders as mentions. Refusals, gate prompts and sign-off messages take one. */
export type NameRole = (role: string) => string;

/** The NameRole of a role directory: who holds each role as readiness.yaml lists them, as Slack mentions. */
export const roleMentions =
  (roles: Pick<RoleDirectory, 'holders'>): NameRole =>
  (role) =>
    mentionRoleHolders(role, roles.holders(role));
