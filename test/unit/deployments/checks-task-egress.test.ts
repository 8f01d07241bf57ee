import { describe, expect, it } from 'vitest';
import type { CheckRunner, RunCheckOptions } from '../../../src/checks/check-runner.port.ts';
import type { DeploymentView } from '../../../src/deployments/deployment.types.ts';
import { taskRunner } from '../../../src/deployments/tasks/run-task.ts';
import type { WebhookSender } from '../../../src/deployments/tasks/webhook-sender.port.ts';
import type { EgressPolicy } from '../../../src/egress/egress-policy.ts';
import { exampleConfig } from '../../support/test-stack.ts';

// A deployment's `checks` task runs readiness checks against the service: the egress allowlist must apply to them
// exactly as it does to assessments, or a template could reach any host.
describe('the checks task', () => {
  it('runs its checks under the egress policy', async () => {
    const seen: (RunCheckOptions | undefined)[] = [];
    const runCheck: CheckRunner['runCheck'] = async (_spec, _target, options) => {
      seen.push(options);
      return { status: 'PASS', message: 'ok', durationMs: 1, evidence: {} };
    };
    const checks: CheckRunner = {
      runCheck,
      probe: async () => {
        throw new Error('not used');
      },
    };
    const egress = { name: 'the allowlist' } as unknown as EgressPolicy;
    const config = exampleConfig('http://example.internal', 'http://closed.internal');
    const run = taskRunner({ config, checks, webhooks: {} as WebhookSender, egress, postGate: async () => undefined });
    const deployment = { id: 'dep-1', service: 'example-api', environment: 'staging' } as DeploymentView;
    await run(
      {
        id: 'verify',
        name: 'verify',
        type: 'checks',
        after: [],
        estimateMs: 0,
        spec: { id: 'verify', after: [], type: 'checks', checks: ['health'] },
      },
      { deployment, stage: 'deploy', idempotencyKey: 'k', signal: new AbortController().signal },
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((options) => options?.egress === egress)).toBe(true);
  });
});
