import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import { defaultBodyLimit, type HTTPReceiver, isValidSlackRequest } from '@slack/bolt';
import type { AckGate } from '../shared/ack-gate.ts';

const EVENTS_PATH = '/slack/events';

/**
 * Bolt 5.1's HTTPReceiver reads `body.ssl_check` off whatever a body parses to, inside a promise nobody awaits:
 * a signed body of JSON `null` (or `payload=null`) rejects it and Node ends the process. Slack only ever sends
 * a JSON object, so anything else is answered 400 before Bolt sees it. The body is read here once, under Bolt's
 * own size limit (past it: 413 and the connection closed), and handed on as `rawBody`, which Bolt reads instead of
 * the (already drained) stream.
 *
 * With an ack gate, a request is counted as owed an ack only once its whole body is read and, given the signing
 * secret, its signature holds: an unsigned sender keeping slow uploads open must not hold back post-ack work.
 */
export function refuseNonObjectBodies(receiver: HTTPReceiver, ackGate?: AckGate, signingSecret?: string): HTTPReceiver {
  const boltListener = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    // Other paths and methods keep Bolt's synchronous routing, whose errors its server turns into answers.
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://localhost').pathname !== EVENTS_PATH) return boltListener(req, res);
    // A declared size over the limit is refused before a byte is read, as Bolt's own reader did.
    if (Number(req.headers['content-length'] ?? 0) > defaultBodyLimit) return refuseTooLarge(req, res);
    readBody(req, defaultBodyLimit)
      .then(
        (body) => {
          if (body === undefined) return refuseTooLarge(req, res);
          if (!looksLikeObjectBody(body, req.headers['content-type'])) return answer(res, 400);
          Object.assign(req, { rawBody: body });
          if (ackGate && isSigned(req, body, signingSecret)) {
            // Counted until answered or dropped, so follow-up work waits for the acks (ack-gate.ts). Bolt checks
            // the signature again; this check only decides whether the request is one we owe a quick ack.
            const answered = ackGate.begin();
            res.once('finish', answered);
            res.once('close', answered);
          }
          boltListener(req, res);
        },
        () => answer(res, 400),
      )
      .catch(() => {
        // Bolt's listener threw synchronously: answer rather than leave an unhandled rejection behind.
        if (!res.headersSent) answer(res, 500);
      });
  };
  return receiver;
}

/** Whether the request carries a valid Slack signature; without a secret to check it against, any read body counts. */
function isSigned(req: IncomingMessage, body: Buffer, signingSecret: string | undefined): boolean {
  if (!signingSecret) return true;
  return isValidSlackRequest({
    signingSecret,
    body: body.toString(),
    headers: {
      'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''),
      'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
    },
  });
}

/** The body, or undefined as soon as it passes `limit` bytes (reading stops there: the sender is cut off). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      resolve(undefined);
    };
    req.on('data', onData);
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

/** 413, then the connection is closed so an unsigned sender cannot keep streaming into it. */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(413, { Connection: 'close' });
  res.end(() => req.destroy());
}

/**
 * Whether the body can be a JSON object, judged by its first character only: the signature is not checked yet, so
 * an unsigned body is never parsed here. A body that starts with `{` and is not valid JSON is Bolt's to refuse.
 */
function looksLikeObjectBody(body: Buffer, contentType: string | undefined): boolean {
  const text = body.toString();
  const json = contentType === 'application/x-www-form-urlencoded' ? parse(text).payload : text;
  if (json === undefined) return true;
  if (typeof json !== 'string') return false;
  return json.trimStart().startsWith('{');
}

function answer(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}
