import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYER, LEAD, ONCALL, clickStart, isDmTo, openIncidents, startDeployments } from '../../bench/chaos/support/outage-flows.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../bench/chaos/support/private-services.ts';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { migrationsDir } from '../../src/shared/paths.ts';
import { applyMigrations, ensureDatabase } from '../../src/store/migrations.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

// Our own database failing never decides a release's fate, nor loses a page. A private Postgres is stopped while a
// deployment's webhook is in flight and an escalation comes due:
// - back within the retry window (after 25 s, longer than the 15 s a phase job used to retry before it failed the
//   deployment): the deployment ends SUCCEEDED, each task applied once;
// - back after the window (70 s, longer than the minute of retries an escalation timer used to get before it failed
//   for good and waited for the sweep): the deployment is PAUSED by Readiness with the cause, not failed; and the
//   escalation that came due during the outage fires once, within seconds of Postgres answering.

const DEPLOY_WEBHOOK_MS = 4000;
const SERVICES = ['shop-a', 'shop-b'];

let postgres: PrivatePostgres;
let receiver: DeployReceiver;
let databaseUrl: string;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  databaseUrl = postgres.url('readiness_outage_deployments');
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl, migrationsDir);
  receiver = await DeployReceiver.start();
  for (const service of SERVICES) receiver.behave(`/${service}/deploy`, { delayMs: DEPLOY_WEBHOOK_MS });
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  await postgres?.destroy();
});

const configFor = (targetUrl: string) =>
  parseReadinessConfig(
    {
      roles: { deployers: { users: [DEPLOYER] }, 'on-call': { users: [ONCALL] }, 'tech-lead': { users: [LEAD] } },
      incidents: {
        severities: { sev1: { respondWithin: '5s', levels: [{ roles: ['on-call'] }, { roles: ['tech-lead'], timeout: '1h' }], repeat: 0 } },
      },
      services: Object.fromEntries(
        SERVICES.map((service) => [
          service,
          {
            environments: { production: { vars: { deployUrl: `${receiver.url}/${service}` }, deploy: { deployerRole: 'deployers' } } },
            checks: [{ id: 'health', name: 'Health', type: 'http', url: `${targetUrl}/healthz`, timeoutMs: 30_000 }],
          },
        ]),
      ),
    },
    'postgres outage deployments test',
  );

async function withStack(windowMs: number, body: (stack: TestStack) => Promise<void>): Promise<void> {
  const stack = await startTestStack({
    databaseUrl,
    configFor,
    infrastructureRetryWindowMs: windowMs,
    standIn: { users: { [DEPLOYER]: { name: 'deployer' }, [ONCALL]: { name: 'oncall' }, [LEAD]: { name: 'lead' } } },
  });
  try {
    await body(stack);
  } finally {
    await stack.closeAll();
  }
}

/** Starts the service's deployment and stops Postgres once its deploy webhook is in flight. */
async function deploymentCaughtByOutage(stack: TestStack, service: string): Promise<string> {
  const [id] = await startDeployments(stack, [service]);
  if (!id) throw new Error('no deployment');
  await clickStart(stack, [id]);
  await until(async () => receiver.calls.some((call) => call.path === `/${service}/deploy`), 60_000);
  return id;
}

const appliedOnce = (service: string) =>
  ['prepare', 'deploy', 'verify', 'finalize'].map(
    (task) => receiver.calls.filter((call) => call.path === `/${service}/${task}` && call.executed).length,
  );

describe('Postgres stopped during a deployment and an escalation', () => {
  it('back within the window: the deployment carries on to SUCCEEDED, every webhook effect once', async () => {
    await withStack(60_000, async (stack) => {
      const id = await deploymentCaughtByOutage(stack, 'shop-a');
      await postgres.stop();
      await new Promise((resolve) => setTimeout(resolve, 25_000));
      await postgres.start();
      const done = await until(async () => {
        const row = await stack.runtime.db.deployment.findUnique({ where: { id } });
        return row && !['RUNNING', 'PLANNED'].includes(row.status) ? row : undefined;
      }, 90_000);
      expect(done.status).toBe('SUCCEEDED');
      expect(appliedOnce('shop-a')).toEqual([1, 1, 1, 1]);
      expect(await stack.runtime.db.auditEvent.count({ where: { subjectId: id, action: 'deployment.paused' } })).toBe(0);
    });
  }, 240_000);

  it('back after the window: PAUSED by Readiness with the cause (never FAILED), and the due escalation fires once', async () => {
    await withStack(20_000, async (stack) => {
      const id = await deploymentCaughtByOutage(stack, 'shop-b');
      const [incident] = await openIncidents(stack, 'test', 1);
      if (!incident) throw new Error('no incident');
      await postgres.stop();
      await new Promise((resolve) => setTimeout(resolve, 70_000));
      await postgres.start();
      const back = Date.now();
      const { db } = stack.runtime;

      const escalated = await until(() => db.auditEvent.findFirst({ where: { subjectId: incident.id, action: 'incident.escalated' } }), 60_000);
      // One infrastructure backoff step (5 s) and the work, with room for a loaded machine; the old backoff had
      // failed the timer for good by now and left it to the sweep (off in this stack): it never fired.
      expect(escalated.at.getTime() - back).toBeLessThan(45_000);
      const pages = () =>
        stack.standIn.calls.filter((call) => call.method === 'chat.postMessage' && call.status === 200 && isDmTo(LEAD, call.args.channel));
      await until(async () => pages().length > 0, 60_000);

      const paused = await until(async () => {
        const row = await db.deployment.findUnique({ where: { id }, include: { tasks: true } });
        return row && row.status !== 'RUNNING' && !row.tasks.some((task) => task.status === 'RUNNING') ? row : undefined;
      }, 90_000);
      expect(paused.status).toBe('PAUSED');
      const pause = await db.auditEvent.findFirstOrThrow({ where: { subjectId: id, action: 'deployment.paused' } });
      expect(pause.actor).toBe('system');
      expect(pause.reason).toMatch(/^the database did not answer for \d+ s/);
      const thread = stack.standIn.calls.filter(
        (call) => call.method === 'chat.postMessage' && String(call.args.text).includes('Paused by Readiness'),
      );
      expect(thread).toHaveLength(1);
      // The phase under way finished (its webhook applied once); the next one waits for a person.
      expect(appliedOnce('shop-b')).toEqual([1, 1, 0, 0]);

      expect(await db.auditEvent.count({ where: { subjectId: incident.id, action: 'incident.escalated' } })).toBe(1);
      expect(pages()).toHaveLength(1);
    });
  }, 300_000);
});
