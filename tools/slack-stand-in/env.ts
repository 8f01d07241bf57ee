import { z } from 'zod';

const port = (fallback: number) => z.coerce.number({ error: 'must be a port number (0-65535)' }).int().min(0).max(65535).default(fallback);

const share = () => z.coerce.number({ error: 'must be a share between 0 and 1' }).min(0).max(1).default(0);

/**
 * The environment of the runnable Slack stand-in (compose's `sandbox` profile, or
 * `node --import tsx tools/slack-stand-in/server.ts`). Never part of the production image. The token and secret must
 * equal the bot's SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET.
 */
export const StandInEnv = z.strictObject({
  /** The only bot token the stand-in's Web API accepts. */
  SLACK_BOT_TOKEN: z.string({ error: 'required: the bot token the bot uses (xoxb-…)' }).startsWith('xoxb-', 'must start with xoxb-'),
  /** Signs the commands and clicks the stand-in sends to the bot. */
  SLACK_SIGNING_SECRET: z.string({ error: "required: the bot's signing secret" }).min(8, 'must be at least 8 characters'),
  /** The stand-in's Web API (`/api/…`), response URLs and uploads. @defaultValue 3100 */
  STAND_IN_PORT: port(3100),
  /** Where a person asks the stand-in to send a command or a click (POST /command, POST /click, GET /messages). @defaultValue 3101 */
  STAND_IN_CONTROL_PORT: port(3101),
  /** Interface both ports listen on; 0.0.0.0 in a container. @defaultValue 127.0.0.1 */
  STAND_IN_HOST: z.string().min(1).default('127.0.0.1'),
  /** Base URL the bot reaches the stand-in at, used in the response URLs it hands out. @defaultValue http://127.0.0.1:<STAND_IN_PORT> */
  STAND_IN_PUBLIC_URL: z.url({ error: 'must be a URL such as http://slack:3100' }).optional(),
  /** The bot's Slack endpoint, where commands and clicks are delivered. @defaultValue http://127.0.0.1:3000/slack/events */
  STAND_IN_TARGET_URL: z.url({ error: 'must be a URL such as http://bot:3000/slack/events' }).default('http://127.0.0.1:3000/slack/events'),
  /** Channels the workspace has, comma-separated; the first is where commands come from unless told. @defaultValue C0DEMO */
  STAND_IN_CHANNELS: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}(,[CG][A-Z0-9]{2,})*$/, 'must be channel ids separated by commas, such as C0DEMO,C0OPS')
    .default('C0DEMO'),
  /** A Slack storm: share (0–1) of Web API calls answered 429 + Retry-After. @defaultValue 0 */
  STAND_IN_FAULT_RATE_LIMITED: share(),
  /** Share (0–1) of Web API calls answered 5xx. @defaultValue 0 */
  STAND_IN_FAULT_SERVER_ERROR: share(),
  /** Seed of the storm, so a run repeats. @defaultValue 1 */
  STAND_IN_FAULT_SEED: z.coerce.number({ error: 'must be an integer' }).int().default(1),
});
export type StandInEnv = z.infer<typeof StandInEnv>;

/** Only the stand-in's own variables: the rest of the process environment (PATH, HOME, …) is not its business. */
export function standInEnvFrom(source: NodeJS.ProcessEnv): Record<string, string> {
  const keys = Object.keys(StandInEnv.shape);
  return Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => keys.includes(entry[0]) && entry[1] !== undefined && entry[1] !== ''),
  );
}
