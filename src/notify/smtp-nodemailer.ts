/**
 * Mailer adapter over nodemailer's SMTP transport. Maps keepalived's settings (smtp_server host and
 * port, smtp_connect_timeout, smtp_helo_name) plus our AUTH/STARTTLS extension, opens one
 * connection per mail (keepalived does the same; no pooling), and turns nodemailer errors into
 * SendResult: an SMTP 5xx reply (nodemailer `permanent`) is permanent, everything else transient.
 */
import { createTransport } from 'nodemailer';
import type { Logger } from '../common/log.js';
import type { OutgoingMail } from './format.js';
import type { Mailer, SendResult } from './mailer.js';
import { DEFAULT_SMTP_CONNECT_TIMEOUT_MS, DEFAULT_SMTP_PORT, type MailSettings } from './settings.js';

type TransportOptions = NonNullable<Parameters<typeof createTransport>[0]> & object;

/** nodemailer transport options for our settings (exported for tests). */
export function transportOptions(s: MailSettings): TransportOptions {
  if (!s.server) throw new Error('smtp_server is not set');
  const timeout = s.connectTimeoutMs ?? DEFAULT_SMTP_CONNECT_TIMEOUT_MS;
  const starttls = s.starttls ?? 'never';
  return {
    host: s.server,
    port: s.port ?? DEFAULT_SMTP_PORT,
    secure: false,
    name: s.helo,
    // keepalived applies smtp_connect_timeout to the connect and to every reply
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ignoreTLS: starttls === 'never',
    requireTLS: starttls === 'required',
    opportunisticTLS: starttls === 'opportunistic',
    ...(s.auth ? { auth: { user: s.auth.user, pass: s.auth.pass } } : {}),
    tls: {
      ...(s.tls?.ca ? { ca: s.tls.ca } : {}),
      ...(s.tls?.servername ? { servername: s.tls.servername } : {}),
      rejectUnauthorized: s.tls?.rejectUnauthorized ?? true,
    },
    pool: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  } as TransportOptions;
}

interface NodemailerErrorLike {
  message?: string; code?: string; responseCode?: number; permanent?: boolean; response?: string; command?: string;
}

/**
 * Failure as a SendResult, with keepalived's wording where operators know it ("Timeout connecting
 * SMTP server …", "Error processing … cmd on SMTP server … SMTP status code = …").
 */
export function classifySendError(err: unknown, server = 'SMTP server'): SendResult & { ok: false } {
  const e = (err ?? {}) as NodemailerErrorLike;
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const permanent = e.permanent === true || (e.permanent === undefined && code !== undefined && code >= 500 && code !== 503);
  let reason = e.message ?? String(err);
  if (code !== undefined) {
    const cmd = (e.command ?? 'SMTP').split(' ')[0]!.toUpperCase();
    reason = `Error processing ${cmd} cmd on SMTP server ${server}. SMTP status code = ${code} (${e.response ?? reason})`;
  } else if (e.code === 'ETIMEDOUT') {
    reason = `Timeout connecting SMTP server ${server}. (${reason})`;
  }
  return { ok: false, permanent, reason, ...(e.code ? { code: e.code } : {}) };
}

export function createSmtpMailer(s: MailSettings, log: Logger): Mailer {
  const transport = createTransport(transportOptions(s));
  const server = `[${s.server}]:${s.port ?? DEFAULT_SMTP_PORT}`;
  return {
    async send(m: OutgoingMail): Promise<SendResult> {
      try {
        const info = await transport.sendMail({
          from: m.from,
          to: m.to,
          subject: m.subject,
          text: `${m.body}\r\n`,
          date: m.date,
          xMailer: m.xMailer,
        });
        return { ok: true, response: String((info as { response?: unknown }).response ?? '') };
      } catch (err) {
        const r = classifySendError(err, server);
        log.debug({ server, code: r.code, reason: r.reason }, 'SMTP delivery failed');
        return r;
      }
    },
    close() {
      transport.close();
    },
  };
}
