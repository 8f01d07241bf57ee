import type { RoleConfig } from '../config/readiness-config.schema.ts';
import type { PageTargets, PolicyLevel } from './incident.types.ts';

export interface TargetDirectory {
  roles: Readonly<Record<string, RoleConfig>>;
  /** Members of a Slack usergroup; WebClient's `usergroups.users.list` answers it. */
  usergroupMembers: (usergroupId: string) => Promise<readonly string[]>;
}

const unique = (values: Iterable<string>) => [...new Set(values)];

/**
 * Who a level pages right now: its users and usergroups plus those of its roles. A role readiness.yaml does not
 * define is reported, not an error, so the shipped policy works before anyone has configured roles. A usergroup
 * whose members cannot be looked up is still mentioned in the channel; only its DMs are missing.
 */
export async function resolvePageTargets(level: PolicyLevel, directory: TargetDirectory): Promise<PageTargets> {
  const users = [...level.users];
  const usergroups = [...level.usergroups];
  const missingRoles: string[] = [];
  for (const role of level.roles) {
    const config = Object.hasOwn(directory.roles, role) ? directory.roles[role] : undefined;
    if (!config) {
      missingRoles.push(role);
      continue;
    }
    users.push(...config.users);
    usergroups.push(...config.usergroups);
  }
  const lookupFailures: string[] = [];
  const members = await Promise.all(
    unique(usergroups).map(async (group) => {
      try {
        return await directory.usergroupMembers(group);
      } catch {
        lookupFailures.push(group);
        return [];
      }
    }),
  );
  return {
    users: unique(users),
    usergroups: unique(usergroups),
    dmUsers: unique([...users, ...members.flat()]),
    missingRoles: unique(missingRoles),
    lookupFailures,
  };
}
