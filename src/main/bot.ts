import './v8-flags.ts';
import { Env, parseEnv } from '../config/env.ts';
import { loadReadinessConfig } from '../config/readiness-config.ts';
import { createProcessLogger } from '../shared/process-logger.ts';
import { startBot } from './compose.ts';
import { exitOnStartupError, onShutdown } from './process.ts';
import { runtimeFromEnv } from './runtime.ts';

try {
  const env = parseEnv(Env, process.env);
  const config = await loadReadinessConfig(env.READINESS_CONFIG);
  const logger = createProcessLogger(env);
  const runtime = runtimeFromEnv(env, config, logger);
  const bot = await startBot(runtime, {
    signingSecret: env.SLACK_SIGNING_SECRET,
    appToken: env.SLACK_APP_TOKEN,
    port: env.PORT,
    followUpConcurrency: env.ACK_FOLLOW_UP_CONCURRENCY,
    admin: {
      host: env.ADMIN_HOST,
      port: env.ADMIN_PORT,
      token: env.ADMIN_TOKEN,
      queueBoard:
        env.BULL_BOARD_PASSWORD === undefined
          ? undefined
          : { user: env.BULL_BOARD_USER, password: env.BULL_BOARD_PASSWORD, writable: env.BULL_BOARD_WRITE },
    },
    installation: { teamId: env.SLACK_TEAM_ID, enterpriseId: env.SLACK_ENTERPRISE_ID },
    inboxLeaseMs: env.INBOX_LEASE_MS,
  });
  logger.info('readiness bot started', {
    mode: env.SLACK_APP_TOKEN ? 'socket' : 'http',
    port: env.PORT,
    admin: bot.adminUrl,
    services: Object.keys(config.services).length,
  });
  onShutdown(logger, async () => {
    await bot.stop();
    await runtime.close();
  });
} catch (error) {
  exitOnStartupError(error, 'bot');
}
