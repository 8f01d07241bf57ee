import { describe, expect, it } from 'vitest';
import { createRoleDirectory } from '../../../src/roles/role-directory.ts';
import { roleMentions } from '../../../src/slack/role-mentions.ts';

const roles = {
  'tech-lead': { users: ['U0LEAD'], usergroups: ['S0LEADS'] },
  security: { users: [], usergroups: ['S0SEC'] },
};

function directory(groups: Record<string, string[]>, clock = { now: 0 }) {
  const lookups: string[] = [];
  const roleDirectory = createRoleDirectory({
    roles,
    usergroupMembers: async (id) => {
      lookups.push(id);
      const members = groups[id];
      if (!members) throw new Error('no_such_subteam');
      return members;
    },
    cacheTtlMs: 1000,
    now: () => clock.now,
  });
  return { roleDirectory, lookups, clock };
}

describe('role directory', () => {
  it('admits users listed by id without asking Slack', async () => {
    const { roleDirectory, lookups } = directory({});
    expect(await roleDirectory.isMember('tech-lead', 'U0LEAD')).toEqual({ member: true });
    expect(lookups).toEqual([]);
  });

  it('admits members of the role usergroups and refuses everyone else', async () => {
    const { roleDirectory } = directory({ S0LEADS: ['U0OTHERLEAD'], S0SEC: ['U0SEC'] });
    expect(await roleDirectory.isMember('tech-lead', 'U0OTHERLEAD')).toEqual({ member: true });
    expect(await roleDirectory.isMember('security', 'U0SEC')).toEqual({ member: true });
    expect(await roleDirectory.isMember('security', 'U0LEAD')).toEqual({ member: false });
  });

  it('says when a role is not defined at all, including Object.prototype names', async () => {
    const { roleDirectory } = directory({});
    expect(await roleDirectory.isMember('cto', 'U0LEAD')).toEqual({ member: false, unknownRole: true });
    expect(await roleDirectory.isMember('constructor', 'U0LEAD')).toEqual({ member: false, unknownRole: true });
  });

  it('caches usergroup members for the TTL, then asks again', async () => {
    const { roleDirectory, lookups, clock } = directory({ S0SEC: ['U0SEC'] });
    await Promise.all([roleDirectory.isMember('security', 'U0SEC'), roleDirectory.isMember('security', 'U0X')]);
    expect(lookups).toEqual(['S0SEC']);
    clock.now = 1500;
    await roleDirectory.isMember('security', 'U0SEC');
    expect(lookups).toEqual(['S0SEC', 'S0SEC']);
  });

  it('does not remember a failed lookup', async () => {
    const { roleDirectory, lookups } = directory({});
    await expect(roleDirectory.isMember('security', 'U0SEC')).rejects.toThrow('no_such_subteam');
    await expect(roleDirectory.isMember('security', 'U0SEC')).rejects.toThrow('no_such_subteam');
    expect(lookups).toEqual(['S0SEC', 'S0SEC']);
  });

  it('lists members with usergroups expanded, and mentions without expanding', async () => {
    const { roleDirectory } = directory({ S0LEADS: ['U0LEAD', 'U0B'] });
    expect(await roleDirectory.members('tech-lead')).toEqual(['U0LEAD', 'U0B']);
    expect(roleMentions(roleDirectory)('tech-lead')).toBe('<@U0LEAD>, <!subteam^S0LEADS>');
  });

  it('gives the holders as ids, and names an unknown role in code', () => {
    const { roleDirectory } = directory({});
    expect(roleDirectory.holders('tech-lead')).toEqual({ users: ['U0LEAD'], usergroups: ['S0LEADS'] });
    expect(roleDirectory.holders('nobody')).toBeUndefined();
    expect(roleMentions(roleDirectory)('nobody')).toBe('`nobody`');
  });
});
