import { randomBytes } from 'node:crypto';
import { validateBlocks, validateMessageText, validateView, type BlockKitProblem } from '../../src/slack/block-kit-limits.ts';
import type { Json } from './http.ts';
import { StandInFiles, type SharedFileRef, type StoredFile } from './files.ts';

export interface StoredMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  threadTs?: string;
  updates: number;
  ephemeralFor?: string;
  /** Files shared with the message (files.completeUploadExternal). */
  files?: SharedFileRef[];
  /** Message metadata as posted (chat.postMessage `metadata`); conversations.history shows it with include_all_metadata. */
  metadata?: { event_type: string; event_payload: Json };
  /** chat.postMessage with reply_broadcast: a thread reply that shows in the channel's history too. */
  broadcast?: boolean;
}

export interface StoredView {
  id: string;
  type: 'modal' | 'home';
  hash: string;
  /** The view as last sent by the app. */
  view: Json;
  /** Set for home tabs: the user the tab was published for. */
  userId?: string;
}

export interface WorkspaceConfig {
  teamId: string;
  enterpriseId?: string;
  botUserId: string;
  channels: string[];
  users: Record<string, { name: string; realName?: string; isBot?: boolean }>;
  usergroups: Record<string, string[]>;
  /** The stand-in's own address: upload URLs point at it. */
  baseUrl: string;
}

export const BOT_ID = 'B0READY';
export const APP_ID = 'A0READY';
export const TEAM_DOMAIN = 'readiness-demo';

// Slack: a trigger_id expires 3 seconds after it is issued and can be exchanged for one view only.
const TRIGGER_TTL_MS = 3000;

type Handler = (args: Json) => Json;

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function fail(error: string, extra: Json = {}): Json {
  return { ok: false, error, ...extra };
}

/** Slack reports block problems both as `errors` and as `[ERROR] …` lines in response_metadata. */
function problemsResult(error: string, problems: BlockKitProblem[]): Json {
  return fail(error, {
    errors: problems.map((p) => `${p.message} at ${p.path}`),
    response_metadata: {
      messages: problems.map((p) => `[ERROR] ${p.message} [json-pointer:/${p.path.replace(/\[(\d+)\]/g, '.$1').replace(/\./g, '/')}]`),
    },
  });
}

/** Checks text/blocks of a message-shaped payload; returns a Slack error result or undefined. */
export function checkMessageContent(args: Json, requireContent: boolean): Json | undefined {
  const { blocks } = args;
  if (blocks !== undefined && !Array.isArray(blocks)) return fail('invalid_blocks_format');
  if (Array.isArray(blocks)) {
    const problems = validateBlocks(blocks, 'message');
    if (problems.length > 0) return problemsResult('invalid_blocks', problems);
  }
  if (!requireContent && args.text === undefined) return undefined;
  const textProblems = validateMessageText(args.text, blocks);
  if (textProblems.length === 0) return undefined;
  if (args.text === undefined || args.text === '') return fail('no_text');
  return typeof args.text === 'string' ? fail('msg_too_long') : fail('invalid_arguments');
}

/** The workspace state the Web API methods read and change. */
export class StandInWorkspace {
  private readonly config: WorkspaceConfig;
  private readonly channels: Set<string>;
  private readonly byKey = new Map<string, StoredMessage>();
  private readonly ordered: StoredMessage[] = [];
  private readonly views = new Map<string, StoredView>();
  private readonly homeViews = new Map<string, StoredView>();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private lastSeconds = 0;
  private tsCounter = 0;
  private viewCounter = 0;
  readonly methods: Record<string, Handler>;
  readonly files: StandInFiles;

