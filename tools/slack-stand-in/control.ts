import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SlackStandIn } from './slack-stand-in.ts';

const SendCommand = z.strictObject({
  text: z.string().min(1, 'text is required, e.g. "run example-api staging"').max(4000),
  userId: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, 'userId must be a Slack user id such as U0RELEASEMGR')
    .optional(),
  channelId: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'channelId must be a channel id such as C0DEMO')
    .optional(),
});

const ClickButton = z.strictObject({
  channel: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'channel must be a channel id such as C0DEMO'),
  ts: z.string().regex(/^\d+\.\d+$/, 'ts must be a message ts such as 1700000000.000100'),
  actionId: z.string().min(1, 'actionId is required'),
  userId: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, 'userId must be a Slack user id')
    .optional(),
  value: z.string().optional(),
});

/** zod's optional keys read as `undefined`; the stand-in's options want them absent. */
const defined = <T extends object>(value: T) =>
  Object.fromEntries(Object.entries(value).filter((entry) => entry[1] !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
};

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  let raw = '';
  for await (const chunk of req) {
    raw += String(chunk);
    if (raw.length > 64_000) throw new Error('body too large');
  }
  return raw === '' ? {} : JSON.parse(raw);
}

/**
 * A person's handle on the stand-in: send a signed slash command or button click to the bot, and read what the
 * bot posted. Sandbox only (compose's `sandbox` profile); it has no authentication and must never face a network
 * anyone else shares.
 */
export function controlServer(standIn: SlackStandIn, targetUrl: string): Server {
  const routes: Record<string, (req: IncomingMessage, url: URL) => Promise<[number, unknown]>> = {
    'GET /healthz': async () => [200, { ok: true, api: standIn.apiUrl }],
    'GET /messages': async (_req, url) => [200, standIn.messages(url.searchParams.get('channel') ?? undefined)],
    'GET /responses': async () => [200, standIn.responses],
    'POST /command': async (req) => {
      const input = SendCommand.safeParse(await jsonBody(req));
      if (!input.success) return [400, { error: input.error.issues.map((issue) => issue.message) }];
      const result = await standIn.sendSlashCommand(targetUrl, defined(input.data));
      return [200, { status: result.status, ack: result.json, responseUrl: result.responseUrl }];
    },
    'POST /click': async (req) => {
      const input = ClickButton.safeParse(await jsonBody(req));
      if (!input.success) return [400, { error: input.error.issues.map((issue) => issue.message) }];
      if (!standIn.message(input.data.channel, input.data.ts)) return [404, { error: `no message ${input.data.ts} in ${input.data.channel}` }];
      const result = await standIn.clickButton(targetUrl, defined(input.data));
      return [200, { status: result.status }];
    },
  };
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in.invalid');
    const route = routes[`${req.method ?? 'GET'} ${url.pathname}`];
    if (!route) {
      send(res, 404, { error: 'not found', routes: Object.keys(routes) });
      return;
    }
    route(req, url).then(
      ([status, body]) => send(res, status, body),
      (error: unknown) => send(res, 400, { error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
