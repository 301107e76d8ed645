/**
 * Alert mails against a real SMTP server (the smtp-server package) on 127.0.0.1, through the whole
 * path the daemon uses: AlertNotifier → MailQueue → nodemailer adapter → TCP.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/common/clock.js';
import { silentLogger } from '../../src/common/log.js';
import { mailSettingsOf, readSecretFile } from '../../src/daemon/notify-wiring.js';
import { composeMail } from '../../src/notify/format.js';
import { MailQueue } from '../../src/notify/mail-queue.js';
import { AlertNotifier } from '../../src/notify/notifier.js';
import type { MailSettings } from '../../src/notify/settings.js';
import { createSmtpMailer } from '../../src/notify/smtp-nodemailer.js';
import { captureLogger } from '../fakes/logger.js';
import { loadText } from '../config/conf-helper.js';

interface Received {
  from: string | undefined;
  rcpt: string[];
  helo: string;
  secure: boolean;
  user: unknown;
  raw: string;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function startSmtp(port: number, extra: Partial<SMTPServerOptions> = {}): Promise<{ port: number; got: Received[]; stop: () => Promise<void> }> {
  const got: Received[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['AUTH'],
    ...extra,
    onData(stream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        got.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          rcpt: session.envelope.rcptTo.map((r) => r.address),
          helo: session.hostNameAppearsAs,
          secure: session.secure,
          user: session.user,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.server.address() as AddressInfo;
  let stopped = false;
  const stop = () => stopped ? Promise.resolve() : new Promise<void>((resolve) => { stopped = true; server.close(() => resolve()); });
  cleanups.push(stop);
  return { port: addr.port, got, stop };
}

/** A free ephemeral port on 127.0.0.1 (bound, read, released). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Header fields of a raw message, unfolded, names lower-cased; and the body. */
function parseMessage(raw: string): { headers: Map<string, string>; body: string } {
  const sep = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, sep).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body: raw.slice(sep + 4) };
}

function settingsFor(port: number, over: Partial<MailSettings> = {}): MailSettings {
  return {
    from: 'keepalived@lb1.example.org', to: ['ops@example.org', 'noc@example.org'], server: '127.0.0.1', port,
    helo: 'lb1.example.org', connectTimeoutMs: 3000, routerId: 'lb1', ...over,
  };
}

function pipeline(s: MailSettings, retry = { initialMs: 100, maxMs: 300, factor: 2 }) {
  const log = captureLogger();
  const mailer = createSmtpMailer(s, log);
  const queue = new MailQueue(mailer, systemClock, log, { retry });
  const notifier = new AlertNotifier({ settings: s, alertEnabled: () => true, queue, log });
  cleanups.push(() => { queue.close(); mailer.close?.(); });
  return { log, mailer, queue, notifier };
}

