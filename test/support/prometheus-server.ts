import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server that speaks the Prometheus instant-query API (`/api/v1/query`, GET or form POST) with
 * canned answers per query string, so checks and deployment gates are tested against real HTTP, not mocks.
 *
 *   const prometheus = await startPrometheusServer();
 *   prometheus.answer('sum(rate(errors[5m]))', promAnswer.value(0.02));
 *   ... spec url: prometheus.url ...
 *   await prometheus.close();
 *
 * A query with no canned answer gets `fallback` if set, otherwise a Prometheus `bad_data` error that names
 * the query, so a typo in a test shows up in the check's message.
 */

export interface SeriesSample {
  labels?: Record<string, string>;
  value: number | string;
}

export type PrometheusAnswer =
  | { kind: 'vector'; series: SeriesSample[] }
  | { kind: 'scalar'; value: number | string }
  | { kind: 'matrix'; series: { labels?: Record<string, string>; values: (number | string)[] }[] }
  | { kind: 'error'; error: string; errorType: string; httpStatus: number }
  | { kind: 'raw'; httpStatus: number; contentType: string; body: string }
  | { kind: 'hang' };

/** Prometheus writes sample values as strings, with NaN and infinities spelled its own way. */
function sampleString(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Builders for the answers tests usually want. */
export const promAnswer = {
  /** One series with this value: what `sum(...)` of something returns. */
  value: (value: number | string, labels: Record<string, string> = {}): PrometheusAnswer => ({ kind: 'vector', series: [{ labels, value }] }),
  /** Several series, e.g. a query that forgot its sum(). */
  series: (series: SeriesSample[]): PrometheusAnswer => ({ kind: 'vector', series }),
  /** No series: an unknown metric or a selector that matches nothing. */
  empty: (): PrometheusAnswer => ({ kind: 'vector', series: [] }),
  scalar: (value: number | string): PrometheusAnswer => ({ kind: 'scalar', value }),
  /** A range vector, what `metric[5m]` returns. */
  matrix: (values: (number | string)[], labels: Record<string, string> = {}): PrometheusAnswer => ({ kind: 'matrix', series: [{ labels, values }] }),
  /** Prometheus refusing the query, as it does for a PromQL syntax error (HTTP 400, errorType bad_data). */
  error: (error: string, options: { errorType?: string; httpStatus?: number } = {}): PrometheusAnswer => ({
    kind: 'error',
    error,
    errorType: options.errorType ?? 'bad_data',
    httpStatus: options.httpStatus ?? 400,
  }),
  /** What a login page or a proxy in front of Prometheus answers. */
  html: (httpStatus = 200, body = '<!doctype html><html><head><title>Sign in</title></head><body>Sign in</body></html>'): PrometheusAnswer => ({
    kind: 'raw',
    httpStatus,
    contentType: 'text/html; charset=utf-8',
    body,
  }),
  /** Any status and body, for answers the builders above do not cover. */
  raw: (httpStatus: number, body: string, contentType = 'application/json'): PrometheusAnswer => ({ kind: 'raw', httpStatus, contentType, body }),
  /** Accepts the request and never answers. */
  hang: (): PrometheusAnswer => ({ kind: 'hang' }),
};

export interface PrometheusServer {
  /** Base URL, like a Prometheus server's: http://127.0.0.1:PORT */
  readonly url: string;
  /** Every query received, in order. */
  readonly queries: string[];
  /** Sets (or replaces) the answer to one exact query string. */
  answer(query: string, answer: PrometheusAnswer): void;
  /** The answer to any query without its own; undefined restores the "no canned answer" error. */
  fallback(answer: PrometheusAnswer | undefined): void;
  /** Forgets every answer and every recorded query. */
  reset(): void;
  close(): Promise<void>;
}

async function readQuery(req: IncomingMessage, url: URL): Promise<string | null> {
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('query');
  }
  return url.searchParams.get('query');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function respond(res: ServerResponse, answer: PrometheusAnswer): void {
  const time = Date.now() / 1000;
  switch (answer.kind) {
    case 'hang':
      return;
    case 'raw':
      res.writeHead(answer.httpStatus, { 'content-type': answer.contentType }).end(answer.body);
      return;
    case 'error':
      sendJson(res, answer.httpStatus, { status: 'error', errorType: answer.errorType, error: answer.error });
      return;
    case 'scalar':
      sendJson(res, 200, { status: 'success', data: { resultType: 'scalar', result: [time, sampleString(answer.value)] } });
      return;
    case 'vector':
      sendJson(res, 200, {
        status: 'success',
        data: {
          resultType: 'vector',
          result: answer.series.map((one) => ({ metric: one.labels ?? {}, value: [time, sampleString(one.value)] })),
        },
      });
      return;
    case 'matrix':
      sendJson(res, 200, {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: answer.series.map((one) => ({
            metric: one.labels ?? {},
            values: one.values.map((value, index) => [time - (one.values.length - 1 - index) * 15, sampleString(value)]),
          })),
        },
      });
      return;
  }
}

export async function startPrometheusServer(): Promise<PrometheusServer> {
  const answers = new Map<string, PrometheusAnswer>();
  let fallbackAnswer: PrometheusAnswer | undefined;
  const queries: string[] = [];

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/api/v1/query') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
        return;
      }
      const query = await readQuery(req, url);
      if (query === null || query === '') {
        sendJson(res, 400, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": empty query' });
        return;
      }
      queries.push(query);
      const answer =
        answers.get(query) ?? fallbackAnswer ?? promAnswer.error(`prometheus-server: no canned answer for query ${JSON.stringify(query)}`);
      respond(res, answer);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    answer: (query, answer) => void answers.set(query, answer),
    fallback: (answer) => {
      fallbackAnswer = answer;
    },
    reset: () => {
      answers.clear();
      fallbackAnswer = undefined;
      queries.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
