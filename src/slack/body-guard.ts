import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import { defaultBodyLimit, type HTTPReceiver } from '@slack/bolt';

const EVENTS_PATH = '/slack/events';

/**
 * Bolt 5.1's HTTPReceiver reads `body.ssl_check` off whatever a body parses to, inside a promise nobody awaits:
 * a signed body of JSON `null` (or `payload=null`) rejects it and Node ends the process. Slack only ever sends
 * a JSON object, so anything else is answered 400 before Bolt sees it. The body is read here once, under Bolt's
 * own size limit, and handed on as `rawBody`, which Bolt reads instead of the (already drained) stream.
 */
export function refuseNonObjectBodies(receiver: HTTPReceiver): HTTPReceiver {
  const boltListener = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    // Other paths and methods keep Bolt's synchronous routing, whose errors its server turns into answers.
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://localhost').pathname !== EVENTS_PATH) return boltListener(req, res);
    readBody(req, defaultBodyLimit).then(
      (body) => {
        if (body === undefined) return answer(res, 413);
        if (!isObjectBody(body, req.headers['content-type'])) return answer(res, 400);
        Object.assign(req, { rawBody: body });
        boltListener(req, res);
      },
      () => answer(res, 400),
    );
  };
  return receiver;
}

/** The body, or undefined once it passes `limit` bytes (the rest is drained, unread). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

/** Parsed as Bolt parses it; unparseable text counts as an object here, because Bolt answers that 400 itself. */
function isObjectBody(body: Buffer, contentType: string | undefined): boolean {
  const text = body.toString();
  const json = contentType === 'application/x-www-form-urlencoded' ? parse(text).payload : text;
  if (typeof json !== 'string') return true;
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return true;
  }
}

function answer(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}
