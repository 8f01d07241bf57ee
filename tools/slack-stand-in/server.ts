import { controlServer } from './control.ts';
import { StandInEnv, standInEnvFrom } from './env.ts';
import { SlackStandIn } from './slack-stand-in.ts';

/**
 * The Slack stand-in as a server of its own, for trying a stack without Slack (compose's `sandbox` profile):
 * point the bot's SLACK_API_URL at `<public url>/api/` and drive it through the control port. Not in the
 * production image.
 */
const parsed = StandInEnv.safeParse(standInEnvFrom(process.env));
if (!parsed.success) {
  process.stderr.write(
    `The Slack stand-in cannot start:\n${parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`).join('\n')}\n`,
  );
  process.exit(2);
}
const env: StandInEnv = parsed.data;
const channels = env.STAND_IN_CHANNELS.split(',');
const standIn = await SlackStandIn.start({
  signingSecret: env.SLACK_SIGNING_SECRET,
  botToken: env.SLACK_BOT_TOKEN,
  channels,
  port: env.STAND_IN_PORT,
  host: env.STAND_IN_HOST,
  faults: { rateLimitedShare: env.STAND_IN_FAULT_RATE_LIMITED, serverErrorShare: env.STAND_IN_FAULT_SERVER_ERROR, seed: env.STAND_IN_FAULT_SEED },
  ...(env.STAND_IN_PUBLIC_URL !== undefined ? { publicUrl: env.STAND_IN_PUBLIC_URL } : {}),
});
const control = controlServer(standIn, env.STAND_IN_TARGET_URL);
await new Promise<void>((resolve, reject) => {
  control.once('error', reject);
  control.listen(env.STAND_IN_CONTROL_PORT, env.STAND_IN_HOST, () => resolve());
});
const controlPort = (control.address() as { port: number }).port;
console.log(JSON.stringify({ msg: 'slack stand-in listening', api: standIn.apiUrl, controlPort, target: env.STAND_IN_TARGET_URL, channels }));

const stop = () => {
  control.close();
  void standIn.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
