import { createServer, type Server } from 'node:http';

/** A local HTTP endpoint whose every path answers 200 after a fixed delay: the check target of the fan-out benches. */
export interface SlowServer {
  url: string;
  /** Requests seen since the last reset, and when the first and the last arrived (epoch ms). */
  seen(): { requests: number; peakInFlight: number; firstArrival: number | null; lastArrival: number | null };
  reset(): void;
  close(): Promise<void>;
}

export async function startSlowServer(delayMs: number): Promise<SlowServer> {
  let inFlight = 0;
  let peakInFlight = 0;
  let requests = 0;
  let firstArrival: number | null = null;
  let lastArrival: number | null = null;
  const server: Server = createServer((req, res) => {
    const arrival = Date.now();
    firstArrival ??= arrival;
    lastArrival = arrival;
    requests += 1;
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    req.resume();
    setTimeout(() => {
      // A connection per request, as a service that a check reaches once per assessment would see; and the same
      // for the naive flow, whose runs follow each other closely enough to reuse a keep-alive pool otherwise.
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end('{"status":"ok"}', () => {
        inFlight -= 1;
      });
    }, delayMs);
  });
  // A deep backlog: a thousand checks connect at once.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 4096, resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the slow server has no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    seen: () => ({ requests, peakInFlight, firstArrival, lastArrival }),
    reset() {
      requests = 0;
      peakInFlight = inFlight;
      firstArrival = null;
      lastArrival = null;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
