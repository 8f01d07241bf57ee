import { Counter, Registry } from 'prom-client';

/** Which of a process's Web API clients made a call: `commands` waits out 429s, `workers` hands them to the queue. */
export type SlackClientName = 'commands' | 'workers';

/** Counts what Slack's Web API made this process do again or wait for; served on the process's /metrics. */
export interface SlackApiMetrics {
  registry: Registry;
  /** A failed call (5xx, network error, a 429 waited out) that the client is about to try again. */
  retried(client: SlackClientName): void;
  /** Slack answered 429 with Retry-After. */
  rateLimited(client: SlackClientName, method: string): void;
}

/** `https://slack.com/api/chat.update` → `chat.update`; anything that is not a Web API method name → `other` (keeps label values few). */
export function slackMethodOf(url: string): string {
  const last =
    url
      .split('?')[0]
      ?.split('/')
      .filter((part) => part !== '')
      .at(-1) ?? '';
  return /^[a-z]+(?:\.[a-zA-Z]+){1,3}$/.test(last) ? last : 'other';
}

export function createSlackApiMetrics(): SlackApiMetrics {
  const registry = new Registry();
  const retries = new Counter({
    name: 'readiness_slack_api_retries_total',
    help: 'Slack Web API calls tried again after a failure (5xx, network error, or a 429 waited out), per client.',
    labelNames: ['client'],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'readiness_slack_api_rate_limited_total',
    help: 'Slack Web API answers of 429 (rate limited), per client and method.',
    labelNames: ['client', 'method'],
    registers: [registry],
  });
  // Present from the start at 0, so rate() and alerts work before the first retry.
  for (const client of ['commands', 'workers'] as const) retries.inc({ client }, 0);
  return {
    registry,
    retried: (client) => retries.inc({ client }),
    rateLimited: (client, method) => rateLimited.inc({ client, method }),
  };
}
