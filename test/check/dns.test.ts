import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDnsQuery, judgeDnsReply, runDnsCheck } from '../../src/check/dns.js';
import type { DnsProbeSpec } from '../../src/check/types.js';

describe('DNS codec (pure)', () => {
  it('encodes the root SOA query keepalived sends by default', () => {
    expect(encodeDnsQuery(0xbeef, '.', 'SOA')).toEqual(
      Uint8Array.from([
        0xbe, 0xef, // ID
        0x01, 0x00, // flags: RD
        0x00, 0x01, // QDCOUNT 1
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // AN/NS/AR counts
        0x00, // QNAME: root
        0x00, 0x06, // QTYPE SOA
        0x00, 0x01, // QCLASS IN
      ]),
    );
  });

  it('encodes labels, with or without the trailing dot, and rejects empty labels', () => {
    const q = encodeDnsQuery(1, 'www.example.com.', 'AAAA');
    expect(Array.from(q.subarray(12))).toEqual([
      3, ...Buffer.from('www'), 7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0, 0, 28, 0, 1,
    ]);
    expect(encodeDnsQuery(1, 'www.example.com', 'AAAA')).toEqual(q);
    expect(() => encodeDnsQuery(1, 'a..b', 'A')).toThrow(RangeError);
  });

  it('judges replies: ignore short/foreign/query datagrams, rcode decides', () => {
    const reply = (id: number, flags: number): Uint8Array => {
      const b = new Uint8Array(12);
      new DataView(b.buffer).setUint16(0, id);
      new DataView(b.buffer).setUint16(2, flags);
      return b;
    };
    expect(judgeDnsReply(new Uint8Array(5), 7)).toBe('ignore');
    expect(judgeDnsReply(reply(8, 0x8180), 7)).toBe('ignore');
    expect(judgeDnsReply(reply(7, 0x0100), 7)).toBe('ignore');
    expect(judgeDnsReply(reply(7, 0x8180), 7)).toEqual({ ok: true, reason: 'answered' });
    expect(judgeDnsReply(reply(7, 0x8183), 7)).toEqual({ ok: false, reason: 'rcode 3' });
  });
});

describe('DNS_CHECK probe against a UDP server on 127.0.0.1', () => {
  /** mode per query name: the first label of the question picks the server's behaviour. */
  const server = dgram.createSocket('udp4');
  let port = 0;
  beforeAll(async () => {
    server.on('message', (msg, rinfo) => {
      const label = msg.subarray(13, 13 + msg[12]!).toString();
      const answer = (id: number, rcode: number): Buffer => {
        const b = Buffer.from(msg);
        b.writeUInt16BE(id, 0);
        b.writeUInt16BE(0x8180 | rcode, 2);
        return b;
      };
      const id = msg.readUInt16BE(0);
      if (label === 'ok') server.send(answer(id, 0), rinfo.port, rinfo.address);
      if (label === 'noisy') {
        server.send(answer(id ^ 1, 2), rinfo.port, rinfo.address); // someone else's answer first
        server.send(msg, rinfo.port, rinfo.address); // an echoed query (QR=0)
        server.send(answer(id, 0), rinfo.port, rinfo.address);
      }
      if (label === 'servfail') server.send(answer(id, 2), rinfo.port, rinfo.address);
      // 'silent': no answer
    });
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    port = server.address().port;
  });
  afterAll(() => server.close());

  const spec = (name: string, extra: Partial<DnsProbeSpec> = {}): DnsProbeSpec => ({
    kind: 'DNS_CHECK',
    connectIp: '127.0.0.1',
    connectPort: port,
    connectTimeoutMs: 1000,
    queryType: 'SOA',
    name,
    ...extra,
  });

  it('succeeds on a NOERROR answer, skipping foreign ids and echoed queries', async () => {
    expect(await runDnsCheck(spec('ok.example'))).toEqual({ ok: true, reason: 'answered' });
    expect(await runDnsCheck(spec('noisy.example'))).toEqual({ ok: true, reason: 'answered' });
  });

  it('fails on an error rcode', async () => {
    expect(await runDnsCheck(spec('servfail.example'))).toEqual({ ok: false, reason: 'rcode 2' });
  });

  it('fails after connect_timeout without an answer', async () => {
    const t0 = performance.now();
    expect(await runDnsCheck(spec('silent.example', { connectTimeoutMs: 300 }))).toEqual({ ok: false, reason: 'timeout' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('binds to bindto/bind_port', async () => {
    const from = dgram.createSocket('udp4');
    await new Promise<void>((r) => from.bind(0, '127.0.0.1', r));
    const freePort = from.address().port;
    await new Promise<void>((r) => from.close(() => r()));
    const seen: number[] = [];
    const spy = (_m: Buffer, rinfo: dgram.RemoteInfo): void => void seen.push(rinfo.port);
    server.on('message', spy);
    try {
      expect((await runDnsCheck(spec('ok.example', { bindTo: '127.0.0.1', bindPort: freePort }))).ok).toBe(true);
      expect(seen).toEqual([freePort]);
    } finally {
      server.off('message', spy);
    }
  });

  it('a closed port fails at once (ICMP port unreachable on the connected socket)', async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const closed = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    const r = await runDnsCheck(spec('ok.example', { connectPort: closed, connectTimeoutMs: 500 }));
    expect(r).toEqual({ ok: false, reason: 'ECONNREFUSED' });
  });
});
