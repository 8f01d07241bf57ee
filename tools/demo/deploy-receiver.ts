import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/deployments/tasks/webhook.ts';

export interface ReceivedCall {
  path: string;
  idempotencyKey: string;
  body: Record<string, unknown>;
  signatureValid: boolean | undefined;
  /** False when the key had been applied before: the receiver answered without doing it again. */
  executed: boolean;
  /** The Authorization header sent, if any (URL userinfo arrives as Basic). */
  authorization?: string | undefined;
  at: number;
}

export interface Behaviour {
  status?: number;
  delayMs?: number;
  /** As a task's `statusUrl`: what successive GETs answer as `{status}`, the last one repeating. @defaultValue ['done'] */
  statuses?: ('running' | 'done' | 'failed')[];
  /** A Location header to answer with (with a 3xx `status`): a receiver that redirects. */
  location?: string;
}

/** A GET on a status URL: polls never apply anything. */
export interface StatusPoll {
  path: string;
  idempotencyKey: string;
  answered: string;
  at: number;
}

/**
 * A team's deployment tooling, as the demo, the tests and the bench need it: a real HTTP server that records
 * every webhook task call, checks its HMAC signature, and honours Idempotency-Key the way a careful receiver
 * does (a key it has applied is answered again without applying it twice).
 */
export class DeployReceiver {
  readonly calls: ReceivedCall[] = [];
  readonly polls: StatusPoll[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly applied = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly secret: string | undefined,
  ) {}

  static async start(options: { secret?: string } = {}): Promise<DeployReceiver> {
    let receiver: DeployReceiver | undefined;
    const server = createServer((req, res) => void receiver?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new DeployReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, options.secret);
    return receiver;
  }

  /** How the receiver answers a path (without query string) from now on. */
  behave(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  /** Keys whose side effect was applied, and how many times (1 is the only right answer). */
  executions(): Map<string, number> {
    return new Map(this.applied);
  }

  executedPaths(): string[] {
    return this.calls.filter((call) => call.executed).map((call) => call.path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', this.url).pathname;
    const key = String(req.headers['idempotency-key'] ?? '');
    if (req.method === 'GET') return this.answerStatus(path, key, res);
    const timestamp = String(req.headers[TIMESTAMP_HEADER] ?? '');
    const signature = req.headers[SIGNATURE_HEADER];
    const signatureValid = this.secret === undefined ? undefined : signature === signWebhook(this.secret, timestamp, raw);
    const behaviour = this.behaviours.get(path) ?? {};
    const executed = !this.applied.has(key);
    // A side effect counts once it starts, like a real deploy tool: a request cut off half-way still happened.
    this.applied.set(key, (this.applied.get(key) ?? 0) + (executed ? 1 : 0));
    let body: Record<string, unknown> = {};
    try {
      body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      body = { unparseable: raw };
    }
    this.calls.push({ path, idempotencyKey: key, body, signatureValid, executed, at: Date.now(), authorization: req.headers.authorization });
    if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    if (res.destroyed) return;
    res
      .writeHead(behaviour.status ?? 200, { 'content-type': 'application/json', ...(behaviour.location ? { location: behaviour.location } : {}) })
      .end(JSON.stringify({ ok: (behaviour.status ?? 200) < 300, replayed: !executed }));
  }

  private answerStatus(path: string, idempotencyKey: string, res: ServerResponse): void {
    const statuses = this.behaviours.get(path)?.statuses ?? ['done'];
    const asked = this.polls.filter((poll) => poll.path === path && poll.idempotencyKey === idempotencyKey).length;
    const answered = statuses[Math.min(asked, statuses.length - 1)] ?? 'done';
    this.polls.push({ path, idempotencyKey, answered, at: Date.now() });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: answered }));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
