import { randomBytes } from 'node:crypto';
import type { Json } from './http.ts';

/** A file the app uploaded with files.getUploadURLExternal → POST upload_url → files.completeUploadExternal. */
export interface StoredFile {
  id: string;
  /** The `filename` given to files.getUploadURLExternal. */
  name: string;
  /** Set by files.completeUploadExternal (defaults to the name). */
  title: string;
  /** The `length` the app declared; the bytes posted must match it. */
  length: number;
  snippetType?: string;
  altText?: string;
  /** The bytes posted to the upload URL; undefined until then. */
  content?: Buffer;
  /** Set once files.completeUploadExternal finalized the upload. */
  completed: boolean;
  /** Where it was shared, if anywhere (without channel_id a file stays private). */
  shares: { channel: string; ts: string; threadTs?: string }[];
}

/** What a message shows of a file shared with it. */
export interface SharedFileRef {
  id: string;
  name: string;
  title: string;
}

const UPLOAD_PATH = '/upload/v1/';
// Slack: "snippets are limited to 1MB" and alt_txt to 1000 characters (files.getUploadURLExternal errors).
const SNIPPET_LIMIT = 1024 * 1024;
const ALT_TEXT_LIMIT = 1000;

function fail(error: string): Json {
  return { ok: false, error };
}

function mimetypeOf(name: string): string {
  const extension = name.split('.').pop()?.toLowerCase();
  const known: Record<string, string> = { md: 'text/markdown', json: 'application/json', txt: 'text/plain', csv: 'text/csv', png: 'image/png' };
  return (extension && known[extension]) ?? 'application/octet-stream';
}

/**
 * The upload tickets and files of the stand-in workspace. Slack's external upload flow has three steps and the
 * stand-in enforces each as documented: a ticket per file (`length` > 0 and a `filename` required), the bytes
 * posted once to its upload URL (any 200 means stored, anything else failed), and one completion per ticket.
 */
export class StandInFiles {
  private readonly uploadPrefix: string;
  private readonly byId = new Map<string, StoredFile>();
  private readonly byToken = new Map<string, string>();
  private counter = 0;

  constructor(baseUrl: string) {
    this.uploadPrefix = `${baseUrl}${UPLOAD_PATH}`;
  }

  static isUploadPath(pathname: string): boolean {
    return pathname.startsWith(UPLOAD_PATH);
  }

  file(id: string): StoredFile | undefined {
    return this.byId.get(id);
  }

  all(): StoredFile[] {
    return [...this.byId.values()];
  }

  /** files.getUploadURLExternal */
  getUploadUrl(args: Json): Json {
    const filename = typeof args.filename === 'string' ? args.filename : undefined;
    const rawLength = args.length;
    const length = typeof rawLength === 'number' ? rawLength : typeof rawLength === 'string' && rawLength !== '' ? Number(rawLength) : undefined;
    // Slack: missing_argument "typically only occurs when the length provided is 0".
    if (length === 0 || length === undefined) return fail('missing_argument');
    if (!Number.isInteger(length) || length < 0 || filename === undefined || filename === '') return fail('invalid_arguments');
    const altText = typeof args.alt_txt === 'string' ? args.alt_txt : typeof args.alt_text === 'string' ? args.alt_text : undefined;
    if (altText !== undefined && altText.length > ALT_TEXT_LIMIT) return fail('alt_txt_too_large');
    const snippetType = typeof args.snippet_type === 'string' && args.snippet_type !== '' ? args.snippet_type : undefined;
    if (snippetType !== undefined && length > SNIPPET_LIMIT) return fail('snippet_too_large');

    this.counter += 1;
    const id = `F0${String(this.counter).padStart(9, '0')}`;
    const token = randomBytes(12).toString('hex');
    const file: StoredFile = { id, name: filename, title: filename, length, completed: false, shares: [] };
    if (snippetType !== undefined) file.snippetType = snippetType;
    if (altText !== undefined) file.altText = altText;
    this.byId.set(id, file);
    this.byToken.set(token, id);
    return { ok: true, upload_url: `${this.uploadPrefix}${token}`, file_id: id };
  }

