import { createServer, type Server } from 'node:http';

/**
 * A check target that holds every request while its gate is closed and answers when it opens, so a scenario or
 * test knows its checks are in flight before it breaks something. `/ok` answers 200, `/down` 503 (a real NO-GO).
 */
export class GatedTarget {
  private waiting: (() => void)[] = [];
  private arrivals = 0;
  private readonly served = new Map<string, number>();
  private open = true;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<GatedTarget> {
    let target: GatedTarget | undefined;
    const server = createServer((req, res) => {
      const healthy = !(req.url ?? '').startsWith('/down');
      const path = req.url ?? '/';
      target?.served.set(path, (target.served.get(path) ?? 0) + 1);
      const answer = () =>
        res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' }).end(healthy ? '{"status":"ok"}' : '{"status":"down"}');
      if (!target || target.open) return answer();
      target.arrivals += 1;
      target.waiting.push(answer);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('the gated target has no address');
    target = new GatedTarget(server, `http://127.0.0.1:${address.port}`);
    return target;
  }

  /** Requests held since the gate last closed. */
  get held(): number {
    return this.arrivals;
  }

  /** Every request to `path` so far (its query string included), held or not: a probe made twice shows here. */
  requests(path: string): number {
    return this.served.get(path) ?? 0;
  }

  hold(): void {
    this.open = false;
    this.arrivals = 0;
  }

  release(): void {
    this.open = true;
    for (const answer of this.waiting.splice(0)) answer();
  }

  close(): Promise<void> {
    this.release();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