  constructor(config: WorkspaceConfig) {
    this.config = config;
    this.channels = new Set(config.channels);
    this.files = new StandInFiles(config.baseUrl);
    this.methods = {
      'auth.test': () => this.authTest(),
      'chat.postMessage': (a) => this.postMessage(a),
      'chat.update': (a) => this.update(a),
      'chat.delete': (a) => this.deleteMessage(a),
      'chat.postEphemeral': (a) => this.postEphemeral(a),
      'chat.getPermalink': (a) => this.getPermalink(a),
      'views.open': (a) => this.openView(a),
      // A pushed view needs a fresh trigger_id just like an opened one; the stack itself is not modelled.
      'views.push': (a) => this.openView(a),
      'views.update': (a) => this.updateView(a),
      'views.publish': (a) => this.publishView(a),
      'users.info': (a) => this.usersInfo(a),
      'conversations.info': (a) => this.conversationsInfo(a),
      'usergroups.users.list': (a) => this.usergroupUsers(a),
      'conversations.history': (a) => this.history(a),
      'conversations.replies': (a) => this.replies(a),
      'files.getUploadURLExternal': (a) => this.files.getUploadUrl(a),
      'files.completeUploadExternal': (a) => this.completeUpload(a),
    };
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.byKey.get(`${channel}|${ts}`);
  }

  messages(channel?: string): StoredMessage[] {
    return channel === undefined ? [...this.ordered] : this.ordered.filter((m) => m.channel === channel);
  }

  view(id: string): StoredView | undefined {
    return this.views.get(id);
  }

  homeView(userId: string): StoredView | undefined {
    return this.homeViews.get(userId);
  }

  allViews(): StoredView[] {
    return [...this.views.values()];
  }

  defaultChannel(): string {
    return this.config.channels[0] ?? 'C0DEMO';
  }

  userName(userId: string): string {
    return this.config.users[userId]?.name ?? userId.toLowerCase();
  }

  channelName(channelId: string): string {
    return channelId.toLowerCase();
  }

  /** Registers a trigger_id handed to the app in a slash command or interaction. */
  issueTrigger(triggerId = newTriggerId()): string {
    this.triggers.set(triggerId, { issuedAt: Date.now(), used: false });
    return triggerId;
  }

  private consumeTrigger(triggerId: string | undefined): string | undefined {
    if (triggerId === undefined) return 'invalid_arguments';
    const trigger = this.triggers.get(triggerId);
    if (trigger === undefined) return 'invalid_trigger_id';
    if (trigger.used) return 'exchanged_trigger_id';
    if (Date.now() - trigger.issuedAt > TRIGGER_TTL_MS) return 'expired_trigger_id';
    trigger.used = true;
    return undefined;
  }

  /** Slack accepts a user id as channel for a DM with the app; it answers with the IM channel id. */
  private resolveChannel(channel: string | undefined): string | undefined {
    if (channel === undefined) return undefined;
    if (this.channels.has(channel)) return channel;
    if (this.config.users[channel] !== undefined) {
      const im = `D${channel.slice(1)}`;
      this.channels.add(im);
      return im;
    }
    return undefined;
  }

