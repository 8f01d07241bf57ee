import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/probes/run-check.ts';
import { TcpCheckSpec } from '../../../src/checks/specs/tcp.ts';
import { runTcpCheck } from '../../../src/probes/tcp.ts';

let server: Server;
let port: number;
const sockets = new Set<Socket>();
beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** A port nothing listens on: a service that is down. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port: free } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return free;
}

const spec = (fields: Record<string, unknown>) => TcpCheckSpec.parse({ id: 'c', name: 'C', type: 'tcp', ...fields });

describe('the tcp check', () => {
  it('passes when the port accepts a connection, reporting how long it took', async () => {
    const outcome = await runCheck(spec({ host: '127.0.0.1', port }));
    expect(outcome.status).toBe('PASS');
    expect(outcome.message).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port} accepts connections in \\d+ ms$`));
    expect(outcome.evidence).toMatchObject({ host: '127.0.0.1', port, address: '127.0.0.1' });
    expect(outcome.evidence.connectMs).toBeGreaterThanOrEqual(0);
  });

  it('resolves a host name first', async () => {
    const outcome = await runCheck(spec({ host: 'localhost', port }));
    expect(outcome.status).toBe('PASS');
    expect(outcome.message).toMatch(`localhost:${port} accepts connections`);
  });

  it('fails when the port refuses: the service is down', async () => {
    const closed = await closedPort();
    const outcome = await runCheck(spec({ host: '127.0.0.1', port: closed }));
    expect(outcome).toMatchObject({
      status: 'FAIL',
      message: `127.0.0.1:${closed} refuses connections (ECONNREFUSED): nothing is listening on port ${closed}`,
      evidence: { error: 'ECONNREFUSED' },
    });
  });

  it('reports a host name that does not resolve as ERROR: the port was never tested', async () => {
    const outcome = await runCheck(spec({ host: 'no-such-host.invalid', port: 5432 }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/^could not resolve the host name no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN)\)/);
  });

  it('gives up the connection attempt as soon as its timeout aborts it, leaving the report to run-check', async () => {
    const controller = new AbortController();
    const running = runTcpCheck(spec({ host: '127.0.0.1', port }), { signal: controller.signal, now: () => 0 });
    controller.abort(new Error('timed out'));
    await expect(running).rejects.toThrow('timed out');
  });

  it('does not start when the timeout has already passed', async () => {
    const controller = new AbortController();
    controller.abort(new Error('timed out'));
    await expect(runTcpCheck(spec({ host: '127.0.0.1', port }), { signal: controller.signal, now: () => 0 })).rejects.toThrow('timed out');
  });
});
