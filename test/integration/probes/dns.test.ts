import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsCheckSpec } from '../../../src/checks/specs/dns.ts';
import { runDnsCheck } from '../../../src/probes/dns.ts';
import { runCheck } from '../../../src/probes/run-check.ts';

/**
 * A tiny authoritative DNS server on a loopback UDP port, so the `dns` resolver is tested offline: it answers
 * A and AAAA queries from `zone`, NXDOMAIN for names it does not know, SERVFAIL for `broken.test` and nothing at
 * all for `silent.test`.
 */
const zone: Record<string, { A?: string[]; AAAA?: string[] }> = {
  'api.test': { A: ['10.0.0.1', '10.0.0.2'], AAAA: ['2001:db8::1'] },
  'v4only.test': { A: ['10.0.0.9'] },
};
const TYPES = { 1: 'A', 28: 'AAAA' } as const;

function ipBytes(address: string, type: 'A' | 'AAAA'): Buffer {
  if (type === 'A') return Buffer.from(address.split('.').map(Number));
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return Buffer.from(all.flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]));
}

function answer(query: Buffer): Buffer | undefined {
  let offset = 12;
  const labels: string[] = [];
  for (let length = query[offset] ?? 0; length > 0; length = query[offset] ?? 0) {
    labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
    offset += length + 1;
  }
  const questionEnd = offset + 5; // the terminating zero, QTYPE, QCLASS
  const name = labels.join('.').toLowerCase();
  const type = TYPES[query.readUInt16BE(offset + 1) as keyof typeof TYPES];
  if (name === 'silent.test') return undefined;
  const records = name in zone && type !== undefined ? (zone[name]?.[type] ?? []) : [];
  const rcode = name === 'broken.test' ? 2 : name in zone ? 0 : 3;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  header.writeUInt16BE(0x8000 | 0x0400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | rcode, 2); // QR AA RD RA rcode
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rcode === 0 ? records.length : 0, 6);
  const answers =
    rcode !== 0 || type === undefined
      ? []
      : records.map((address) => {
          const data = ipBytes(address, type);
          const record = Buffer.alloc(12);
          record.writeUInt16BE(0xc00c, 0); // a pointer to the question's name
          record.writeUInt16BE(type === 'A' ? 1 : 28, 2);
          record.writeUInt16BE(1, 4);
          record.writeUInt32BE(60, 6);
          record.writeUInt16BE(data.length, 10);
          return Buffer.concat([record, data]);
        });
  return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
}

