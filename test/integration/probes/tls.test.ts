import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/probes/run-check.ts';
import { TlsCheckSpec } from '../../../src/checks/specs/tls.ts';
import { runTlsCheck } from '../../../src/probes/tls.ts';

/*
 * Every certificate is made here, at test time, with the openssl CLI in a temporary directory: a CA, leaves it
 * signs (valid 90, 20 and 3 days, already expired, and one for another host name) and a self-signed leaf.
 */
const run = promisify(execFile);
let dir: string;
const path = (name: string) => join(dir, name);
const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });

const CONFIG = `
[req]
distinguished_name = dn
[dn]
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ca]
default_ca = test_ca
[test_ca]
database = ./index.txt
new_certs_dir = .
serial = ./serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[policy_any]
commonName = supplied
`;
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function leafRequest(name: string, commonName: string, altNames: string): Promise<void> {
  await openssl('req', '-new', '-config', 'openssl.cnf', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${commonName}`);
  await writeFile(path(`${name}.ext`), `subjectAltName=${altNames}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
}

/** A leaf for `request`, signed by the test CA, valid from now for `days` days. */
async function signLeaf(request: string, out: string, days: number): Promise<void> {
  await openssl(
    'x509',
    '-req',
    '-in',
    `${request}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-set_serial',
    String(randomInt(1, 2 ** 47)),
    '-days',
    String(days),
    '-extfile',
    `${request}.ext`,
    '-out',
    `${out}.pem`,
  );
}

/** `openssl ca` takes explicit start and end dates, which makes an already-expired certificate possible on openssl 3.0. */
async function signExpiredLeaf(request: string, out: string): Promise<void> {
  const stamp = (daysFromNow: number) => `${new Date(Date.now() + daysFromNow * 86_400_000).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
  await writeFile(path('index.txt'), '');
  await writeFile(path('serial'), '1000\n');
  await openssl(
    'ca',
    '-batch',
    '-config',
    'openssl.cnf',
    '-cert',
    'ca.pem',
    '-keyfile',
    'ca.key',
    '-in',
    `${request}.csr`,
    '-out',
    `${out}.pem`,
    '-startdate',
    stamp(-60),
    '-enddate',
    stamp(-2),
    '-extfile',
    `${request}.ext`,
    '-notext',
  );
}

const servers: Server[] = [];
const sockets = new Set<Socket>();
function track(server: Server): Server {
  servers.push(server);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  return server;
}
async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A TLS server on a loopback port presenting `cert` (and, if given, the CA after it, as a server sending its chain). */
async function serve(cert: string, key: string, options: { withChain?: boolean } = {}): Promise<number> {
  const chain = (await readFile(path(`${cert}.pem`), 'utf8')) + (options.withChain ? await readFile(path('ca.pem'), 'utf8') : '');
  const server = createTlsServer({ cert: chain, key: await readFile(path(`${key}.key`)) }, (socket) => socket.on('error', () => {}));
  server.on('tlsClientError', () => {});
  return listen(track(server));
}

const ports: Record<string, number> = {};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'readiness-tls-'));
  await writeFile(path('openssl.cnf'), CONFIG);
  await openssl(
    'req',
    '-x509',
    '-config',
    'openssl.cnf',
    '-extensions',
    'ca_ext',
    ...EC,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '365',
    '-subj',
    '/CN=Readiness Test CA',
  );
  await leafRequest('localhost', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  await leafRequest('other', 'other.example', 'DNS:other.example');
  await signLeaf('localhost', 'valid', 90);
  await signLeaf('localhost', 'warn', 20);
  await signLeaf('localhost', 'short', 3);
  await signLeaf('other', 'wrong-host', 90);
  await signExpiredLeaf('localhost', 'expired');
  await openssl(
    'req',
    '-x509',
    '-config',
    'openssl.cnf',
    ...EC,
    '-keyout',
    'self.key',
    '-out',
    'self.pem',
    '-days',
    '90',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  );
  await writeFile(path('not-a-ca.pem'), 'this is not a certificate\n');

  ports.valid = await serve('valid', 'localhost');
  ports.chain = await serve('valid', 'localhost', { withChain: true });
  ports.warn = await serve('warn', 'localhost');
  ports.short = await serve('short', 'localhost');
  ports.expired = await serve('expired', 'localhost');
  ports.wrongHost = await serve('wrong-host', 'other');
  ports.self = await serve('self', 'self');
  // Plain text, not TLS: answers anything with an HTTP error, as a web server on a plain port would.
  ports.plain = await listen(track(createTcpServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')))));
  // Accepts the connection and never says a word.
  ports.silent = await listen(track(createTcpServer(() => {})));
  const probe = createTcpServer();
  ports.closed = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const port = (name: string) => {
  const value = ports[name];
  if (value === undefined) throw new Error(`no server for ${name}`);
  return value;
};
const spec = (fields: Record<string, unknown>) => TlsCheckSpec.parse({ id: 'c', name: 'C', type: 'tls', host: 'localhost', ...fields });
const DATE = String.raw`\d{4}-\d{2}-\d{2}`;

describe('the tls check', () => {
  it('passes a certificate from a trusted CA with time to spare, saying how long and who issued it', async () => {
    const outcome = await runCheck(spec({ port: port('valid'), caFile: path('ca.pem') }));
    expect(outcome.status).toBe('PASS');
    expect(outcome.message).toMatch(
      new RegExp(`^the certificate for localhost:${port('valid')} is valid for 89 more days \\(until ${DATE}\\), issued by Readiness Test CA$`),
    );
    expect(outcome.evidence).toMatchObject({
      subject: 'CN=localhost',
      issuer: 'CN=Readiness Test CA',
      issuedBy: 'Readiness Test CA',
      daysLeft: 89,
      authorized: true,
      authorizationError: undefined,
      names: ['localhost', '127.0.0.1'],
      caFile: path('ca.pem'),
    });
    expect(Date.parse(outcome.evidence.validTo as string)).toBeGreaterThan(Date.now() + 89 * 86_400_000);
  });

  it('checks the certificate against servername when the host is an address, and an IP against its IP names', async () => {
    const named = await runCheck(spec({ host: '127.0.0.1', servername: 'localhost', port: port('valid'), caFile: path('ca.pem') }));
    expect(named.status).toBe('PASS');
    expect(named.message).toMatch(`the certificate for localhost at 127.0.0.1:${port('valid')} is valid`);
    const byAddress = await runCheck(spec({ host: '127.0.0.1', port: port('valid'), caFile: path('ca.pem') }));
    expect(byAddress.status).toBe('PASS');
  });

  it('fails a certificate whose issuer is not trusted', async () => {
    const outcome = await runCheck(spec({ port: port('valid') }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(/is not trusted: its issuer is not trusted .*\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    expect(outcome.evidence).toMatchObject({ authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('fails a chain that ends in an untrusted self-signed CA', async () => {
    const outcome = await runCheck(spec({ port: port('chain') }));
    expect(outcome).toMatchObject({ status: 'FAIL', evidence: { authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN' } });
    // The same chain passes once its CA is trusted.
    expect((await runCheck(spec({ port: port('chain'), caFile: path('ca.pem') }))).status).toBe('PASS');
  });

  it('fails a self-signed certificate', async () => {
    const outcome = await runCheck(spec({ port: port('self') }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(/is not trusted: it is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
  });

  it('fails a certificate for another host name, naming what it covers', async () => {
    const outcome = await runCheck(spec({ port: port('wrongHost'), caFile: path('ca.pem') }));
    expect(outcome).toMatchObject({
      status: 'FAIL',
      message: `the certificate for localhost:${port('wrongHost')} covers other.example, not localhost`,
      evidence: { authorized: false, subject: 'CN=other.example' },
    });
    expect(outcome.evidence.authorizationError).toMatch(/does not match certificate's altnames/);
  });

  it('fails a certificate that has expired', async () => {
    const outcome = await runCheck(spec({ port: port('expired'), caFile: path('ca.pem') }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(new RegExp(`^the certificate for localhost:${port('expired')} expired on ${DATE} \\(2 days ago\\); renew it$`));
    expect(outcome.evidence).toMatchObject({ daysLeft: -2 });
  });

  it('fails a certificate with fewer days left than failDays', async () => {
    const outcome = await runCheck(spec({ port: port('short'), caFile: path('ca.pem'), failDays: 7 }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(new RegExp(`expires in 2 days \\(on ${DATE}\\), fewer than the 7-day minimum; renew it now$`));
    expect(outcome.evidence).toMatchObject({ daysLeft: 2, failDays: 7, warnDays: 30 });
  });

  it('warns about a certificate with fewer days left than warnDays', async () => {
    const outcome = await runCheck(spec({ port: port('warn'), caFile: path('ca.pem') }));
    expect(outcome.status).toBe('WARN');
    expect(outcome.message).toMatch(new RegExp(`expires in 19 days \\(on ${DATE}\\), within the 30-day warning window; renew it soon$`));
    expect((await runCheck(spec({ port: port('warn'), caFile: path('ca.pem'), warnDays: 14, failDays: 3 }))).status).toBe('PASS');
  });

  it('reports a port that speaks plain text as ERROR, not a hang', async () => {
    const outcome = await runCheck(spec({ port: port('plain') }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(new RegExp(`^localhost:${port('plain')} did not answer with TLS: .*\\(ERR_SSL_WRONG_VERSION_NUMBER\\)`));
  });

  it('reports a server that never answers the handshake as ERROR after the check timeout', async () => {
    const outcome = await runCheck(spec({ port: port('silent'), timeoutMs: 200 }));
    expect(outcome).toMatchObject({ status: 'ERROR', message: 'no answer within the 200 ms timeout' });
  });

  it('rejects with the abort reason when aborted, for run-check to report', async () => {
    const controller = new AbortController();
    const running = runTlsCheck(spec({ port: port('silent') }), { signal: controller.signal, now: () => 0 });
    setTimeout(() => controller.abort(new Error('timed out')), 20);
    await expect(running).rejects.toThrow('timed out');
  });

  it('fails when the port refuses connections: the service is down', async () => {
    const outcome = await runCheck(spec({ port: port('closed') }));
    expect(outcome).toMatchObject({ status: 'FAIL', evidence: { error: 'ECONNREFUSED' } });
    expect(outcome.message).toMatch(/is not reachable \(ECONNREFUSED\)/);
  });

  it('reports a CA file it cannot read, or that holds no certificate, as ERROR naming the file', async () => {
    const missing = await runCheck(spec({ port: port('valid'), caFile: path('missing.pem') }));
    expect(missing).toMatchObject({ status: 'ERROR', message: `could not read the CA file ${path('missing.pem')} (ENOENT)` });
    const garbage = await runCheck(spec({ port: port('valid'), caFile: path('not-a-ca.pem') }));
    expect(garbage).toMatchObject({ status: 'ERROR', message: `the CA file ${path('not-a-ca.pem')} holds no PEM certificate` });
  });
});
