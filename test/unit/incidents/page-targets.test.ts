import { describe, expect, it } from 'vitest';
import { resolvePageTargets } from '../../../src/incidents/page-targets.ts';

const roles = {
  'on-call': { users: ['U0ONCALL'], usergroups: ['S0SRE'] },
  'tech-lead': { users: ['U0LEAD', 'U0ONCALL'], usergroups: [] },
};

describe('resolvePageTargets', () => {
  it('pages the level’s users and usergroups plus its roles’, DMs every member once', async () => {
    const targets = await resolvePageTargets(
      { users: ['U0EXTRA'], usergroups: ['S0DBA'], roles: ['on-call', 'tech-lead'], timeoutMs: 1 },
      { roles, usergroupMembers: async (group) => (group === 'S0SRE' ? ['U0SRE1', 'U0ONCALL'] : ['U0DBA']) },
    );
    expect(targets.users).toEqual(['U0EXTRA', 'U0ONCALL', 'U0LEAD']);
    expect(targets.usergroups).toEqual(['S0DBA', 'S0SRE']);
    expect(targets.dmUsers.sort()).toEqual(['U0DBA', 'U0EXTRA', 'U0LEAD', 'U0ONCALL', 'U0SRE1']);
    expect(targets.missingRoles).toEqual([]);
  });

  it('reports roles readiness.yaml does not define instead of failing, and usergroups it could not look up', async () => {
    const targets = await resolvePageTargets(
      { users: [], usergroups: ['S0GONE'], roles: ['cto', 'on-call'], timeoutMs: 1 },
      {
        roles,
        usergroupMembers: async (group) => {
          if (group === 'S0GONE') throw new Error('no_such_subteam');
          return ['U0SRE1'];
        },
      },
    );
    expect(targets.missingRoles).toEqual(['cto']);
    expect(targets.lookupFailures).toEqual(['S0GONE']);
    expect(targets.usergroups).toContain('S0GONE');
    expect(targets.dmUsers.sort()).toEqual(['U0ONCALL', 'U0SRE1']);
  });

  it('does not resolve prototype names as roles', async () => {
    const targets = await resolvePageTargets(
      { users: [], usergroups: [], roles: ['constructor'], timeoutMs: 1 },
      { roles, usergroupMembers: async () => [] },
    );
    expect(targets.missingRoles).toEqual(['constructor']);
  });
});