describe('SMTP alerts against a real SMTP server', () => {
  it('a failover mail arrives with keepalived subject, From, To, HELO and body', async () => {
    const smtp = await startSmtp(0);
    const s = settingsFor(smtp.port);
    const { notifier, queue } = pipeline(s);
    expect(notifier.handle({ t: 'vrrp-instance', name: 'VI_1', from: 'BACKUP', to: 'MASTER', priority: 150 })).toBe(true);
    await expect(queue.drain(10_000)).resolves.toEqual({ remaining: 0 });

    expect(smtp.got).toHaveLength(1);
    const m = smtp.got[0]!;
    expect(m.from).toBe('keepalived@lb1.example.org');
    expect(m.rcpt).toEqual(['ops@example.org', 'noc@example.org']);
    expect(m.helo).toBe('lb1.example.org');
    expect(m.secure).toBe(false); // keepalived-compatible default: plain SMTP
    const { headers, body } = parseMessage(m.raw);
    expect(headers.get('subject')).toBe('[lb1] VRRP Instance VI_1 - Entering MASTER state');
    expect(headers.get('from')).toBe('keepalived@lb1.example.org');
    expect(headers.get('to')).toBe('ops@example.org, noc@example.org');
    expect(headers.get('x-mailer')).toBe('keepalived-ts');
    expect(headers.get('date')).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/);
    expect(body.trim()).toBe('=> VRRP Instance is now owning VRRP VIPs <=');
  });

  it('SMTP server down, then started on the same port: the queued alert is delivered after it comes back', async () => {
    const port = await freePort();
    const s = settingsFor(port);
    const { notifier, queue, log } = pipeline(s);
    notifier.handle({ t: 'vrrp-instance', name: 'VI_1', from: 'MASTER', to: 'BACKUP', priority: 100 });
    notifier.handle({ t: 'rs', vs: { kind: 'addr', ip: '10.0.0.100', port: 80, proto: 'tcp' }, rs: { ip: '10.0.1.10', port: 80 },
      up: false, cause: 'check', checker: 'TCP_CHECK' });
    await waitFor(() => queue.stats().retries >= 2, 10_000);
    expect(queue.stats().queued).toBe(2);
    expect(log.records.some((r) => r.level === 'warn' && r.msg === 'SMTP alert not delivered, will retry')).toBe(true);

    const smtp = await startSmtp(port);
    await waitFor(() => smtp.got.length === 2, 10_000);
    expect(smtp.got.map((g) => parseMessage(g.raw).headers.get('subject'))).toEqual([
      '[lb1] VRRP Instance VI_1 - Entering BACKUP state',
      '[lb1] Realserver [10.0.1.10]:tcp:80 of virtual server [10.0.0.100]:tcp:80 - DOWN',
    ]);
    expect(parseMessage(smtp.got[1]!.raw).body.trim()).toBe('=> TCP CHECK failed on service <=');
    expect(queue.stats()).toMatchObject({ queued: 0, sent: 2 });
  });

  it('accepts "Name <addr>" for notification_email_from and notification_email', async () => {
    const smtp = await startSmtp(0);
    const s = settingsFor(smtp.port, { from: 'Keepalived LB1 <ka@lb1.example.org>', to: ['NOC Team <noc@example.org>'] });
    const mailer = createSmtpMailer(s, silentLogger);
    cleanups.push(() => mailer.close?.());
    await expect(mailer.send(composeMail({ subject: 's', body: 'b' }, s, { epochMs: 0, offsetMin: 0 }))).resolves.toMatchObject({ ok: true });
    expect(smtp.got[0]).toMatchObject({ from: 'ka@lb1.example.org', rcpt: ['noc@example.org'] });
    const { headers } = parseMessage(smtp.got[0]!.raw);
    expect(headers.get('from')).toBe('Keepalived LB1 <ka@lb1.example.org>');
    expect(headers.get('to')).toBe('NOC Team <noc@example.org>');
  });

  it('AUTH PLAIN over plain SMTP when the server allows it; a wrong password is a permanent refusal', async () => {
    const smtp = await startSmtp(0, {
      disabledCommands: ['STARTTLS'], authOptional: false, authMethods: ['PLAIN'], allowInsecureAuth: true,
      onAuth(auth, _session, cb) {
        if (auth.username === 'alerts' && auth.password === 's3cret') cb(null, { user: 'alerts' });
        else cb(new Error('Invalid username or password'));
      },
    });
    const ok = createSmtpMailer(settingsFor(smtp.port, { auth: { user: 'alerts', pass: 's3cret' } }), silentLogger);
    const bad = createSmtpMailer(settingsFor(smtp.port, { auth: { user: 'alerts', pass: 'wrong' } }), silentLogger);
    cleanups.push(() => { ok.close?.(); bad.close?.(); });
    const m = composeMail({ subject: '[lb1] test', body: 'b' }, settingsFor(smtp.port), { epochMs: 0, offsetMin: 0 });
    await expect(ok.send(m)).resolves.toMatchObject({ ok: true });
    expect(smtp.got[0]?.user).toBe('alerts');
    await expect(bad.send(m)).resolves.toMatchObject({ ok: false, permanent: true, code: 'EAUTH' });
    expect(smtp.got).toHaveLength(1);
  });

  let opensslOk = true;
  try { execFileSync('openssl', ['version'], { stdio: 'ignore', timeout: 5000 }); } catch { opensslOk = false; }

  /** A relay that wants STARTTLS (self-signed certificate for 127.0.0.1) and then AUTH PLAIN alerts/s3cret. */
  async function startTlsAuthSmtp() {
    const dir = mkdtempSync(join(tmpdir(), 'ka-notify-tls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'),
      '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore', timeout: 30_000 });
    const key = readFileSync(join(dir, 'key.pem'));
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const smtp = await startSmtp(0, {
      key, cert, disabledCommands: [], authOptional: false, authMethods: ['PLAIN'],
      onAuth(auth, session, cb) {
        if (!session.secure) return cb(new Error('TLS first'));
        if (auth.username === 'alerts' && auth.password === 's3cret') cb(null, { user: 'alerts' });
        else cb(new Error('Invalid username or password'));
      },
    });
    return { dir, cert, smtp };
  }

  it('STARTTLS (required, certificate verified against the given CA) + AUTH PLAIN', async () => {
    // openssl is a hard requirement of this test: a missing tool must fail loudly, never skip.
    expect(opensslOk, 'openssl is needed to make the test certificate').toBe(true);
    const { cert, smtp } = await startTlsAuthSmtp();
    const auth = { user: 'alerts', pass: 's3cret' };
    const tlsMailer = createSmtpMailer(settingsFor(smtp.port, { auth, starttls: 'required', tls: { ca: cert } }), silentLogger);
    const untrusted = createSmtpMailer(settingsFor(smtp.port, { auth, starttls: 'required' }), silentLogger);
    cleanups.push(() => { tlsMailer.close?.(); untrusted.close?.(); });
    const m = composeMail({ subject: '[lb1] VRRP Instance VI_1 - Entering MASTER state', body: '=> VRRP Instance is now owning VRRP VIPs <=' },
      settingsFor(smtp.port), { epochMs: Date.UTC(2026, 10, 23, 16, 0, 0), offsetMin: 0 });
    await expect(tlsMailer.send(m)).resolves.toMatchObject({ ok: true });
    expect(smtp.got).toHaveLength(1);
    expect(smtp.got[0]).toMatchObject({ secure: true, user: 'alerts', rcpt: ['ops@example.org', 'noc@example.org'] });
    expect(parseMessage(smtp.got[0]!.raw).headers.get('date')).toBe('Mon, 23 Nov 2026 16:00:00 +0000');
    // Without the CA the self-signed certificate is rejected: transient (retried), never sent in clear.
    await expect(untrusted.send(m)).resolves.toMatchObject({ ok: false, permanent: false });
    expect(smtp.got).toHaveLength(1);
  });

  it('the keepalived_ts block configures AUTH and STARTTLS; password and CA come from files', async () => {
    expect(opensslOk, 'openssl is needed to make the test certificate').toBe(true);
    const { dir, smtp } = await startTlsAuthSmtp();
    writeFileSync(join(dir, 'smtp.pass'), 's3cret\n', { mode: 0o600 });
    const conf = (extra: string) => loadText(`global_defs {
  router_id lb1
  notification_email { ops@example.org }
  notification_email_from keepalived@lb1.example.org
  smtp_server 127.0.0.1 ${smtp.port}
  smtp_connect_timeout 3
}
keepalived_ts {
  smtp_auth_user alerts
  smtp_auth_password_file ${join(dir, 'smtp.pass')}
  smtp_starttls required
${extra}}
`).config;
    const log = captureLogger();
    const send = async (settings: MailSettings) => {
      const mailer = createSmtpMailer(settings, log);
      cleanups.push(() => mailer.close?.());
      return mailer.send(composeMail({ subject: '[lb1] VRRP Instance VI_1 - Entering MASTER state', body: 'x' }, settings, { epochMs: Date.now(), offsetMin: 0 }));
    };
    const trusted = mailSettingsOf(conf(`  smtp_tls_ca_file ${join(dir, 'cert.pem')}\n`), readSecretFile(log));
    expect(trusted.auth).toEqual({ user: 'alerts', pass: 's3cret' });
    await expect(send(trusted)).resolves.toMatchObject({ ok: true });
    expect(smtp.got).toMatchObject([{ secure: true, user: 'alerts', rcpt: ['ops@example.org'] }]);
    // Without the CA the relay's certificate is not trusted: nothing is sent, in clear or otherwise.
    await expect(send(mailSettingsOf(conf(''), readSecretFile(log)))).resolves.toMatchObject({ ok: false, permanent: false });
    // smtp_tls_verify off accepts it (an operator's explicit choice).
    await expect(send(mailSettingsOf(conf('  smtp_tls_verify off\n'), readSecretFile(log)))).resolves.toMatchObject({ ok: true });
    expect(smtp.got).toHaveLength(2);
    // An unreadable password file is logged and the mail goes without AUTH, which this relay refuses.
    rmSync(join(dir, 'smtp.pass'));
    const noPass = mailSettingsOf(conf(`  smtp_tls_ca_file ${join(dir, 'cert.pem')}\n`), readSecretFile(log));
    expect(noPass.auth).toBeUndefined();
    expect(log.records.some((l) => /cannot read smtp_auth_password_file/.test(l.msg))).toBe(true);
    await expect(send(noPass)).resolves.toMatchObject({ ok: false });
    expect(smtp.got).toHaveLength(2);
  });
});
