import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeUdpReply, runUdpCheck } from '../../src/check/udp.js';
import type { UdpProbeSpec } from '../../src/check/types.js';

const base: UdpProbeSpec = {
  kind: 'UDP_CHECK',
  connectIp: '127.0.0.1',
  connectPort: 0,
  connectTimeoutMs: 300,
  payloadHex: '',
  requireReply: false,
  minReplyLength: 0,
  maxReplyLength: 255,
};

describe('judgeUdpReply (pure)', () => {
  it('accepts any reply when no reply bytes are configured', () => {
    expect(judgeUdpReply(new Uint8Array(300), base).ok).toBe(true);
  });
  it('checks length bounds and the first min(len, reply) bytes, with mask bits ignored', () => {
    const spec = { ...base, replyHex: 'cafe01', minReplyLength: 2, maxReplyLength: 4 };
    expect(judgeUdpReply(Uint8Array.from([0xca, 0xfe, 0x01]), spec)).toEqual({ ok: true, reason: 'reply matches' });
    expect(judgeUdpReply(Uint8Array.from([0xca, 0xfe]), spec).ok).toBe(true); // shorter: compares 2 bytes
    expect(judgeUdpReply(Uint8Array.from([0xca]), spec)).toEqual({ ok: false, reason: 'reply length 1' });
    expect(judgeUdpReply(new Uint8Array(5), spec)).toEqual({ ok: false, reason: 'reply length 5' });
    expect(judgeUdpReply(Uint8Array.from([0xca, 0xff, 0x01]), spec)).toEqual({ ok: false, reason: 'reply mismatch at byte 1' });
    expect(judgeUdpReply(Uint8Array.from([0xca, 0xff, 0x01]), { ...spec, replyMaskHex: '000f00' }).ok).toBe(true);
  });
});

describe('UDP_CHECK probe on 127.0.0.1', () => {
  const echo = dgram.createSocket('udp4');
  const sink = dgram.createSocket('udp4');
  const got: string[] = [];
  let echoPort = 0;
  let sinkPort = 0;
  beforeAll(async () => {
    echo.on('message', (m, r) => echo.send(m, r.port, r.address));
    sink.on('message', (m) => got.push(m.toString('hex')));
    await new Promise<void>((r) => echo.bind(0, '127.0.0.1', r));
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
    echoPort = echo.address().port;
    sinkPort = sink.address().port;
  });
  afterAll(() => {
    echo.close();
    sink.close();
  });

  it('silence is success without require_reply, failure with it; the payload is sent', async () => {
    expect(await runUdpCheck({ ...base, connectPort: sinkPort, payloadHex: 'c0ffee' })).toEqual({ ok: true, reason: 'no error' });
    expect(got).toEqual(['c0ffee']);
    expect(await runUdpCheck({ ...base, connectPort: sinkPort, requireReply: true })).toEqual({ ok: false, reason: 'timeout' });
  });

  it('a reply is checked against the expected bytes', async () => {
    const spec = { ...base, connectPort: echoPort, payloadHex: 'abcd', requireReply: true };
    expect(await runUdpCheck({ ...spec, replyHex: 'abcd' })).toEqual({ ok: true, reason: 'reply matches' });
    expect(await runUdpCheck({ ...spec, replyHex: 'abce' })).toEqual({ ok: false, reason: 'reply mismatch at byte 1' });
  });

  it('an ICMP port unreachable fails at once', async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const closed = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    const t0 = performance.now();
    expect(await runUdpCheck({ ...base, connectPort: closed, payloadHex: '00', connectTimeoutMs: 2000 })).toEqual({ ok: false, reason: 'ECONNREFUSED' });
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