let server: Socket;
let nameserver: string;
beforeAll(async () => {
  server = createSocket('udp4');
  server.on('message', (query, peer) => {
    const reply = answer(query);
    if (reply) server.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  nameserver = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(resolve));
});

const spec = (fields: Record<string, unknown>) => DnsCheckSpec.parse({ id: 'c', name: 'C', type: 'dns', ...fields });
const viaDns = (fields: Record<string, unknown>) => spec({ resolver: 'dns', nameservers: [nameserver], ...fields });

describe('the dns check, with the system resolver (the default)', () => {
  it('passes when the name resolves, listing the addresses', async () => {
    const outcome = await runCheck(spec({ hostname: 'localhost' }));
    expect(outcome.status).toBe('PASS');
    expect(outcome.message).toMatch(/^localhost resolves to 127\.0\.0\.1 \(\d+ ms\)$/);
    expect(outcome.evidence).toMatchObject({ hostname: 'localhost', recordType: 'A', resolver: 'system', addresses: ['127.0.0.1'] });
  });

  it('passes when every expected address is among the answers', async () => {
    const outcome = await runCheck(spec({ hostname: 'localhost', expectAddresses: ['127.0.0.1'] }));
    expect(outcome.status).toBe('PASS');
    expect(outcome.message).toMatch(/including every expected address/);
  });

  it('fails when an expected address is missing, saying what it expected and what it got', async () => {
    const outcome = await runCheck(spec({ hostname: 'localhost', expectAddresses: ['127.0.0.1', '10.1.2.3'] }));
    expect(outcome).toMatchObject({
      status: 'FAIL',
      message: 'localhost resolves to 127.0.0.1, expected 127.0.0.1, 10.1.2.3 (missing 10.1.2.3)',
      evidence: { addresses: ['127.0.0.1'], expectAddresses: ['127.0.0.1', '10.1.2.3'], missing: ['10.1.2.3'] },
    });
  });

  it('compares IPv6 addresses in any spelling', async () => {
    const outcome = await runCheck(spec({ hostname: '::1', recordType: 'AAAA', expectAddresses: ['0:0:0:0:0:0:0:1'] }));
    expect(outcome).toMatchObject({ status: 'PASS', evidence: { addresses: ['::1'], expectAddresses: ['::1'], missing: [] } });
  });

  it('fails when the name does not resolve', async () => {
    const outcome = await runCheck(spec({ hostname: 'no-such-host.invalid' }));
    // ENOTFOUND when the system resolver can answer; an offline host may only manage EAI_AGAIN (ERROR).
    if (outcome.status === 'FAIL') {
      expect(outcome.message).toBe('no-such-host.invalid does not resolve: no A address found (ENOTFOUND)');
    } else {
      expect(outcome).toMatchObject({ status: 'ERROR', message: 'could not resolve no-such-host.invalid: EAI_AGAIN' });
    }
  });
});

describe('the dns check, with DNS queries', () => {
  it('passes with the A records of the name', async () => {
    const outcome = await runCheck(viaDns({ hostname: 'api.test', expectAddresses: ['10.0.0.2'] }));
    expect(outcome).toMatchObject({
      status: 'PASS',
      evidence: { resolver: 'dns', nameservers: [nameserver], addresses: ['10.0.0.1', '10.0.0.2'], missing: [] },
    });
    expect(outcome.message).toMatch(/^api\.test resolves to 10\.0\.0\.1, 10\.0\.0\.2, including every expected address/);
  });

  it('asks for AAAA records when told to', async () => {
    const outcome = await runCheck(viaDns({ hostname: 'api.test', recordType: 'AAAA', expectAddresses: ['2001:db8:0::1'] }));
    expect(outcome).toMatchObject({ status: 'PASS', evidence: { addresses: ['2001:db8::1'] } });
  });

  it('fails when the answers lack an expected address', async () => {
    const outcome = await runCheck(viaDns({ hostname: 'api.test', expectAddresses: ['10.0.0.1', '10.0.0.3'] }));
    expect(outcome).toMatchObject({
      status: 'FAIL',
      message: 'api.test resolves to 10.0.0.1, 10.0.0.2, expected 10.0.0.1, 10.0.0.3 (missing 10.0.0.3)',
    });
  });

  it('fails on NXDOMAIN: the name does not exist', async () => {
    const outcome = await runCheck(viaDns({ hostname: 'missing.test' }));
    expect(outcome).toMatchObject({ status: 'FAIL', message: 'missing.test does not resolve: no A address found (ENOTFOUND)' });
  });

  it('fails when the name exists but has no record of the type asked for', async () => {
    const outcome = await runCheck(viaDns({ hostname: 'v4only.test', recordType: 'AAAA' }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(/^v4only\.test does not resolve to an AAAA address/);
  });

  it('reports a failing DNS server as ERROR: the name could not be evaluated', async () => {
    const outcome = await runCheck(viaDns({ hostname: 'broken.test' }));
    expect(outcome).toMatchObject({ status: 'ERROR', message: 'could not resolve broken.test: ESERVFAIL' });
  });

  it('reports a DNS server that never answers as ERROR after the check timeout, cancelling the query', async () => {
    const outcome = await runCheck(viaDns({ hostname: 'silent.test', timeoutMs: 200 }));
    expect(outcome).toMatchObject({ status: 'ERROR', message: 'no answer within the 200 ms timeout' });
  });

  it('rejects with the abort reason when aborted, for run-check to report', async () => {
    const controller = new AbortController();
    const running = runDnsCheck(viaDns({ hostname: 'silent.test' }), { signal: controller.signal, now: () => 0 });
    controller.abort(new Error('timed out'));
    await expect(running).rejects.toThrow('timed out');
  });
});
