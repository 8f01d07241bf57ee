import { describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../../src/config/readiness-config.ts';
import { buildPlan } from '../../../src/deployments/plan.ts';
import { runnableTaskSpec } from '../../../src/deployments/tasks/runnable-task.ts';
import { redactDeep } from '../../../src/secrets/redact.ts';

const configWith = (deployUrl: string) =>
  parseReadinessConfig(
    {
      deployments: {
        templates: {
          direct: {
            phases: [{ id: 'go', tasks: [{ id: 'hook', type: 'webhook', url: '{{deployUrl}}/go' }] }],
            rollback: { tasks: [{ id: 'undo', type: 'webhook', url: '{{deployUrl}}/undo' }] },
          },
        },
      },
      services: {
        shop: { environments: { prod: { vars: { deployUrl } } }, checks: [{ id: 'up', name: 'Up', type: 'http', url: 'https://shop.internal' }] },
      },
    },
    'test',
  );
const deployment = { service: 'shop', environment: 'prod', template: 'direct', version: null };

function storedTask(deployUrl: string, stage: 'deploy' | 'rollback') {
  const config = configWith(deployUrl);
  const template = config.deployments.templates.direct;
  if (!template) throw new Error('no template');
  const plan = buildPlan('direct', template, { deployUrl, service: 'shop', environment: 'prod', version: 'latest' });
  if (!plan.ok) throw new Error('no plan');
  const stored = redactDeep(plan.plan);
  const task = stage === 'deploy' ? stored.phases[0]?.tasks[0] : stored.rollback.tasks[0];
  if (!task) throw new Error('no task');
  return task;
}

describe('runnableTaskSpec', () => {
  it('runs a stored task without redactions as stored', () => {
    const task = storedTask('https://deploy.internal/${env:HOOK_PATH}', 'deploy');
    expect(runnableTaskSpec(configWith('https://other.internal'), deployment, 'deploy', task)).toBe(task.spec);
  });

  it('restores literal secrets from the config while it still matches, for deploy and rollback tasks', () => {
    const url = 'https://robot:pw-literal@deploy.internal';
    expect(runnableTaskSpec(configWith(url), deployment, 'deploy', storedTask(url, 'deploy'))).toMatchObject({ url: `${url}/go` });
    expect(runnableTaskSpec(configWith(url), deployment, 'rollback', storedTask(url, 'rollback'))).toMatchObject({ url: `${url}/undo` });
  });

  it('refuses once the config no longer matches what was planned', () => {
    const task = storedTask('https://robot:pw-literal@deploy.internal', 'deploy');
    expect(runnableTaskSpec(configWith('https://robot:pw-literal@elsewhere.internal'), deployment, 'deploy', task)).toBeUndefined();
  });
});
