// The floor of bench:ack: the least a Bolt 5 app can do for a slash command — verify the signature, ack, then
// chat.postMessage — run as its own plain-node process, as the bot is. Readiness's ack p99 is reported as a ratio
// against this app's p99 measured in the same run, on the same machine, under the same burst.
import bolt from '@slack/bolt';

const { App, HTTPReceiver, LogLevel } = bolt;
const receiver = new HTTPReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET ?? '', processBeforeResponse: false });
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  receiver,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});
app.command('/readiness', async ({ ack, command, client }) => {
  await ack({ response_type: 'ephemeral', text: 'Assessing…' });
  await client.chat.postMessage({ channel: command.channel_id, text: `assessing ${command.text}` });
});
await app.start(Number(process.env.PORT));
process.stdout.write('ready\n');
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
