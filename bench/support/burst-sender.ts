// The load generator of bench:ack, in a process of its own: N signed slash commands sent at once, each timed from
// its send to its answer read. Apart from the stand-in so that the Web API calls an app makes after its acks (the
// floor app posts at once) do not slow the clock that times the acks. Prints one JSON line of results.
import { APP_ID, TEAM_DOMAIN } from '../../tools/slack-stand-in/web-api.ts';
import { deliverSigned } from '../../tools/slack-stand-in/http.ts';

interface BurstOrder {
  url: string;
  signingSecret: string;
  text: string;
  channelId: string;
  teamId: string;
  responseUrlBase: string;
  triggerIds: string[];
}

const order = JSON.parse(process.argv[2] ?? '{}') as BurstOrder;
const results = await Promise.all(
  order.triggerIds.map(async (triggerId, i) => {
    const form = new URLSearchParams({
      token: 'standInVerificationToken',
      team_id: order.teamId,
      team_domain: TEAM_DOMAIN,
      channel_id: order.channelId,
      channel_name: 'bench',
      user_id: `UBENCH${i}`,
      user_name: `bench${i}`,
      command: '/readiness',
      text: order.text,
      api_app_id: APP_ID,
      is_enterprise_install: 'false',
      response_url: `${order.responseUrlBase}/commands/bench/${triggerId}`,
      trigger_id: triggerId,
    });
    const started = performance.now();
    try {
      const answer = await deliverSigned(order.url, order.signingSecret, form.toString());
      return { status: answer.status, ms: answer.latencyMs };
    } catch {
      return { status: 0, ms: performance.now() - started };
    }
  }),
);
process.stdout.write(`${JSON.stringify(results)}\n`);
