import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  deliverSigned,
  parseApiArgs,
  parseJsonOrUndefined,
  readBody,
  readRawBody,
  sendJson,
  type DeliveryResult,
  type Json,
  type SignatureTamper,
} from './http.ts';
import { FaultInjector, type FaultInjection } from './faults.ts';
import { RollingWindowLimiter } from './rate-limit.ts';
import { ResponseUrlRegistry } from './response-url.ts';
import { buildButtonClick, buildViewSubmission } from './interactions.ts';
import { StandInFiles, type StoredFile } from './files.ts';
import { APP_ID, newTriggerId, StandInWorkspace, TEAM_DOMAIN, type StoredMessage, type StoredView } from './web-api.ts';

export type { SignatureTamper } from './http.ts';
export type { StoredMessage, StoredView } from './web-api.ts';
export type { StoredFile } from './files.ts';
export type { FaultInjection } from './faults.ts';

export interface SlackStandInOptions {
  signingSecret: string;
  /** The only token accepted, as `Authorization: Bearer` or a `token` argument. */
  botToken: string;
  teamId?: string;
  /** Set for an Enterprise Grid installation: auth.test reports it, and requests carry it. */
  enterpriseId?: string;
  botUserId?: string;
  /** Known channel ids; anything else is `channel_not_found`. */
  channels?: string[];
  /** Users known to users.info (and accepted as DM targets / ephemeral recipients). */
  users?: Record<string, { name: string; realName?: string; isBot?: boolean }>;
  /** Members per user group id, for usergroups.users.list; unknown groups are `no_such_subteam`. */
  usergroups?: Record<string, string[]>;
  /** Max calls per method per rolling 60 s; beyond that Slack answers 429 with Retry-After. */
  rateLimits?: Partial<Record<string, number>>;
  /** A Slack storm: a seeded share of Web API calls answered 429 or 5xx. @defaultValue off */
  faults?: FaultInjection;
  port?: number;
  /** Interface to listen on; 0.0.0.0 when the app runs in another container. @defaultValue 127.0.0.1 */
  host?: string;
  /** Base of the URLs the stand-in hands out (response_url, upload URLs), as the app reaches it. @defaultValue http://127.0.0.1:<port> */
  publicUrl?: string;
}

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  status: number;
  response: Record<string, unknown>;
}

export interface RecordedResponse {
  url: string;
  body: Record<string, unknown>;
  at: number;
  /** HTTP status the stand-in answered with (404 once the URL is used up or expired). */
  status: number;
}

export interface SlashCommandInput {
  command?: string;
  text: string;
  userId?: string;
  channelId?: string;
  /** Sends the command as from another workspace (Slack Connect): defaults to the installation's. */
  teamId?: string;
  enterpriseId?: string;
  triggerId?: string;
}

export interface SlashCommandResult extends DeliveryResult {
  json?: unknown;
  responseUrl: string;
  triggerId: string;
}

export interface InteractionResult extends DeliveryResult {
  responseUrl: string;
  triggerId: string;
}

export interface RecordedUpload {
  url: string;
  /** Bytes received. */
  length: number;
  at: number;
  status: number;
}

export interface InjectedFailure {
  status?: number;
  error?: string;
  retryAfterSeconds?: number;
}

const VERIFICATION_TOKEN = 'standInVerificationToken';

export class SlackStandIn {
  readonly apiUrl: string;
  readonly baseUrl: string;
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  /** Every POST to a file upload URL, accepted or not. */
  readonly uploads: RecordedUpload[] = [];
  readonly events = new EventEmitter();

  private readonly server: Server;
  private readonly options: SlackStandInOptions;
  private readonly teamId: string;
  private readonly workspace: StandInWorkspace;
  private readonly limiter: RollingWindowLimiter;
  /** The storm, if one was asked for; `faults.injected` counts what it answered. */
  readonly faults: FaultInjector;
  private readonly failures = new Map<string, InjectedFailure[]>();
  private readonly responseUrls: ResponseUrlRegistry;

