import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A real TCP proxy in front of a real server (Postgres, Redis) that a test can cut and restore, to show what
 * the bot does while a dependency is down and that it recovers by itself. Nothing is mocked.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** While held: what clients sent, in order, not yet passed on (see hold). */
  private held: { upstream: Socket; chunk: Buffer }[] | undefined;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(targetUrl: string): Promise<TcpProxy> {
    const url = new URL(targetUrl);
    const proxy = new TcpProxy(url.hostname, Number(url.port));
    await proxy.up();
    return proxy;
  }

  /** The target URL with its host and port replaced by the proxy's. */
  urlFor(targetUrl: string): string {
    const url = new URL(targetUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.on('data', (chunk: Buffer) => {
        if (this.held) this.held.push({ upstream, chunk });
        else upstream.write(chunk);
      });
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
  }

  /**
   * Keeps what clients send from the server until release, connections open: a server that accepted the commands
   * and has not run them yet (a stalled Redis, a slow network), so a test decides the order in which they land.
   */
  hold(): void {
    this.held ??= [];
  }

  /** Passes on what was held, in the order it was sent, and everything after it at once. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const { upstream, chunk } of held) upstream.write(chunk);
  }

  /** Refuses new connections and cuts the open ones, as a crashed server would. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
