/**
 * Pure formatting of keepalived's alert mails (semantics §6.3-6.5) and notify FIFO lines (§9).
 * Operators filter on these subjects, so the texts are keepalived's, word for word.
 */
import type {
  CheckerKind, HaEvent, QuorumEvent, RealServerEvent, RsIdentity, ServiceProto, VrrpGroupStateEvent,
  VrrpInstanceStateEvent, VrrpNotifyState, VsIdentity,
} from './events.js';
import type { MailFilters, MailSettings, SmtpAlertGlobals } from './settings.js';

/** keepalived's buffers: subject MAX_HEADERS_LENGTH (256 incl. NUL), body MAX_BODY_LENGTH (512 incl. NUL). */
export const MAX_SUBJECT_CHARS = 255;
export const MAX_BODY_CHARS = 511;
/** keepalived sends `X-Mailer: Keepalived`; we identify ourselves so mails can be told apart. */
export const X_MAILER = 'keepalived-ts';

export interface AlertContent { subject: string; body: string }

/** `[ip]:proto:port`: IPv6 addresses are bracketed the same way (keepalived inet_sockaddrtotrio). */
const trio = (ip: string, proto: ServiceProto, port: number): string => `[${ip}]:${proto}:${port}`;

export function formatVs(vs: VsIdentity): string {
  switch (vs.kind) {
    case 'addr': return trio(vs.ip, vs.proto, vs.port);
    case 'fwmark': return `FWM ${vs.fwmark}`;
    case 'group': return `[${vs.group}]:${vs.port}`;
  }
}

/** A real server is printed with its virtual server's protocol. */
export function formatRs(rs: RsIdentity, vs: VsIdentity): string {
  return trio(rs.ip, vs.proto, rs.port);
}

const STATE_SUBJECT: Record<VrrpNotifyState, string> = {
  MASTER: 'Entering MASTER state',
  BACKUP: 'Entering BACKUP state',
  FAULT: 'Entering FAULT state',
  STOP: 'Stopping',
  DELETED: 'Deleted',
};

const INSTANCE_BODY: Record<VrrpNotifyState, string> = {
  MASTER: '=> VRRP Instance is now owning VRRP VIPs <=',
  BACKUP: '=> VRRP Instance is no longer owning VRRP VIPs <=',
  FAULT: '=> VRRP Instance is no longer owning VRRP VIPs <=',
  STOP: '=> VRRP Instance stopping <=',
  DELETED: '=> VRRP Deleted at reload <=',
};

const GROUP_BODY: Record<VrrpNotifyState, string> = {
  MASTER: '=> All VRRP group instances are now in MASTER state <=',
  BACKUP: '=> All VRRP group instances are now in BACKUP state <=',
  FAULT: '=> All VRRP group instances are now in FAULT state <=',
  STOP: '=> All VRRP group instances are now stopping <=',
  // keepalived has no group mail for deletion; a deleted group reads as stopping.
  DELETED: '=> All VRRP group instances are now stopping <=',
};

function instanceContent(ev: VrrpInstanceStateEvent, routerId: string): AlertContent {
  return { subject: `[${routerId}] VRRP Instance ${ev.name} - ${STATE_SUBJECT[ev.to]}`, body: INSTANCE_BODY[ev.to] };
}

function groupContent(ev: VrrpGroupStateEvent, routerId: string): AlertContent {
  const word = ev.to === 'DELETED' ? STATE_SUBJECT.STOP : STATE_SUBJECT[ev.to];
  return { subject: `[${routerId}] VRRP Group ${ev.name} - ${word}`, body: GROUP_BODY[ev.to] };
}

/**
 * Checker mail bodies. TCP/UDP/HTTP/SSL/MISC wording is keepalived's; the other checkers follow the
 * `<NAME> CHECK succeed|failed on service` pattern keepalived uses for them.
 */
export function checkerBody(kind: CheckerKind | undefined, up: boolean, detail?: string): string {
  switch (kind) {
    case 'HTTP_GET':
    case 'SSL_GET':
      if (up) return '=> CHECK succeed on service <=';
      return detail ? `=> CHECK failed on service : ${detail} <=` : '=> CHECK failed on service <=';
    case 'MISC_CHECK':
      return `=> MISC CHECK ${up ? 'succeeded' : (detail ?? 'failed')} on service <=`;
    case undefined:
      return `=> CHECK ${up ? 'succeed' : 'failed'} on service <=`;
    default: {
      const name = kind.replace(/_CHECK$/, '');
      return `=> ${name} CHECK ${up ? 'succeed' : 'failed'} on service <=`;
    }
  }
}

function rsContent(ev: RealServerEvent, routerId: string): AlertContent {
  const subject = `[${routerId}] Realserver ${formatRs(ev.rs, ev.vs)} of virtual server ${formatVs(ev.vs)} - ${ev.up ? 'UP' : 'DOWN'}`;
  if (ev.cause === 'removed') return { subject, body: '=> Removing <=' };
  if (ev.cause === 'shutdown') return { subject, body: '=> Shutting down <=' };
  return { subject, body: checkerBody(ev.checker, ev.checkerUp ?? ev.up, ev.detail) };
}

function quorumContent(ev: QuorumEvent, routerId: string): AlertContent {
  const subject = `[${routerId}] Virtualserver ${formatVs(ev.vs)} - ${ev.up ? 'UP' : 'DOWN'}`;
  if (ev.cause === 'shutdown') return { subject, body: '=> Shutting down <=' };
  const what = ev.up
    ? (ev.cause === 'start' ? 'Starting with quorum up' : 'Gained quorum')
    : (ev.cause === 'start' ? 'Starting with quorum down' : 'Lost quorum');
  return { subject, body: `=> ${what} ${ev.quorum}+${ev.hysteresis}=${ev.threshold} <= ${ev.weight} <=` };
}