  // Real ts values are "<unix seconds>.<6 digits>", unique per channel and increasing; a global
  // counter keeps them unique across channels too, which makes lookups by ts alone unambiguous.
  private nextTs(): string {
    this.lastSeconds = Math.max(this.lastSeconds, Math.floor(Date.now() / 1000));
    this.tsCounter = (this.tsCounter + 1) % 1_000_000;
    return `${this.lastSeconds}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private messageJson(m: StoredMessage, withMetadata = false): Json {
    return {
      ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
      type: 'message',
      user: this.config.botUserId,
      bot_id: BOT_ID,
      app_id: APP_ID,
      team: this.config.teamId,
      ts: m.ts,
      text: m.text ?? '',
      ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
      ...(m.threadTs !== undefined ? { thread_ts: m.threadTs } : {}),
      ...(m.files !== undefined ? { files: m.files, upload: true } : {}),
    };
  }

  private store(m: StoredMessage): void {
    this.byKey.set(`${m.channel}|${m.ts}`, m);
    this.ordered.push(m);
  }

  private newMessage(channel: string, args: Json, extra: { ephemeralFor?: string } = {}): StoredMessage {
    const m: StoredMessage = { channel, ts: this.nextTs(), updates: 0 };
    if (typeof args.text === 'string') m.text = args.text;
    if (Array.isArray(args.blocks)) m.blocks = args.blocks;
    const threadTs = str(args.thread_ts);
    if (threadTs !== undefined) m.threadTs = threadTs;
    if (extra.ephemeralFor !== undefined) m.ephemeralFor = extra.ephemeralFor;
    const metadata = args.metadata as { event_type?: unknown; event_payload?: unknown } | undefined;
    if (typeof metadata?.event_type === 'string' && typeof metadata.event_payload === 'object' && metadata.event_payload !== null) {
      m.metadata = { event_type: metadata.event_type, event_payload: metadata.event_payload as Json };
    }
    if (args.reply_broadcast === true || args.reply_broadcast === 'true') m.broadcast = true;
    return m;
  }

  private authTest(): Json {
    return {
      ok: true,
      url: `https://${TEAM_DOMAIN}.slack.com/`,
      team: 'Readiness Demo',
      user: 'readiness',
      team_id: this.config.teamId,
      user_id: this.config.botUserId,
      bot_id: BOT_ID,
      ...(this.config.enterpriseId !== undefined ? { enterprise_id: this.config.enterpriseId } : {}),
      is_enterprise_install: false,
    };
  }

  private postMessage(args: Json): Json {
    const channel = this.resolveChannel(str(args.channel));
    if (channel === undefined) return fail('channel_not_found');
    const invalid = checkMessageContent(args, true);
    if (invalid !== undefined) return invalid;
    const m = this.newMessage(channel, args);
    this.store(m);
    return { ok: true, channel, ts: m.ts, message: this.messageJson(m) };
  }

  private update(args: Json): Json {
    const channel = this.resolveChannel(str(args.channel));
    if (channel === undefined) return fail('channel_not_found');
    const ts = str(args.ts);
    const m = ts === undefined ? undefined : this.message(channel, ts);
    if (m === undefined) return fail('message_not_found');
    if (m.ephemeralFor !== undefined) return fail('cant_update_message');
    // Omitted text/blocks keep their previous value (Slack: pass blocks: [] to remove blocks), so
    // the "is there anything left to show" check runs on the merged result.
    const merged: Json = {
      text: args.text !== undefined ? args.text : m.text,
      blocks: args.blocks !== undefined ? args.blocks : m.blocks,
    };
    const invalid = checkMessageContent(merged, true);
    if (invalid !== undefined) return invalid;
    if (typeof args.text === 'string') m.text = args.text;
    if (Array.isArray(args.blocks)) m.blocks = args.blocks;
    m.updates += 1;
    return { ok: true, channel, ts: m.ts, text: m.text ?? '', message: this.messageJson(m) };
  }

  /** Slack: a bot deletes its own messages; an ephemeral one cannot be deleted, and a deleted one is message_not_found. */
  private deleteMessage(args: Json): Json {
    const channel = this.resolveChannel(str(args.channel));
    if (channel === undefined) return fail('channel_not_found');
    const ts = str(args.ts);
    const m = ts === undefined ? undefined : this.message(channel, ts);
    if (m === undefined) return fail('message_not_found');
    if (m.ephemeralFor !== undefined) return fail('cant_delete_message');
    this.byKey.delete(`${channel}|${m.ts}`);
    this.ordered.splice(this.ordered.indexOf(m), 1);
    return { ok: true, channel, ts: m.ts };
  }

  private postEphemeral(args: Json): Json {
    const channel = this.resolveChannel(str(args.channel));
    if (channel === undefined) return fail('channel_not_found');
    const user = str(args.user);
    if (user === undefined) return fail('user_not_found');
    if (Object.keys(this.config.users).length > 0 && this.config.users[user] === undefined) {
      return fail('user_not_found');
    }
    const invalid = checkMessageContent(args, true);
    if (invalid !== undefined) return invalid;
    const m = this.newMessage(channel, args, { ephemeralFor: user });
    this.store(m);
    return { ok: true, message_ts: m.ts };
  }

  private getPermalink(args: Json): Json {
    const channel = this.resolveChannel(str(args.channel));
    if (channel === undefined) return fail('channel_not_found');
    const ts = str(args.message_ts);
    const m = ts === undefined ? undefined : this.message(channel, ts);
    if (m === undefined || m.ephemeralFor !== undefined) return fail('message_not_found');
    const base = `https://${TEAM_DOMAIN}.slack.com/archives/${channel}/p${m.ts.replace('.', '')}`;
    const permalink = m.threadTs === undefined ? base : `${base}?thread_ts=${m.threadTs}&cid=${channel}`;
    return { ok: true, channel, permalink };
  }

  private viewJson(v: StoredView): Json {
    return {
      ...v.view,
      id: v.id,
      team_id: this.config.teamId,
      type: v.type,
      hash: v.hash,
      app_id: APP_ID,
      bot_id: BOT_ID,
      state: { values: {} },
      root_view_id: v.id,
      previous_view_id: null,
    };
  }

  private checkView(view: unknown, surface: 'modal' | 'home'): Json | undefined {
    const problems = validateView(view, surface);
    return problems.length > 0 ? problemsResult('invalid_arguments', problems) : undefined;
  }

  private openView(args: Json): Json {
    const invalid = this.checkView(args.view, 'modal');
    if (invalid !== undefined) return invalid;
    const triggerError = this.consumeTrigger(str(args.trigger_id));
    if (triggerError !== undefined) return fail(triggerError);
    const v: StoredView = { id: this.nextViewId(), type: 'modal', hash: newHash(), view: args.view as Json };
    this.views.set(v.id, v);
    return { ok: true, view: this.viewJson(v) };
  }

  private updateView(args: Json): Json {
    const viewId = str(args.view_id);
    const externalId = str(args.external_id);
    if (viewId === undefined && externalId === undefined) return fail('invalid_arguments');
    const existing = viewId !== undefined ? this.views.get(viewId) : [...this.views.values()].find((v) => v.view.external_id === externalId);
    if (existing === undefined) return fail('not_found');
    const hash = str(args.hash);
    if (hash !== undefined && hash !== existing.hash) return fail('hash_conflict');
    const invalid = this.checkView(args.view, existing.type);
    if (invalid !== undefined) return invalid;
    existing.view = args.view as Json;
    existing.hash = newHash();
    return { ok: true, view: this.viewJson(existing) };
  }

  private publishView(args: Json): Json {
    const userId = str(args.user_id);
    if (userId === undefined) return fail('invalid_arguments');
    if (Object.keys(this.config.users).length > 0 && this.config.users[userId] === undefined) {
      return fail('user_not_found');
    }
    const invalid = this.checkView(args.view, 'home');
    if (invalid !== undefined) return invalid;
    const previous = this.homeViews.get(userId);
    const hash = str(args.hash);
    if (hash !== undefined && previous !== undefined && hash !== previous.hash) return fail('hash_conflict');
    const v: StoredView = {
      id: previous?.id ?? this.nextViewId(),
      type: 'home',
      hash: newHash(),
      view: args.view as Json,
      userId,
    };
    this.homeViews.set(userId, v);
    this.views.set(v.id, v);
    return { ok: true, view: this.viewJson(v) };
  }

  private usersInfo(args: Json): Json {
    const id = str(args.user);
    if (id === undefined) return fail('user_not_found');
    const user: WorkspaceConfig['users'][string] | undefined =
      id === this.config.botUserId ? { name: 'readiness', isBot: true } : this.config.users[id];
    if (user === undefined) return fail('user_not_found');
    const realName = user.realName ?? user.name;
    return {
      ok: true,
      user: {
        id,
        team_id: this.config.teamId,
        name: user.name,
        real_name: realName,
        deleted: false,
        is_bot: user.isBot ?? false,
        is_admin: false,
        tz: 'Etc/UTC',
        profile: { real_name: realName, display_name: user.name, real_name_normalized: realName },
      },
    };
  }

  private conversationsInfo(args: Json): Json {
    const id = str(args.channel);
    if (id === undefined || !this.channels.has(id)) return fail('channel_not_found');
    return {
      ok: true,
      channel: {
        id,
        name: this.channelName(id),
        is_channel: id.startsWith('C'),
        is_group: id.startsWith('G'),
        is_im: id.startsWith('D'),
        is_private: !id.startsWith('C'),
        is_archived: false,
        is_member: true,
        context_team_id: this.config.teamId,
      },
    };
  }

  /**
   * conversations.history: the channel's messages, newest first; thread replies only when broadcast. Metadata only
   * with include_all_metadata, as Slack does. `oldest` and `limit` are honoured; no pagination (a test channel is small).
   */
  private history(args: Json): Json {
    const channel = this.resolveChannel(str(args.channel));
    if (channel === undefined) return fail('channel_not_found');
    const oldest = Number(str(args.oldest) ?? '0');
    const limit = Math.min(Number(str(args.limit) ?? '100'), 999);
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    const shown = this.messages(channel)
      .filter((m) => m.ephemeralFor === undefined && (m.threadTs === undefined || m.broadcast === true) && Number(m.ts) >= oldest)
      .reverse()
      .slice(0, limit);
    return { ok: true, messages: shown.map((m) => this.messageJson(m, withMetadata)), has_more: false };
  }

  /** conversations.replies: the parent and its replies, oldest first (metadata with include_all_metadata). */
  private replies(args: Json): Json {
    const channel = this.resolveChannel(str(args.channel));
    if (channel === undefined) return fail('channel_not_found');
    const ts = str(args.ts);
    const parent = ts === undefined ? undefined : this.message(channel, ts);
    if (parent === undefined || ts === undefined) return fail('thread_not_found');
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    const thread = this.messages(channel).filter((m) => m.ephemeralFor === undefined && (m.ts === ts || m.threadTs === ts));
    return { ok: true, messages: thread.map((m) => this.messageJson(m, withMetadata)), has_more: false };
  }

  private usergroupUsers(args: Json): Json {
    const id = str(args.usergroup);
    const users = id === undefined ? undefined : this.config.usergroups[id];
    if (users === undefined) return fail('no_such_subteam');
    return { ok: true, users: [...users] };
  }

  /**
   * files.completeUploadExternal: finalizes the uploads and, given a channel, shares them there (as a reply when
   * thread_ts is given) in one message whose text is initial_comment. Destination and text are checked before any
   * ticket is used up, so a refused call can be retried as it is.
   */
  private completeUpload(args: Json): Json {
    const channelIds = [str(args.channel_id), ...(str(args.channels)?.split(',') ?? [])].filter((id): id is string => id !== undefined && id !== '');
    const threadTs = str(args.thread_ts);
    // "make sure to provide only one channel when using thread_ts"; "A maximum of 100 channels is allowed".
    if (threadTs !== undefined && channelIds.length !== 1) return fail('invalid_arguments');
    if (channelIds.length > 100) return fail('channels_limit_exceeded');
    const channels: string[] = [];
    for (const id of channelIds) {
      const channel = this.resolveChannel(id);
      if (channel === undefined) return fail('channel_not_found');
      channels.push(channel);
    }
    const comment = str(args.initial_comment);
    // "If the initial_comment field is provided, the blocks field is ignored."
    const content: Json = comment !== undefined ? { text: comment } : args.blocks !== undefined ? { blocks: args.blocks } : {};
    const invalid = checkMessageContent(content, false);
    if (invalid !== undefined) return invalid;

    const completed = this.files.complete(args.files);
    if (!Array.isArray(completed)) return completed;
    const refs = completed.map((file) => ({ id: file.id, name: file.name, title: file.title }));
    for (const channel of channels) {
      const m = this.newMessage(channel, { ...content, ...(threadTs !== undefined ? { thread_ts: threadTs } : {}) });
      m.files = refs;
      this.store(m);
      for (const file of completed) file.shares.push({ channel, ts: m.ts, ...(threadTs !== undefined ? { threadTs } : {}) });
    }
    return {
      ok: true,
      files: completed.map((file: StoredFile) => this.files.fileJson(file, { userId: this.config.botUserId, teamDomain: TEAM_DOMAIN })),
    };
  }

  private nextViewId(): string {
    this.viewCounter += 1;
    return `V0${String(this.viewCounter).padStart(8, '0')}`;
  }
}

function newHash(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
}

export function newTriggerId(): string {
  const digits = (n: number): string => String(Math.floor(Math.random() * 10 ** n)).padStart(n, '0');
  return `${digits(12)}.${digits(11)}.${randomBytes(16).toString('hex')}`;
}
