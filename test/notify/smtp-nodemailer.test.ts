import { describe, expect, it } from 'vitest';
import { classifySendError, transportOptions } from '../../src/notify/smtp-nodemailer.js';

const base = { from: 'ka@lb1', to: ['ops@example.org'], server: 'relay.example.org', routerId: 'lb1' };

describe('transportOptions', () => {
  it('maps keepalived defaults: port 25, 30 s timeouts, plain SMTP (no STARTTLS, no AUTH)', () => {
    const o = transportOptions(base) as Record<string, unknown>;
    expect(o).toMatchObject({
      host: 'relay.example.org', port: 25, secure: false, connectionTimeout: 30_000, greetingTimeout: 30_000,
      socketTimeout: 30_000, ignoreTLS: true, requireTLS: false, pool: false,
    });
    expect(o.auth).toBeUndefined();
  });
  it('maps smtp_server port, smtp_helo_name, smtp_connect_timeout and the AUTH/STARTTLS extension', () => {
    const o = transportOptions({ ...base, port: 2525, helo: 'lb1.example.org', connectTimeoutMs: 5000,
      auth: { user: 'u', pass: 'p' }, starttls: 'required', tls: { ca: 'PEM', rejectUnauthorized: true } }) as Record<string, unknown>;
    expect(o).toMatchObject({ port: 2525, name: 'lb1.example.org', connectionTimeout: 5000, socketTimeout: 5000,
      auth: { user: 'u', pass: 'p' }, requireTLS: true, ignoreTLS: false, tls: { ca: 'PEM', rejectUnauthorized: true } });
    expect(transportOptions({ ...base, starttls: 'opportunistic' })).toMatchObject({ ignoreTLS: false, requireTLS: false, opportunisticTLS: true });
  });
  it('refuses settings without smtp_server', () => {
    expect(() => transportOptions({ ...base, server: undefined })).toThrow(/smtp_server/);
  });
});

describe('classifySendError', () => {
  it('treats 5xx replies as permanent, except 503', () => {
    expect(classifySendError({ code: 'EENVELOPE', responseCode: 550, response: '550 no such user', command: 'RCPT TO' }, '[10.0.0.5]:25'))
      .toEqual({ ok: false, permanent: true, code: 'EENVELOPE',
        reason: 'Error processing RCPT cmd on SMTP server [10.0.0.5]:25. SMTP status code = 550 (550 no such user)' });
    expect(classifySendError({ code: 'EPROTOCOL', responseCode: 503 }).permanent).toBe(false);
    expect(classifySendError({ responseCode: 451, permanent: false }).permanent).toBe(false);
  });
  it('treats connection failures and timeouts as transient', () => {
    expect(classifySendError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' })))
      .toEqual({ ok: false, permanent: false, reason: 'connect ECONNREFUSED', code: 'ESOCKET' });
    expect(classifySendError({ code: 'ETIMEDOUT', message: 'Greeting never received' }, '[10.0.0.5]:25'))
      .toEqual({ ok: false, permanent: false, code: 'ETIMEDOUT', reason: 'Timeout connecting SMTP server [10.0.0.5]:25. (Greeting never received)' });
  });
});
