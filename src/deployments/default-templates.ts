import { Template } from './template.schema.ts';

/**
 * The templates Readiness ships. Their tasks call your deployment tooling at `{{deployUrl}}` (an environment
 * var), and canary analysis reads `{{prometheusUrl}}`; a template of the same name in readiness.yaml replaces one.
 */
const SHIPPED = {
  standard: {
    description: 'preparation → deployment → verification → finalization',
    phases: [
      { id: 'preparation', tasks: [{ id: 'prepare', type: 'webhook', url: '{{deployUrl}}/prepare' }] },
      { id: 'deployment', tasks: [{ id: 'deploy', type: 'webhook', url: '{{deployUrl}}/deploy' }] },
      { id: 'verification', verification: true, tasks: [{ id: 'verify', type: 'webhook', url: '{{deployUrl}}/verify' }] },
      { id: 'finalization', tasks: [{ id: 'finalize', type: 'webhook', url: '{{deployUrl}}/finalize' }] },
    ],
    rollback: { tasks: [{ id: 'rollback', type: 'webhook', url: '{{deployUrl}}/rollback' }] },
  },
  hotfix: {
    description: 'quick backup → deploy → verify; rollback restores the backup',
    phases: [
      { id: 'backup', timeout: '2m', tasks: [{ id: 'backup', type: 'webhook', url: '{{deployUrl}}/backup' }] },
      { id: 'deploy', tasks: [{ id: 'deploy', type: 'webhook', url: '{{deployUrl}}/deploy' }] },
      { id: 'verify', verification: true, tasks: [{ id: 'verify', type: 'webhook', url: '{{deployUrl}}/verify' }] },
    ],
    rollback: { tasks: [{ id: 'restore', type: 'webhook', url: '{{deployUrl}}/restore' }] },
  },
  'blue-green': {
    description: 'deploy green → verify → switch → monitor → cleanup',
    phases: [
      { id: 'deploy-green', tasks: [{ id: 'deploy-green', type: 'webhook', url: '{{deployUrl}}/deploy?slot=green' }] },
      { id: 'verify', verification: true, tasks: [{ id: 'verify-green', type: 'webhook', url: '{{deployUrl}}/verify?slot=green' }] },
      { id: 'switch', tasks: [{ id: 'switch', type: 'webhook', url: '{{deployUrl}}/switch?to=green' }] },
      {
        id: 'monitor',
        verification: true,
        tasks: [
          {
            id: 'error-rate',
            type: 'monitor',
            url: '{{prometheusUrl}}',
            query: '{{errorRateQuery}}',
            comparator: '<',
            threshold: 0.05,
            every: '10s',
            for: '2m',
          },
        ],
      },
      { id: 'cleanup', tasks: [{ id: 'retire-blue', type: 'webhook', url: '{{deployUrl}}/retire?slot=blue' }] },
    ],
    rollback: { tasks: [{ id: 'switch-back', type: 'webhook', url: '{{deployUrl}}/switch?to=blue' }] },
  },
  canary: {
    description: 'traffic steps of 10%, 50% and 100%, each followed by analysis',
    phases: [10, 50, 100].flatMap((percent) => [
      { id: `traffic-${percent}`, tasks: [{ id: `traffic-${percent}`, type: 'webhook', url: `{{deployUrl}}/traffic?percent=${percent}` }] },
      {
        id: `analysis-${percent}`,
        verification: true,
        tasks: [
          {
            id: `analysis-${percent}`,
            type: 'monitor',
            url: '{{prometheusUrl}}',
            query: '{{errorRateQuery}}',
            comparator: '<',
            threshold: 0.05,
            every: '10s',
            for: '1m',
          },
        ],
      },
    ]),
    rollback: { tasks: [{ id: 'traffic-0', type: 'webhook', url: '{{deployUrl}}/traffic?percent=0' }] },
  },
};

export const SHIPPED_TEMPLATES: Readonly<Record<string, Template>> = Object.fromEntries(
  Object.entries(SHIPPED).map(([name, template]) => [name, Template.parse(template)]),
);
