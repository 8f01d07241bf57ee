import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook check request as the endpoint received it. */
export interface CheckCall {
  path: string;
  assessmentId: string | undefined;
  checkId: string | undefined;
  /** When the request arrived (this process's clock, ms since the epoch). */
  at: number;
}

/** How the endpoint answers a call: after a delay, or not until `release()`. Always `pass` when it answers. */
export type CheckAnswer = { afterMs: number } | 'hold';

/**
 * A team's webhook checks, as the fault tests and chaos scenarios need them: a real HTTP server that records which
 * assessment and check each request is for (a probe run is an effect to count) and answers `pass` when told to.
 */
export class CheckEndpoint {
  readonly calls: CheckCall[] = [];
  private held: (() => void)[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private answer: (call: CheckCall) => CheckAnswer,
  ) {}

  static async start(answer: (call: CheckCall) => CheckAnswer = () => ({ afterMs: 0 })): Promise<CheckEndpoint> {
    let endpoint: CheckEndpoint | undefined;
    const server = createServer((request, response) => void endpoint?.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    endpoint = new CheckEndpoint(server, `http://127.0.0.1:${port}`, answer);
    return endpoint;
  }

  /** Changes how later calls are answered. */
  behave(answer: (call: CheckCall) => CheckAnswer): void {
    this.answer = answer;
  }

  /** Answers every held call now (a call whose caller has died meanwhile is answered to nobody). */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const answer of held) answer();
  }

  callsFor(assessmentId: string, checkId: string): CheckCall[] {
    return this.calls.filter((call) => call.assessmentId === assessmentId && call.checkId === checkId);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of request) raw += (chunk as Buffer).toString();
    const body = (() => {
      try {
        return JSON.parse(raw) as { assessmentId?: string; check?: { id?: string } };
      } catch {
        return {};
      }
    })();
    const call: CheckCall = { path: request.url ?? '/', assessmentId: body.assessmentId, checkId: body.check?.id, at: Date.now() };
    this.calls.push(call);
    const answer = this.answer(call);
    await new Promise<void>((resolve) => (answer === 'hold' ? this.held.push(resolve) : setTimeout(resolve, answer.afterMs)));
    if (response.destroyed) return;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'pass', message: 'ok' }));
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
