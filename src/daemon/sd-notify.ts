/**
 * systemd's readiness protocol (sd_notify): with `Type=notify`, as keepalived's own unit uses,
 * systemd learns when the daemon is up, reloading and stopping. A no-op when NOTIFY_SOCKET is
 * unset (not started by systemd) or when nothing listens.
 */
import type { NativeNet } from '../net/native.js';
import { sockaddrUn, UnixDatagramSender } from '../net/unix-dgram.js';

export interface ServiceNotifier {
  ready(status: string): void;
  reloading(): void;
  stopping(): void;
  close(): void;
}

const noop: ServiceNotifier = { ready() {}, reloading() {}, stopping() {}, close() {} };

/** `socketPath` is $NOTIFY_SOCKET (a path, or '@name' for the abstract namespace). */
export function serviceNotifier(socketPath: string | undefined, native: () => NativeNet, monotonicUs: () => bigint = () => process.hrtime.bigint() / 1000n): ServiceNotifier {
  const to = socketPath ? sockaddrUn(socketPath) : null;
  if (!to) return noop;
  let sender: UnixDatagramSender;
  try {
    sender = new UnixDatagramSender(native());
  } catch {
    return noop; // without the addon the daemon itself reports why it cannot start
  }
  const enc = new TextEncoder();
  const send = (text: string) => { sender.send(to, enc.encode(text)); };
  return {
    ready: (status) => send(`READY=1\nSTATUS=${status.replace(/\n/g, ' ')}\nMAINPID=${process.pid}\n`),
    // MONOTONIC_USEC lets Type=notify-reload units match the reload to this message.
    reloading: () => send(`RELOADING=1\nMONOTONIC_USEC=${monotonicUs()}\n`),
    stopping: () => send('STOPPING=1\n'),
    close: () => sender.close(),
  };
}
