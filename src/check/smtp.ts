/**
 * SMTP_CHECK probe (keepalived check_smtp.c, read for behaviour), as a table-driven dialogue:
 * wait for the 220 banner, send HELO and expect 250, send QUIT and wait for any reply.
 * connect_timeout bounds each wait. Multi-line replies ("250-…" then "250 …") are read whole.
 */
import net from 'node:net';
import type { Probe, ProbeResult, SmtpProbeSpec } from './types.js';

export const DEFAULT_HELO = 'smtpchecker.keepalived.org';

interface DialogStep {
  /** Reply code expected before moving on; null = any reply. */
  expect: number | null;
  /** What to send once it arrived; null = the dialogue is complete. */
  send: ((spec: SmtpProbeSpec) => string) | null;
  failure: string;
}

export const SMTP_DIALOG: readonly DialogStep[] = [
  { expect: 220, send: (s) => `HELO ${s.heloName}\r\n`, failure: 'Bad greeting' },
  { expect: 250, send: () => 'QUIT\r\n', failure: 'Bad HELO response' },
  { expect: null, send: null, failure: 'No QUIT response' },
];

/** Pure: extracts complete replies (code of the final line) from buffered text. */
export function takeReplies(buffer: string): { codes: number[]; rest: string } {
  const codes: number[] = [];
  let rest = buffer;
  for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
    const line = rest.slice(0, nl).replace(/\r$/, '');
    rest = rest.slice(nl + 1);
    const m = /^(\d{3})([ -]|$)/.exec(line);
    if (!m) codes.push(0); // garbage counts as a bad reply
    else if (m[2] !== '-') codes.push(Number(m[1]));
  }
  return { codes, rest };
}

export function smtpProbe(spec: SmtpProbeSpec): Probe {
  return (signal) => runSmtpCheck(spec, signal);
}

export function runSmtpCheck(spec: SmtpProbeSpec, signal?: AbortSignal): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    if (signal?.aborted) return resolve({ ok: false, reason: 'aborted' });
    let settled = false;
    let step = 0;
    let buffered = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const sock = new net.Socket();
    const done = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.on('error', () => {});
      sock.destroy();
      resolve(r);
    };
    const rearm = (): void => {
      clearTimeout(timer);
      const at = step;
      timer = setTimeout(() => setImmediate(() => at === step && done({ ok: false, reason: `timeout (${SMTP_DIALOG[step]!.failure})` })), spec.connectTimeoutMs);
    };
    const onAbort = (): void => done({ ok: false, reason: 'aborted' });
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.setEncoding('latin1');
    sock.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, reason: err.code ?? err.message }));
    sock.on('close', () => done({ ok: false, reason: `connection closed (${SMTP_DIALOG[step]?.failure ?? 'done'})` }));
    sock.on('connect', rearm);
    sock.on('data', (chunk: string) => {
      const { codes, rest } = takeReplies(buffered + chunk);
      buffered = rest;
      for (const code of codes) {
        const d = SMTP_DIALOG[step]!;
        if (d.expect !== null && code !== d.expect) return done({ ok: false, reason: `${d.failure}: ${code}` });
        if (!d.send) return done({ ok: true, reason: 'SMTP dialogue complete' });
        sock.write(d.send(spec));
        step++;
        rearm();
      }
    });
    rearm();
    sock.connect({
      host: spec.connectIp,
      port: spec.connectPort,
      ...(spec.bindTo !== undefined ? { localAddress: spec.bindTo } : {}),
      ...(spec.bindPort !== undefined ? { localPort: spec.bindPort } : {}),
    });
  });
}
