/**
 * Logging to syslog as keepalived does: every record also goes to /dev/log (unless -G), with the
 * facility of -S (default daemon) and keepalived's process names as the ident (Keepalived_vrrp,
 * Keepalived_healthcheckers, Keepalived), so rsyslog rules and `journalctl -t Keepalived_vrrp`
 * written for keepalived keep matching. The datagram is what glibc's syslog(3) sends.
 */
import type { NativeNet } from '../net/native.js';
import { sockaddrUn, UnixDatagramSender } from '../net/unix-dgram.js';
import { parseRecord, recordText, type LogRecord, type LogSink } from './logger.js';

export const DEFAULT_SYSLOG_SOCKET = '/dev/log';

/** pino level -> syslog severity (debug 7, info 6, warning 4, err 3, crit 2). */
function severity(level: unknown): number {
  const l = typeof level === 'number' ? level : 30;
  if (l >= 60) return 2;
  if (l >= 50) return 3;
  if (l >= 40) return 4;
  if (l >= 30) return 6;
  return 7;
}

/** keepalived's process names: its VRRP child, its checker child, and the parent for the rest. */
export function identOf(rec: LogRecord): string {
  if (rec.mod === 'vrrp') return 'Keepalived_vrrp';
  if (rec.mod === 'lvs') return 'Keepalived_healthcheckers';
  return 'Keepalived';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** Longest message sent; the rest is cut (a datagram must fit the receiver's buffer). */
const MAX_MESSAGE = 8 * 1024;

/** `<PRI>Mmm dd hh:mm:ss IDENT[PID]: MSG` in local time, as glibc's syslog(3) writes it to /dev/log. */
export function syslogLine(rec: LogRecord, facility: number, at: Date, pid: number): string {
  const stamp = `${MONTHS[at.getMonth()]} ${String(at.getDate()).padStart(2, ' ')} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
  const text = recordText(rec).replace(/\n/g, ' ');
  return `<${facility * 8 + severity(rec.level)}>${stamp} ${identOf(rec)}[${pid}]: ${text.length > MAX_MESSAGE ? text.slice(0, MAX_MESSAGE) : text}`;
}

export interface SyslogOptions {
  facility: number;
  /** Default /dev/log. */
  path?: string;
  native: NativeNet;
  now?: () => Date;
  pid?: number;
  /** Told once when a record could not be delivered for another reason than a missing syslog. */
  onTrouble?: (why: string) => void;
}

/**
 * A log sink for syslog. Each record is one datagram sent without waiting; with no syslog
 * listening (no /dev/log) records are dropped, as glibc does, and delivery resumes when one appears.
 */
export function syslogSink(o: SyslogOptions): LogSink {
  const to = sockaddrUn(o.path ?? DEFAULT_SYSLOG_SOCKET);
  const sender = new UnixDatagramSender(o.native);
  const now = o.now ?? (() => new Date());
  const pid = o.pid ?? process.pid;
  const enc = new TextEncoder();
  let told = false;
  return (json) => {
    const rec = parseRecord(json);
    if (!rec || !to) return;
    const r = sender.send(to, enc.encode(syslogLine(rec, o.facility, now(), pid)));
    if (typeof r === 'object' && !told) {
      told = true;
      o.onTrouble?.(`syslog ${o.path ?? DEFAULT_SYSLOG_SOCKET}: ${r.error}`);
    }
  };
}