  /**
   * The POST to an upload URL: raw bytes or a multipart form (the file is its first part that carries a file).
   * No token needed (the URL is the credential). Slack answers 200 when stored and only says "non-200 is a
   * failure", so the stand-in answers 404 for an unknown or already used URL and 400 for a size that differs
   * from the declared `length`.
   */
  async acceptUpload(pathname: string, contentType: string | undefined, body: Buffer): Promise<{ status: number; text: string }> {
    const id = this.byToken.get(pathname.slice(UPLOAD_PATH.length));
    const file = id === undefined ? undefined : this.byId.get(id);
    if (file === undefined || file.content !== undefined) return { status: 404, text: 'upload URL unknown or already used' };
    const content = await fileBytes(contentType, body);
    if (content === undefined) return { status: 400, text: 'no file in the multipart form' };
    if (content.length !== file.length) {
      return { status: 400, text: `received ${content.length} bytes, files.getUploadURLExternal was told ${file.length}` };
    }
    file.content = content;
    return { status: 200, text: `OK - ${content.length}` };
  }

  /**
   * Validates the `files` argument of files.completeUploadExternal and finalizes each upload; returns the
   * files, or a Slack error. A ticket is completed once ("This method can only be called once"); a ticket that
   * is unknown, already completed or has no bytes yet is `file_not_found` ("Could not find the file from the
   * upload ticket").
   */
  complete(rawFiles: unknown): StoredFile[] | Json {
    let files: unknown = rawFiles;
    if (typeof files === 'string') {
      try {
        files = JSON.parse(files);
      } catch {
        return fail('invalid_arguments');
      }
    }
    if (!Array.isArray(files) || files.length === 0) return fail('invalid_arguments');
    const found: { file: StoredFile; title: string | undefined }[] = [];
    for (const entry of files) {
      const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
      if (typeof id !== 'string') return fail('invalid_arguments');
      const file = this.byId.get(id);
      if (file === undefined || file.completed || file.content === undefined) return fail('file_not_found');
      const title = (entry as { title?: unknown }).title;
      found.push({ file, title: typeof title === 'string' && title !== '' ? title : undefined });
    }
    for (const { file, title } of found) {
      file.completed = true;
      if (title !== undefined) file.title = title;
    }
    return found.map(({ file }) => file);
  }

  /** The file object Slack returns, as far as the stand-in knows it. */
  fileJson(file: StoredFile, context: { userId: string; teamDomain: string }): Json {
    const share = file.shares[0];
    return {
      id: file.id,
      created: Math.floor(Date.now() / 1000),
      name: file.name,
      title: file.title,
      mimetype: mimetypeOf(file.name),
      filetype: file.name.split('.').pop() ?? 'binary',
      user: context.userId,
      size: file.content?.length ?? file.length,
      is_public: file.shares.some((s) => s.channel.startsWith('C')),
      channels: [...new Set(file.shares.map((s) => s.channel))],
      permalink: `https://${context.teamDomain}.slack.com/files/${context.userId}/${file.id}/${encodeURIComponent(file.name)}`,
      ...(share
        ? {
            shares: {
              [share.channel.startsWith('C') ? 'public' : 'private']: {
                [share.channel]: [{ ts: share.ts, ...(share.threadTs ? { thread_ts: share.threadTs } : {}) }],
              },
            },
          }
        : {}),
    };
  }
}

async function fileBytes(contentType: string | undefined, body: Buffer): Promise<Buffer | undefined> {
  if (!(contentType ?? '').toLowerCase().startsWith('multipart/form-data')) return body;
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType ?? '' } }).formData();
  } catch {
    return undefined;
  }
  for (const [, value] of form) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  return undefined;
}
