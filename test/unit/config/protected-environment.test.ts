import { describe, expect, it } from 'vitest';
import { separationOfDutiesFor } from '../../../src/approvals/policy-lookup.ts';
import { isProtectedEnvironment } from '../../../src/config/protected-environment.ts';
import { parseReadinessConfig, ReadinessConfigError } from '../../../src/config/readiness-config.ts';
import { freshnessFor } from '../../../src/deployments/gate-policy.ts';
import { deployPolicyFor } from '../../../src/deployments/deploy-policy.ts';

const HOUR = 3_600_000;
const signoff = { required: [{ role: 'leads' }] };

function document(environments: Record<string, unknown>) {
  return {
    roles: { deployers: { users: ['U0DEPLOYER'] }, leads: { users: ['U0LEAD'] } },
    services: { shop: { environments, checks: [{ id: 'health', name: 'Health', type: 'http', url: 'https://shop.internal/healthz' }] } },
  };
}

function problemsOf(environments: Record<string, unknown>): string[] {
  try {
    parseReadinessConfig(document(environments), 'readiness.yaml');
  } catch (error) {
    if (error instanceof ReadinessConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('protected environments', () => {
  it('are the ones named production or prod, and any marked protected: true', () => {
    expect(isProtectedEnvironment('production', undefined)).toBe(true);
    expect(isProtectedEnvironment('prod', {})).toBe(true);
    expect(isProtectedEnvironment('payments-eu', { protected: true })).toBe(true);
    expect(isProtectedEnvironment('staging', {})).toBe(false);
    expect(isProtectedEnvironment('production-like', {})).toBe(false);
  });

  it('must name a deployerRole when they deploy, each problem naming its key path', () => {
    expect(
      problemsOf({
        production: { deploy: { template: 'standard' } },
        prod: { deploy: {} },
        'payments-eu': { protected: true, deploy: { webhookSecret: 'sixteen-chars-at-least' } },
        staging: { deploy: {} },
        qa: {},
      }),
    ).toEqual([
      'services.shop.environments.production.deploy.deployerRole: required in a protected environment, so that not everyone in the channel may deploy',
      'services.shop.environments.prod.deploy.deployerRole: required in a protected environment, so that not everyone in the channel may deploy',
      'services.shop.environments.payments-eu.deploy.deployerRole: required in a protected environment, so that not everyone in the channel may deploy',
    ]);
    // Without a deploy section nothing is deployed from there, so no role is needed.
    expect(problemsOf({ production: {}, staging: { deploy: {} } })).toEqual([]);
    expect(problemsOf({ production: { deploy: { deployerRole: 'deployers' } } })).toEqual([]);
  });

  it('cannot be unprotected by name', () => {
    expect(problemsOf({ production: { protected: false } })).toEqual([
      'services.shop.environments.production.protected: "production" is always protected; remove `protected: false`',
    ]);
  });
});

describe('freshness of the GO', () => {
  const config = parseReadinessConfig(
    document({
      production: { deploy: { deployerRole: 'deployers' } },
      staging: {},
      perf: { deploy: { freshness: '30m' } },
      legacy: { deploy: { maxDecisionAge: '2h' } },
      eu: { protected: true },
    }),
    'readiness.yaml',
  );

  it('defaults to 4 h where protected and 24 h elsewhere; `freshness`, or the older `maxDecisionAge`, set it', () => {
    expect(freshnessFor(config, 'shop', 'production')).toBe(4 * HOUR);
    expect(freshnessFor(config, 'shop', 'eu')).toBe(4 * HOUR);
    expect(freshnessFor(config, 'shop', 'staging')).toBe(24 * HOUR);
    expect(freshnessFor(config, 'shop', 'perf')).toBe(HOUR / 2);
    expect(freshnessFor(config, 'shop', 'legacy')).toBe(2 * HOUR);
    expect(deployPolicyFor(config, 'shop', 'staging').planExpiresAfter).toBe(HOUR);
  });

  it('refuses both names at once, and a malformed duration, naming the key', () => {
    expect(problemsOf({ staging: { deploy: { freshness: '1h', maxDecisionAge: '2h' } } })).toEqual([
      'services.shop.environments.staging.deploy.maxDecisionAge: set `freshness` only (`maxDecisionAge` is its former name)',
    ]);
    expect(problemsOf({ staging: { deploy: { planExpiresAfter: 'soon' } } })[0]).toMatch(
      /^services\.shop\.environments\.staging\.deploy\.planExpiresAfter: /,
    );
  });
});

describe('separation of duties', () => {
  it('is always on where protected, off by default elsewhere, where the sign-off policy may turn it on', () => {
    const config = parseReadinessConfig(
      document({
        production: { signoff },
        staging: { signoff },
        qa: { signoff: { ...signoff, separationOfDuties: true } },
        eu: { protected: true, signoff: { ...signoff, separationOfDuties: true } },
      }),
      'readiness.yaml',
    );
    expect(separationOfDutiesFor(config, 'shop', 'production')).toBe(true);
    expect(separationOfDutiesFor(config, 'shop', 'staging')).toBe(false);
    expect(separationOfDutiesFor(config, 'shop', 'qa')).toBe(true);
    expect(separationOfDutiesFor(config, 'shop', 'eu')).toBe(true);
  });

  it('cannot be turned off in a protected environment', () => {
    expect(problemsOf({ prod: { signoff: { ...signoff, separationOfDuties: false } } })).toEqual([
      'services.shop.environments.prod.signoff.separationOfDuties: always on in a protected environment; remove `separationOfDuties: false`',
    ]);
  });

  it('refuses a value that is not true or false, naming the key', () => {
    expect(problemsOf({ staging: { signoff: { ...signoff, separationOfDuties: 'yes' } } })[0]).toMatch(
      /^services\.shop\.environments\.staging\.signoff\.separationOfDuties: /,
    );
  });
});
