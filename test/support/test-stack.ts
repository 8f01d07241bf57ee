import { createServer, type AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import type { ReadinessConfig } from '../../src/config/readiness-config.schema.ts';
import { startExampleService, type ExampleService } from '../../tools/demo/example-service.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../tools/demo/local-stack.ts';
import type { StoredMessage } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { silentLogger } from '../../src/shared/logger.ts';

export const USER = 'U0TESTUSER';

/** A two-check service whose checks hit the example service: a critical health check and a low one. */
export function exampleConfig(baseUrl: string, closedUrl: string): ReadinessConfig {
  return parseReadinessConfig(
    {
      services: {
        'example-api': {
          environments: { staging: { vars: { baseUrl } }, production: { vars: { baseUrl } } },
          checks: [
            { id: 'health', name: 'Health endpoint answers', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz', timeoutMs: 2000 },
            {
              id: 'docs',
              name: 'Docs are published',
              type: 'http',
              severity: 'low',
              category: 'documentation',
              url: '{{baseUrl}}/docs',
              timeoutMs: 2000,
            },
          ],
        },
        checkout: {
          environments: { staging: {}, production: {} },
          checks: [{ id: 'health', name: 'Health', type: 'http', url: `${closedUrl}/healthz` }],
        },
      },
    },
    'test config',
  );
}

export interface TestStack extends LocalStack {
  target: ExampleService;
  run(text: string, options?: { userId?: string }): ReturnType<LocalStack['standIn']['sendSlashCommand']>;
  /** The assessment a command started, once it has finished and its message shows the final state. */
  finished(triggerId: string): Promise<{ assessment: FinishedAssessment; message: StoredMessage }>;
  closeAll(): Promise<void>;
}

export type TestStackOptions = Partial<LocalStackOptions> & {
  /** A config built around the example service's URL, for tests that need their own services. */
  configFor?: (targetUrl: string) => ReadinessConfig;
};

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const { configFor, ...overrides } = options;
  const target = await startExampleService();
  const stack = await startLocalStack({
    config: configFor ? configFor(target.url) : exampleConfig(target.url, await closedPortUrl()),
    databaseUrl: inject('databaseUrl'),
    redisUrl: inject('redisUrl'),
    logger: silentLogger,
    slackRetries: 0,
    ...overrides,
  });
  return {
    ...stack,
    target,
    run: (text, options = {}) =>
      stack.standIn.sendSlashCommand(stack.eventsUrl, { text, userId: options.userId ?? USER, channelId: stack.channelId }),
    async finished(triggerId) {
      const assessment = await until(async () => {
        const row = await stack.runtime.db.assessment.findUnique({ where: { requestKey: triggerId }, include: { checks: true } });
        return row && (row.status === 'COMPLETED' || row.status === 'FAILED') && row.messageTs ? row : undefined;
      });
      const message = await stack.standIn.waitFor(() => {
        const shown = stack.standIn.message(stack.channelId, assessment.messageTs ?? '');
        return shown?.text !== undefined && !shown.text.endsWith('assessing…') ? shown : undefined;
      }, 20_000);
      return { assessment, message };
    },
    async closeAll() {
      await stack.close();
      await target.close();
    },
  };
}

type FinishedAssessment = NonNullable<Awaited<ReturnType<LocalStack['runtime']['db']['assessment']['findUnique']>>> & {
  checks: { checkId: string; status: string; message: string | null; evidence: unknown }[];
};

/** A URL on a port nothing listens on: a service that is down. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Polls until `probe` returns a value: for state outside the stand-in, such as database rows. */
export async function until<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function ackText(result: { json?: unknown; body: string }): string {
  return (result.json as { text?: string } | undefined)?.text ?? result.body;
}
