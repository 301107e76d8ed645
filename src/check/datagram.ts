/**
 * One UDP exchange for the datagram checkers (DNS_CHECK, UDP_CHECK): bind (bindto/bind_port),
 * connect, send, then settle on the first reply the caller accepts, an ICMP error, the timeout
 * (connect_timeout) or an abort. The socket is always closed.
 */
import dgram from 'node:dgram';
import type { ConnectTarget, ProbeResult } from './types.js';

export interface DatagramExchange {
  payload: Uint8Array;
  /** A result for a reply, or 'ignore' to keep waiting (e.g. a DNS reply with another id). */
  judge(reply: Buffer): ProbeResult | 'ignore';
  /** What silence until connect_timeout means. */
  silence(): ProbeResult;
}

export function exchangeDatagram(target: ConnectTarget, x: DatagramExchange, signal?: AbortSignal): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    if (signal?.aborted) return resolve({ ok: false, reason: 'aborted' });
    const sock = dgram.createSocket(target.connectIp.includes(':') ? 'udp6' : 'udp4');
    let settled = false;
    const done = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.removeAllListeners('message');
      sock.on('error', () => {});
      try {
        sock.close();
      } catch {
        /* not yet bound */
      }
      resolve(r);
    };
    const onAbort = (): void => done({ ok: false, reason: 'aborted' });
    // One more turn before the timeout wins, so a reply that arrived during a stall still counts.
    const timer = setTimeout(() => setImmediate(() => done(x.silence())), target.connectTimeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, reason: err.code ?? err.message }));
    sock.on('message', (msg: Buffer) => {
      const verdict = x.judge(msg);
      if (verdict !== 'ignore') done(verdict);
    });
    const send = (): void =>
      sock.connect(target.connectPort, target.connectIp, () => {
        if (!settled) sock.send(x.payload, (err) => err && done({ ok: false, reason: (err as NodeJS.ErrnoException).code ?? err.message }));
      });
    if (target.bindTo !== undefined || target.bindPort !== undefined) {
      sock.bind({ ...(target.bindTo !== undefined ? { address: target.bindTo } : {}), port: target.bindPort ?? 0 }, send);
    } else send();
  });
}