  private constructor(server: Server, options: SlackStandInOptions) {
    this.server = server;
    this.options = options;
    const { port } = server.address() as AddressInfo;
    this.baseUrl = options.publicUrl?.replace(/\/+$/, '') ?? `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.baseUrl}/api/`;
    this.teamId = options.teamId ?? 'T0READY';
    this.workspace = new StandInWorkspace({
      teamId: this.teamId,
      ...(options.enterpriseId !== undefined ? { enterpriseId: options.enterpriseId } : {}),
      botUserId: options.botUserId ?? 'U0READYBOT',
      channels: options.channels ?? ['C0DEMO'],
      users: options.users ?? {},
      usergroups: options.usergroups ?? {},
      baseUrl: this.baseUrl,
    });
    this.limiter = new RollingWindowLimiter(options.rateLimits);
    this.faults = new FaultInjector(options.faults);
    this.responseUrls = new ResponseUrlRegistry(this.baseUrl);
    // Tests commonly have several waitFor()s pending at once.
    this.events.setMaxListeners(100);
  }

  static async start(options: SlackStandInOptions): Promise<SlackStandIn> {
    let standIn: SlackStandIn | undefined;
    const server = createServer((req, res) => {
      if (standIn === undefined) {
        sendJson(res, 503, { ok: false, error: 'starting' });
        return;
      }
      standIn.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error', detail: String(error) });
        else res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    standIn = new SlackStandIn(server, options);
    return standIn;
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.workspace.message(channel, ts);
  }

  messages(channel?: string): StoredMessage[] {
    return this.workspace.messages(channel);
  }

  /** A modal or home view the app opened/published, by view id. */
  view(viewId: string): StoredView | undefined {
    return this.workspace.view(viewId);
  }

  homeView(userId: string): StoredView | undefined {
    return this.workspace.homeView(userId);
  }

  /** Every file the app uploaded (completed or not), oldest first; `content` holds the bytes it posted. */
  files(): StoredFile[] {
    return this.workspace.files.all();
  }

  file(id: string): StoredFile | undefined {
    return this.workspace.files.file(id);
  }

  /** The replies in a message's thread, oldest first. */
  threadReplies(channel: string, threadTs: string): StoredMessage[] {
    return this.workspace.messages(channel).filter((m) => m.threadTs === threadTs && m.ts !== threadTs);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (settle: () => void): void => {
        settled = true;
        clearTimeout(timer);
        clearInterval(poll);
        this.events.off('call', check);
        this.events.off('response', check);
        settle();
      };
      function check(): void {
        if (settled) return;
        try {
          const value = predicate();
          if (value) finish(() => resolve(value));
        } catch (error) {
          finish(() => reject(error));
        }
      }
      const timer = setTimeout(() => {
        finish(() => reject(new Error(this.describeTimeout(predicate, timeoutMs))));
      }, timeoutMs);
      // The predicate may also depend on state outside the stand-in (the app's database, say).
      const poll = setInterval(check, 50);
      this.events.on('call', check);
      this.events.on('response', check);
      check();
    });
  }

