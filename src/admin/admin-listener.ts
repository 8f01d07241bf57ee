import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../shared/logger.ts';

/** What a route answers; the listener adds the headers every admin answer carries. */
export interface AdminResponse {
  status: number;
  contentType: string;
  body: string;
}

/** One GET endpoint of the admin listener. More are mounted by adding to the table (Bull Board, probes…). */
export interface AdminRoute {
  path: string;
  handle(request: IncomingMessage): Promise<AdminResponse> | AdminResponse;
}

/**
 * A sub-application that owns every path under `prefix`, every method, and its own answers (Bull Board). It
 * authenticates for itself: a browser cannot send ADMIN_TOKEN's bearer header, so that token is not asked there.
 */
export interface AdminMount {
  prefix: string;
  handle(request: IncomingMessage, response: ServerResponse): void;
}

export interface AdminListenerOptions {
  /** @defaultValue 127.0.0.1 (set by ADMIN_HOST) */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** When set, every request needs `Authorization: Bearer <token>`; never logged. */
  token: string | undefined;
  routes: readonly AdminRoute[];
  /** @defaultValue none */
  mounts?: readonly AdminMount[] | undefined;
  logger: Logger;
}

export interface AdminListener {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const json = (status: number, body: unknown): AdminResponse => ({ status, contentType: 'application/json', body: JSON.stringify(body) });

/** Hashing first makes the comparison constant-time whatever the lengths, so timing says nothing about the token. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token)) && presented.length > 0;
}

/**
 * The operators' HTTP listener, apart from Slack's: health, readiness and metrics, bound to localhost unless
 * told otherwise. Plain node:http and a route table; GET and HEAD only; nothing a request sends is logged.
 */
export async function startAdminListener(options: AdminListenerOptions): Promise<AdminListener> {
  const routes = new Map(options.routes.map((route) => [route.path, route]));
  const mounts = options.mounts ?? [];
  const mountFor = (request: IncomingMessage) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    return mounts.find((mount) => path === mount.prefix || path.startsWith(`${mount.prefix}/`));
  };

  type Answer = AdminResponse & { headers?: Record<string, string> };
  async function answer(request: IncomingMessage): Promise<Answer> {
    if (options.token !== undefined && !bearerMatches(request.headers.authorization, options.token)) {
      return { ...json(401, { error: 'unauthorized: send Authorization: Bearer <ADMIN_TOKEN>' }), headers: { 'www-authenticate': 'Bearer' } };
    }
    const route = routes.get(new URL(request.url ?? '/', 'http://admin.invalid').pathname);
    if (!route) return json(404, { error: 'not found', paths: [...routes.keys(), ...mounts.map((mount) => mount.prefix)] });
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return { ...json(405, { error: 'method not allowed' }), headers: { allow: 'GET, HEAD' } };
    try {
      return await route.handle(request);
    } catch (error) {
      options.logger.error('admin route failed', { path: route.path, err: (error as Error).message });
      return json(500, { error: 'internal error' });
    }
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const mount = mountFor(request);
    if (mount) {
      try {
        mount.handle(request, response);
      } catch (error) {
        options.logger.error('admin mount failed', { path: mount.prefix, err: (error as Error).message });
        response.destroy();
      }
      return;
    }
    // A request that cannot even be read (a malformed URL) is a 400, never an unhandled rejection that ends the process.
    void answer(request)
      .catch((): Answer => json(400, { error: 'bad request' }))
      .then((result) => {
        response.writeHead(result.status, {
          'content-type': result.contentType,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          ...result.headers,
        });
        response.end(request.method === 'HEAD' ? undefined : result.body);
      })
      .catch(() => response.destroy());
  });
  // A scraper or probe that stalls must not hold sockets open for long.
  server.headersTimeout = 5000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `the admin listener cannot listen on ${options.host}:${options.port} (${error.code ?? error.message}); set ADMIN_PORT or ADMIN_HOST`,
        ),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
