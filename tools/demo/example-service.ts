import { createServer, type Server } from 'node:http';

export interface ExampleService {
  url: string;
  /** Makes every endpoint answer 503, as a broken deployment would. */
  setHealthy(healthy: boolean): void;
  close(): Promise<void>;
}

const ENDPOINT_LATENCY_MS: Record<string, number> = {
  '/healthz': 0,
  '/api/orders': 40,
  '/api/search': 350,
  '/docs': 5,
};

/** A small target service for the demo and tests: a health endpoint, a fast API, a slow one and docs. */
export async function startExampleService(port = 0): Promise<ExampleService> {
  let healthy = true;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const latency = ENDPOINT_LATENCY_MS[path];
    if (latency === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    setTimeout(() => {
      if (!healthy) res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"down"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    }, latency);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('example service has no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    setHealthy: (next) => {
      healthy = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
