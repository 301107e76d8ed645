import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_HELO, runSmtpCheck, takeReplies } from '../../src/check/smtp.js';
import type { SmtpProbeSpec } from '../../src/check/types.js';

describe('takeReplies (pure)', () => {
  it('returns the code of each complete reply, skipping continuation lines and keeping partial input', () => {
    expect(takeReplies('220-hello\r\n220 ready\r\n250 ok\r\n25')).toEqual({ codes: [220, 250], rest: '25' });
    expect(takeReplies('garbage\r\n')).toEqual({ codes: [0], rest: '' });
  });
});

/** A scripted SMTP server on 127.0.0.1; `script(line)` answers each client line. */
async function smtpServer(banner: string | null, answer: (line: string) => string | null) {
  const lines: string[] = [];
  const server = net.createServer((c) => {
    c.on('error', () => {});
    c.setEncoding('latin1');
    if (banner !== null) c.write(banner);
    let buf = '';
    c.on('data', (d: string) => {
      buf += d;
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        lines.push(line);
        const a = answer(line);
        if (a !== null) c.write(a);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { port: (server.address() as net.AddressInfo).port, lines };
}
const servers: net.Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

const spec = (port: number, extra: Partial<SmtpProbeSpec> = {}): SmtpProbeSpec => ({
  kind: 'SMTP_CHECK',
  connectIp: '127.0.0.1',
  connectPort: port,
  connectTimeoutMs: 500,
  heloName: DEFAULT_HELO,
  ...extra,
});

describe('SMTP_CHECK probe on 127.0.0.1', () => {
  it('completes the banner / HELO / QUIT dialogue (multi-line banner)', async () => {
    const srv = await smtpServer('220-mx.example ESMTP\r\n220 ready\r\n', (l) => (l.startsWith('HELO') ? '250 hi\r\n' : '221 bye\r\n'));
    expect(await runSmtpCheck(spec(srv.port))).toEqual({ ok: true, reason: 'SMTP dialogue complete' });
    expect(srv.lines).toEqual(['HELO smtpchecker.keepalived.org', 'QUIT']);
  });

  it('fails on a bad banner or a refused HELO', async () => {
    const busy = await smtpServer('554 go away\r\n', () => null);
    expect(await runSmtpCheck(spec(busy.port))).toEqual({ ok: false, reason: 'Bad greeting: 554' });
    const picky = await smtpServer('220 ready\r\n', () => '501 bad helo\r\n');
    expect(await runSmtpCheck(spec(picky.port, { heloName: 'lb1.example' }))).toEqual({ ok: false, reason: 'Bad HELO response: 501' });
    expect(picky.lines).toEqual(['HELO lb1.example']);
  });

  it('times out when the server stays silent', async () => {
    const mute = await smtpServer(null, () => null);
    const t0 = performance.now();
    expect(await runSmtpCheck(spec(mute.port, { connectTimeoutMs: 300 }))).toEqual({ ok: false, reason: 'timeout (Bad greeting)' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('fails on a closed port', async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise((r) => s.close(r));
    expect(await runSmtpCheck(spec(port))).toEqual({ ok: false, reason: 'ECONNREFUSED' });
  });
});
