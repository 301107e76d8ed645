/**
 * TCP_CHECK probe: does a TCP handshake to connect_ip:connect_port complete within
 * connect_timeout? The socket is closed at once, no data is sent (keepalived check_tcp.c).
 */
import net from 'node:net';
import type { Probe, ProbeResult, TcpProbeSpec } from './types.js';

/**
 * Probes in flight per signal, behind one 'abort' listener per signal. The runner reuses a signal
 * for every attempt of a checker, and EventTarget add/removeEventListener per attempt cost about a
 * quarter of this function's user CPU on a loopback connect (bench/checkers.ts).
 */
const pending = new WeakMap<AbortSignal, Set<() => void>>();

function onAbortOf(signal: AbortSignal, cb: () => void): () => void {
  let set = pending.get(signal);
  if (!set) {
    const s = new Set<() => void>();
    set = s;
    pending.set(signal, s);
    signal.addEventListener('abort', () => {
      pending.delete(signal);
      for (const f of s) f();
      s.clear();
    }, { once: true });
  }
  set.add(cb);
  return () => { set.delete(cb); };
}

export function tcpProbe(spec: TcpProbeSpec): Probe {
  return (signal) => tcpConnect(spec, signal);
}

export function tcpConnect(spec: TcpProbeSpec, signal?: AbortSignal): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    if (signal?.aborted) return resolve({ ok: false, reason: 'aborted' });
    let settled = false;
    let unlisten: (() => void) | undefined;
    const sock = new net.Socket();
    const done = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unlisten?.();
      sock.on('error', () => {}); // late errors after the verdict are irrelevant
      // Connected: reset (no TIME_WAIT, so a fixed bind_port can be reused). Otherwise just drop
      // the half-open attempt (resetAndDestroy would wait for a handshake that may never come).
      if (r.ok) sock.resetAndDestroy();
      else sock.destroy();
      resolve(r);
    };
    const onAbort = (): void => done({ ok: false, reason: 'aborted' });
    // The verdict waits one more loop turn (setImmediate runs after I/O polling): if our event loop
    // was stalled past the deadline, a handshake the kernel already completed still counts.
    const timer = setTimeout(() => setImmediate(() => done({ ok: false, reason: 'timeout' })), spec.connectTimeoutMs);
    if (signal) unlisten = onAbortOf(signal, onAbort);
    sock.once('connect', () => done({ ok: true, reason: 'connected' }));
    sock.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, reason: err.code ?? err.message }));
    sock.connect({
      host: spec.connectIp,
      port: spec.connectPort,
      ...(spec.bindTo !== undefined ? { localAddress: spec.bindTo } : {}),
      ...(spec.bindPort !== undefined ? { localPort: spec.bindPort } : {}),
      noDelay: true,
    });
  });
}