  failNext(method: string, failure: InjectedFailure): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(failure);
    this.failures.set(method, queue);
  }

  async sendSlashCommand(targetUrl: string, command: SlashCommandInput, tamper?: SignatureTamper): Promise<SlashCommandResult> {
    const responseUrl = this.responseUrls.issue();
    const triggerId = this.workspace.issueTrigger(command.triggerId ?? newTriggerId());
    const userId = command.userId ?? this.defaultUserId();
    const channelId = command.channelId ?? this.workspace.defaultChannel();
    // Field order and names as Slack sends them for a slash command.
    const form = new URLSearchParams({
      token: VERIFICATION_TOKEN,
      team_id: command.teamId ?? this.teamId,
      team_domain: TEAM_DOMAIN,
      channel_id: channelId,
      channel_name: this.workspace.channelName(channelId),
      user_id: userId,
      user_name: this.workspace.userName(userId),
      command: command.command ?? '/readiness',
      text: command.text,
      api_app_id: APP_ID,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    });
    const enterpriseId = command.enterpriseId ?? this.options.enterpriseId;
    if (enterpriseId !== undefined) form.set('enterprise_id', enterpriseId);
    const result = await deliverSigned(targetUrl, this.options.signingSecret, form.toString(), tamper);
    const json = parseJsonOrUndefined(result.body);
    return { ...result, ...(json !== undefined ? { json } : {}), responseUrl, triggerId };
  }

  async sendInteraction(targetUrl: string, payload: Record<string, unknown>, tamper?: SignatureTamper): Promise<InteractionResult> {
    const responseUrl = typeof payload.response_url === 'string' ? payload.response_url : this.responseUrls.issue();
    this.responseUrls.adopt(responseUrl);
    const triggerId = this.workspace.issueTrigger(typeof payload.trigger_id === 'string' ? payload.trigger_id : newTriggerId());
    const body = new URLSearchParams({
      payload: JSON.stringify({ ...payload, response_url: responseUrl, trigger_id: triggerId }),
    }).toString();
    const result = await deliverSigned(targetUrl, this.options.signingSecret, body, tamper);
    return { ...result, responseUrl, triggerId };
  }

  /**
   * A user clicks a button on a message the bot posted, as Slack delivers it. Returns the payload as sent too,
   * so a test can deliver it again (Slack retries a delivery it thinks failed).
   */
  async clickButton(
    targetUrl: string,
    click: { channel: string; ts: string; actionId: string; userId?: string; value?: string; teamId?: string; enterpriseId?: string },
  ): Promise<InteractionResult & { payload: Record<string, unknown> }> {
    const message = this.workspace.message(click.channel, click.ts);
    if (!message) throw new Error(`no message ${click.ts} in ${click.channel}`);
    return this.clickOn(targetUrl, message, click);
  }

  /**
   * A user clicks a button on an ephemeral answer the app posted to a response_url (the newest one there that
   * shows the button), as Slack delivers a click on an ephemeral message.
   */
  async clickResponseButton(
    targetUrl: string,
    click: { responseUrl: string; actionId: string; channel?: string; userId?: string; value?: string },
  ): Promise<InteractionResult & { payload: Record<string, unknown> }> {
    const shows = (body: Record<string, unknown>) => JSON.stringify(body.blocks ?? []).includes(`"action_id":"${click.actionId}"`);
    const answer = [...this.responses]
      .reverse()
      .find((response) => response.url === click.responseUrl && response.status === 200 && shows(response.body));
    if (!answer) throw new Error(`no answer to ${click.responseUrl} shows a button ${click.actionId}`);
    const message: StoredMessage = {
      channel: click.channel ?? this.workspace.defaultChannel(),
      ts: `${Math.floor(answer.at / 1000)}.000000`,
      updates: 0,
      blocks: answer.body.blocks as unknown[],
      ...(typeof answer.body.text === 'string' ? { text: answer.body.text } : {}),
    };
    const sent = await this.clickOn(targetUrl, message, click, true);
    return sent;
  }

  private async clickOn(
    targetUrl: string,
    message: StoredMessage,
    click: { actionId: string; userId?: string; value?: string; teamId?: string; enterpriseId?: string },
    ephemeral = false,
  ): Promise<InteractionResult & { payload: Record<string, unknown> }> {
    const userId = click.userId ?? this.defaultUserId();
    const built = buildButtonClick({
      message,
      actionId: click.actionId,
      userId,
      userName: this.workspace.userName(userId),
      teamId: click.teamId ?? this.teamId,
      ...(click.value !== undefined ? { value: click.value } : {}),
    });
    const enterpriseId = click.enterpriseId ?? this.options.enterpriseId;
    const payload = {
      ...built,
      ...(ephemeral ? { container: { ...(built.container as Record<string, unknown>), is_ephemeral: true } } : {}),
      ...(enterpriseId !== undefined ? { enterprise: { id: enterpriseId, name: 'Stand-in Enterprise' } } : {}),
    };
    const result = await this.sendInteraction(targetUrl, payload);
    return { ...result, payload: { ...payload, response_url: result.responseUrl, trigger_id: result.triggerId } };
  }

  /** A user submits a modal the bot opened, with the given plain-text inputs (by action id). */
  async submitView(
    targetUrl: string,
    submission: { viewId: string; userId?: string; values: Record<string, string> },
  ): Promise<InteractionResult & { json?: unknown }> {
    const view = this.workspace.view(submission.viewId);
    if (!view) throw new Error(`no open view ${submission.viewId}`);
    const userId = submission.userId ?? this.defaultUserId();
    const payload = buildViewSubmission({ view, userId, userName: this.workspace.userName(userId), teamId: this.teamId, values: submission.values });
    const result = await this.sendInteraction(targetUrl, payload);
    let json: unknown;
    try {
      json = result.body === '' ? undefined : JSON.parse(result.body);
    } catch {
      json = undefined;
    }
    return { ...result, ...(json !== undefined ? { json } : {}) };
  }

  /** Every modal the app opened, oldest first. */
  openedViews(): StoredView[] {
    return this.workspace.allViews();
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive sockets from the app's HTTP client would otherwise hold close() open.
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (StandInFiles.isUploadPath(url.pathname) && req.method === 'POST') {
      await this.handleUpload(url, req, res);
      return;
    }
    const raw = await readBody(req);
    if (url.pathname.startsWith('/api/')) {
      this.handleApi(decodeURIComponent(url.pathname.slice('/api/'.length)), req, raw, url.searchParams, res);
    } else if (url.pathname.startsWith('/response/') && req.method === 'POST') {
      this.handleResponseUrl(url, raw, res);
    } else {
      sendJson(res, 404, { ok: false, error: 'not_found' });
    }
  }

  private handleApi(method: string, req: IncomingMessage, raw: string, query: URLSearchParams, res: ServerResponse): void {
    const parsed = parseApiArgs(req.headers['content-type'], raw, query);
    const args: Json = parsed === 'invalid_json' ? {} : parsed;
    const bodyToken = typeof args.token === 'string' ? args.token : undefined;
    delete args.token;

    const answer = (status: number, response: Json, headers: Record<string, string> = {}): void => {
      const call: RecordedCall = { method, args, at: Date.now(), status, response };
      this.calls.push(call);
      sendJson(res, status, response, headers);
      this.events.emit('call', call);
    };

    const injected = this.failures.get(method)?.shift();
    if (injected !== undefined) {
      const { status, body, headers } = injectedFailureResponse(injected);
      answer(status, body, headers);
      return;
    }
    if (parsed === 'invalid_json') {
      answer(200, { ok: false, error: 'invalid_json' });
      return;
    }
    const authError = this.checkAuth(req.headers.authorization, bodyToken);
    if (authError !== undefined) {
      answer(200, { ok: false, error: authError });
      return;
    }
    const fault = this.faults.next(method);
    if (fault?.kind === 'rate_limited') {
      answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfterSeconds) });
      return;
    }
    if (fault?.kind === 'server_error') {
      answer(fault.status, { ok: false, error: 'internal_error' });
      return;
    }
    const retryAfter = this.limiter.take(method, Date.now());
    if (retryAfter !== undefined) {
      answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
      return;
    }
    const handler = this.workspace.methods[method];
    answer(200, handler === undefined ? { ok: false, error: 'unknown_method' } : handler(args));
  }

  private async handleUpload(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readRawBody(req);
    const { status, text } = await this.workspace.files.acceptUpload(url.pathname, req.headers['content-type'], body);
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    const upload: RecordedUpload = { url: `${this.baseUrl}${url.pathname}`, length: body.length, at: Date.now(), status };
    this.uploads.push(upload);
    this.events.emit('upload', upload);
  }

  private checkAuth(authorization: string | undefined, bodyToken: string | undefined): string | undefined {
    const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    const token = bearer ?? bodyToken;
    // Slack distinguishes a missing token (not_authed) from a wrong one (invalid_auth).
    if (token === undefined) return 'not_authed';
    return token === this.options.botToken ? undefined : 'invalid_auth';
  }

  private handleResponseUrl(url: URL, raw: string, res: ServerResponse): void {
    const full = `${this.baseUrl}${url.pathname}`;
    const { status, body, response } = this.responseUrls.accept(full, raw);
    const recorded: RecordedResponse = { url: full, body, at: Date.now(), status };
    this.responses.push(recorded);
    sendJson(res, status, response);
    this.events.emit('response', recorded);
  }

  private defaultUserId(): string {
    const human = Object.entries(this.options.users ?? {}).find(([, u]) => u.isBot !== true);
    return human?.[0] ?? 'U0DEMOUSER';
  }

  private describeTimeout(predicate: () => unknown, timeoutMs: number): string {
    const recent = this.calls.slice(-10).map((c) => `  ${c.method} -> ${c.status} ${c.response.ok === true ? 'ok' : String(c.response.error)}`);
    const source = predicate.toString().replace(/\s+/g, ' ').slice(0, 200);
    return [
      `SlackStandIn.waitFor timed out after ${timeoutMs} ms waiting for: ${source}`,
      `${this.calls.length} Web API call(s), ${this.responses.length} response_url post(s) so far; last calls:`,
      ...(recent.length > 0 ? recent : ['  (none)']),
    ].join('\n');
  }
}

function injectedFailureResponse(failure: InjectedFailure): { status: number; body: Json; headers: Record<string, string> } {
  const status = failure.status ?? (failure.retryAfterSeconds !== undefined ? 429 : 200);
  const error = failure.error ?? (status === 429 ? 'ratelimited' : 'internal_error');
  const headers: Record<string, string> = {};
  // The Web API client treats a 429 without a usable Retry-After as a hard failure, so always send one.
  if (status === 429 || failure.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(failure.retryAfterSeconds ?? 1);
  }
  return { status, body: { ok: false, error }, headers };
}
