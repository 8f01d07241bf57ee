import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { AdminMount } from './admin-listener.ts';
import { basicAuthMatches } from './basic-auth.ts';
import { QUEUE_BOARD_PATH, type QueueBoardSettings } from './queue-board-settings.ts';

const READ_METHODS = new Set(['GET', 'HEAD']);

function refuse(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(`${message}\n`);
}

/**
 * A change sent by a page of another site with the browser's remembered credential (CSRF): the browser says where
 * a request comes from in Sec-Fetch-Site (or at least Origin); only the board's own page may change anything.
 */
function crossSite(request: IncomingMessage): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

/**
 * Bull Board over every Readiness queue, behind HTTP basic auth, as a mount of the admin listener. Read-only unless
 * `writable`: retrying or removing a deployment or escalation job by hand is an operator power, asked for explicitly.
 */
export function queueBoardMount(queues: readonly Queue[], settings: QueueBoardSettings): AdminMount {
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: !settings.writable })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Readiness queues' } },
  });
  const board = serverAdapter.getRouter() as unknown as (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;
  return {
    prefix: QUEUE_BOARD_PATH,
    handle(request, response) {
      if (!basicAuthMatches(request.headers.authorization, settings)) {
        refuse(response, 401, 'unauthorized: sign in with BULL_BOARD_USER and BULL_BOARD_PASSWORD', {
          'www-authenticate': 'Basic realm="Readiness queues", charset="UTF-8"',
        });
        return;
      }
      const reading = READ_METHODS.has(request.method ?? 'GET');
      if (!reading && !settings.writable) {
        refuse(response, 405, 'the queue board is read-only (set BULL_BOARD_WRITE=true to allow changes)', { allow: 'GET, HEAD' });
        return;
      }
      if (!reading && crossSite(request)) {
        refuse(response, 403, 'changes are accepted from the queue board’s own page only');
        return;
      }
      // The board's routes are relative to where it is mounted.
      request.url = (request.url ?? '/').slice(QUEUE_BOARD_PATH.length) || '/';
      if (!request.url.startsWith('/')) request.url = `/${request.url}`;
      board(request, response, (error) => (error === undefined ? refuse(response, 404, 'not found') : refuse(response, 500, 'internal error')));
    },
  };
}
