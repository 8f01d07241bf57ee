import type { RoleConfig } from '../config/readiness-config.schema.ts';

/** Reads a usergroup's members; WebClient's `usergroups.users.list` satisfies it. */
export type UsergroupMembers = (usergroupId: string) => Promise<readonly string[]>;

export type Membership = { member: true } | { member: false; unknownRole?: true };

/** Who holds a role as readiness.yaml lists them: Slack user ids and usergroup ids, usergroups not expanded. */
export interface RoleHolders {
  users: readonly string[];
  usergroups: readonly string[];
}

export interface RoleDirectory {
  /** Whether the user belongs to the role: listed by id, or a member of one of its usergroups. */
  isMember(role: string, userId: string): Promise<Membership>;
  /** Who holds the role as configured; undefined for a role readiness.yaml does not define. */
  holders(role: string): RoleHolders | undefined;
  /** Every user of the role, usergroups expanded: for direct messages. */
  members(role: string): Promise<string[]>;
}

export interface RoleDirectoryOptions {
  roles: Readonly<Record<string, RoleConfig>>;
  usergroupMembers: UsergroupMembers;
  /** Usergroup membership changes rarely; one lookup per group per period. @defaultValue 5 minutes */
  cacheTtlMs?: number;
  now?: () => number;
}

/** Role membership with usergroups resolved through Slack and cached, so a burst of clicks costs one lookup. */
export function createRoleDirectory(options: RoleDirectoryOptions): RoleDirectory {
  const ttl = options.cacheTtlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; members: Promise<readonly string[]> }>();

  const roleOf = (role: string) => (Object.hasOwn(options.roles, role) ? options.roles[role] : undefined);
  const holdersOf = (role: string): RoleHolders | undefined => {
    const config = roleOf(role);
    return config ? { users: config.users, usergroups: config.usergroups } : undefined;
  };

  function groupMembers(usergroupId: string): Promise<readonly string[]> {
    const cached = cache.get(usergroupId);
    if (cached && now() - cached.at < ttl) return cached.members;
    const members = options.usergroupMembers(usergroupId);
    cache.set(usergroupId, { at: now(), members });
    // A failed lookup must not be remembered: the next click asks Slack again.
    members.catch(() => cache.delete(usergroupId));
    return members;
  }

  return {
    async isMember(role, userId) {
      const config = roleOf(role);
      if (!config) return { member: false, unknownRole: true };
      if (config.users.includes(userId)) return { member: true };
      for (const group of config.usergroups) {
        if ((await groupMembers(group)).includes(userId)) return { member: true };
      }
      return { member: false };
    },
    holders: holdersOf,
    async members(role) {
      const config = roleOf(role);
      if (!config) return [];
      const groups = await Promise.all(config.usergroups.map(groupMembers));
      return [...new Set([...config.users, ...groups.flat()])];
    },
  };
}
