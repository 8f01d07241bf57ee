import { describe, expect, it } from 'vitest';
import { Env, parseEnv, ConfigError } from '../../../src/config/env.ts';
import { cachedInstallation, foreignOrigin, foreignRequestMessage, requestOrigin, type Installation } from '../../../src/slack/installation-guard.ts';

const HOME: Installation = { teamId: 'T0HOME', enterpriseId: undefined, orgWide: false };
const GRID_WORKSPACE: Installation = { teamId: 'T0HOME', enterpriseId: 'E0ORG', orgWide: false };
const ORG_WIDE: Installation = { teamId: undefined, enterpriseId: 'E0ORG', orgWide: true };

describe('requestOrigin', () => {
  it('reads every team and enterprise id Slack puts in commands and interactions', () => {
    expect(requestOrigin({ team_id: 'T0HOME', enterprise_id: 'E0ORG' })).toEqual({ teams: ['T0HOME'], enterprises: ['E0ORG'] });
    expect(requestOrigin({ team: { id: 'T0HOME' }, user: { id: 'U1', team_id: 'T0GUEST' }, enterprise: null })).toEqual({
      teams: ['T0HOME', 'T0GUEST'],
      enterprises: [],
    });
    expect(requestOrigin({ team: { id: 'T0HOME' }, enterprise: { id: 'E0ORG' } })).toEqual({ teams: ['T0HOME'], enterprises: ['E0ORG'] });
  });
});

describe('foreignOrigin', () => {
  it('lets the home workspace through', () => {
    expect(foreignOrigin({ teams: ['T0HOME'], enterprises: [] }, HOME)).toBeUndefined();
    expect(foreignOrigin({ teams: ['T0HOME'], enterprises: ['E0ORG'] }, GRID_WORKSPACE)).toBeUndefined();
  });

  it('refuses another workspace, also when only the clicking user is from elsewhere (Slack Connect)', () => {
    expect(foreignOrigin({ teams: ['T0OTHER'], enterprises: [] }, HOME)).toEqual({ reason: 'foreign_team', teamId: 'T0OTHER' });
    expect(foreignOrigin({ teams: ['T0HOME', 'T0GUEST'], enterprises: [] }, HOME)).toEqual({ reason: 'foreign_team', teamId: 'T0GUEST' });
    expect(foreignOrigin({ teams: [], enterprises: [] }, HOME)).toMatchObject({ reason: 'foreign_team' });
  });

  it('refuses another org, or any org when installed outside Enterprise Grid', () => {
    expect(foreignOrigin({ teams: ['T0HOME'], enterprises: ['E0OTHER'] }, GRID_WORKSPACE)).toEqual({
      reason: 'foreign_enterprise',
      enterpriseId: 'E0OTHER',
    });
    expect(foreignOrigin({ teams: ['T0HOME'], enterprises: ['E0ORG'] }, HOME)).toEqual({ reason: 'foreign_enterprise', enterpriseId: 'E0ORG' });
  });

  it('lets any workspace of the org use an org-wide installation, and no other org', () => {
    expect(foreignOrigin({ teams: ['T0ANY'], enterprises: ['E0ORG'] }, ORG_WIDE)).toBeUndefined();
    expect(foreignOrigin({ teams: ['T0ANY'], enterprises: ['E0OTHER'] }, ORG_WIDE)).toMatchObject({ reason: 'foreign_enterprise' });
    expect(foreignOrigin({ teams: ['T0ANY'], enterprises: [] }, ORG_WIDE)).toMatchObject({ reason: 'foreign_enterprise' });
  });

  it('fails closed while the installation is not known', () => {
    expect(foreignOrigin({ teams: ['T0HOME'], enterprises: [] }, { teamId: undefined, enterpriseId: undefined, orgWide: false })).toEqual({
      reason: 'installation_unknown',
    });
  });

  it('names the rule and escapes the id it shows', () => {
    expect(foreignRequestMessage({ reason: 'foreign_team', teamId: 'T<!channel>' })).toContain('*installation workspace only*');
    expect(foreignRequestMessage({ reason: 'foreign_team', teamId: 'T<!channel>' })).not.toContain('<!channel>');
  });
});

describe('SLACK_TEAM_ID and SLACK_ENTERPRISE_ID', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
  it('are optional ids, refused when malformed', () => {
    expect(parseEnv(Env, { ...base, SLACK_TEAM_ID: 'T0HOME' }).SLACK_TEAM_ID).toBe('T0HOME');
    expect(() => parseEnv(Env, { ...base, SLACK_TEAM_ID: 'home', SLACK_ENTERPRISE_ID: 'org' })).toThrow(ConfigError);
    try {
      parseEnv(Env, { ...base, SLACK_TEAM_ID: 'home', SLACK_ENTERPRISE_ID: 'org' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'SLACK_TEAM_ID: must be a Slack team id such as T012ABCDEF',
        'SLACK_ENTERPRISE_ID: must be a Slack enterprise id such as E012ABCDEF',
      ]);
    }
  });
});

describe('cachedInstallation', () => {
  it('asks again after a failure, then remembers the answer', async () => {
    let calls = 0;
    const installation = cachedInstallation(async () => {
      calls += 1;
      if (calls === 1) throw new Error('slack away');
      return HOME;
    });
    expect(await installation()).toBeUndefined();
    expect(await installation()).toEqual(HOME);
    expect(await installation()).toEqual(HOME);
    expect(calls).toBe(2);
  });

  it('never holds a request longer than its wait while Slack does not answer, and asks once at a time', async () => {
    let calls = 0;
    let answer: (value: Installation) => void = () => undefined;
    const installation = cachedInstallation(() => {
      calls += 1;
      return new Promise<Installation>((resolve) => (answer = resolve));
    }, 20);
    expect(await Promise.all([installation(), installation()])).toEqual([undefined, undefined]);
    expect(calls).toBe(1);
    answer(HOME);
    expect(await installation()).toEqual(HOME);
  });
});