/**
 * Subject and body keepalived would mail for an event, or null when keepalived mails nothing for it
 * (daemon start/stop/reload have no mail in keepalived). Texts are cut at keepalived's limits.
 */
export function alertContent(ev: HaEvent, routerId: string): AlertContent | null {
  let c: AlertContent;
  switch (ev.t) {
    case 'vrrp-instance': c = instanceContent(ev, routerId); break;
    case 'vrrp-group': c = groupContent(ev, routerId); break;
    case 'rs': c = rsContent(ev, routerId); break;
    case 'quorum': c = quorumContent(ev, routerId); break;
    case 'daemon': return null;
  }
  return { subject: c.subject.slice(0, MAX_SUBJECT_CHARS), body: c.body.slice(0, MAX_BODY_CHARS) };
}

// ---- smtp_alert resolution (semantics §6.5) -------------------------------------------------

export type AlertScope = 'vrrp' | 'virtual-server' | 'real-server';

/**
 * DECIDED (issue 6): VRRP instance/group mails default to ON when notification_email and
 * smtp_server are set; `smtp_alert false` (or `smtp_alert_vrrp false`, or the instance's own
 * `smtp_alert false`) turns them off. keepalived defaults them to off; pass
 * `{ vrrpDefault: false }` for keepalived's exact behaviour.
 */
export const VRRP_ALERT_DEFAULT = true;

/**
 * Whether an object sends mails: its own `smtp_alert`, then the subsystem switch
 * (`smtp_alert_vrrp` / `smtp_alert_checker`), then the global `smtp_alert`, then the default:
 * VRRP → VRRP_ALERT_DEFAULT, virtual server (quorum) → false, real server → true (keepalived keeps
 * that inconsistency for backwards compatibility).
 */
export function resolveSmtpAlert(
  scope: AlertScope,
  own: boolean | undefined,
  g: SmtpAlertGlobals,
  opts: { vrrpDefault?: boolean } = {},
): boolean {
  if (own !== undefined) return own;
  const subsystem = scope === 'vrrp' ? g.smtpAlertVrrp : g.smtpAlertChecker;
  if (subsystem !== undefined) return subsystem;
  if (g.smtpAlert !== undefined) return g.smtpAlert;
  if (scope === 'vrrp') return opts.vrrpDefault ?? VRRP_ALERT_DEFAULT;
  return scope === 'real-server';
}

/**
 * The global filters keepalived applies after smtp_alert: no_email_faults drops FAULT mails;
 * no_checker_emails drops real-server mails whose checker edge did not change the server's alive
 * state. (Per-name "same state as last mailed" dedup is stateful: see notifier.ts.)
 */
export function passesMailFilters(ev: HaEvent, f: MailFilters): boolean {
  if ((ev.t === 'vrrp-instance' || ev.t === 'vrrp-group') && ev.to === 'FAULT') return !f.noEmailFaults;
  if (ev.t === 'rs' && ev.cause === 'check') return !f.noCheckerEmails || (ev.aliveChanged ?? true);
  return true;
}

// ---- RFC 5322 message -----------------------------------------------------------------------

/** What the Mailer port sends: envelope and headers already decided. */
export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  body: string;
  /** Date header value, keepalived's `%a, %d %b %Y %H:%M:%S %z`. */
  date: string;
  xMailer: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * RFC 5322 date-time in local time, e.g. `Mon, 23 Nov 2026 17:21:34 +0100`. `offsetMin` is minutes
 * east of UTC (note: the opposite sign of Date#getTimezoneOffset), passed in to keep this pure.
 */
export function formatMailDate(epochMs: number, offsetMin: number): string {
  const d = new Date(epochMs + offsetMin * 60_000); // read with UTC getters = local wall time
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
}

export function composeMail(
  c: AlertContent,
  s: Pick<MailSettings, 'from' | 'to'>,
  when: { epochMs: number; offsetMin: number },
): OutgoingMail {
  return { from: s.from, to: [...s.to], subject: c.subject, body: c.body, date: formatMailDate(when.epochMs, when.offsetMin), xMailer: X_MAILER };
}

/**
 * The message as keepalived writes it after DATA (headers in its order, `To:` folded one recipient
 * per line, CRLF line ends). The nodemailer adapter sends the same fields with its own framing;
 * this rendering documents and pins the format.
 */
export function renderMessage(m: OutgoingMail): string {
  const to = m.to.map((a, i) => (i === 0 ? ` ${a}` : `,\r\n ${a}`)).join('');
  return `Date: ${m.date}\r\nFrom: ${m.from}\r\nSubject: ${m.subject}\r\nX-Mailer: ${m.xMailer}\r\nTo:${to}\r\n\r\n${m.body}\r\n`;
}

// ---- notify FIFO lines (semantics §9) -------------------------------------------------------

/** The line keepalived writes to notify_fifo for an event, or null if it writes none. */
export function fifoLine(ev: HaEvent, reportedState?: VrrpNotifyState): string | null {
  switch (ev.t) {
    case 'vrrp-instance': return `INSTANCE "${ev.name}" ${reportedState ?? ev.to} ${ev.priority}\n`;
    case 'vrrp-group': return `GROUP "${ev.name}" ${reportedState ?? ev.to} 0\n`;
    case 'rs': return `RS ${formatRs(ev.rs, ev.vs)} ${formatVs(ev.vs)} ${ev.up ? 'UP' : 'DOWN'}\n`;
    case 'quorum': return `VS ${formatVs(ev.vs)} ${ev.up ? 'UP' : 'DOWN'}\n`;
    case 'daemon': return null;
  }
}
