/**
 * Turns HA events into queued alert mails, applying keepalived's gates in its order: mail
 * configured (notification_email + smtp_server), the object's resolved smtp_alert, the global
 * filters (no_email_faults, no_checker_emails), and for VRRP "only when the state differs from the
 * last mailed state" (keepalived's last_email_state). daemon/ resolves smtp_alert per object with
 * resolveSmtpAlert() and hands a lookup; this class keeps only the last-mailed states.
 */
import type { Logger } from '../common/log.js';
import type { HaEvent, VrrpNotifyState } from './events.js';
import { alertContent, composeMail, passesMailFilters, type AlertContent, type OutgoingMail } from './format.js';
import { mailEnabled, type MailFilters, type MailSettings } from './settings.js';

export interface AlertNotifierDeps {
  settings: MailSettings;
  filters?: MailFilters;
  /** The resolved smtp_alert of the event's instance / group / virtual server / real server. */
  alertEnabled(ev: HaEvent): boolean;
  queue: { enqueue(m: OutgoingMail): void };
  log: Logger;
  /** Wall-clock epoch ms for the Date header (default Date.now). */
  wallNow?: () => number;
  /** Minutes east of UTC at that instant (default: the host's local zone). */
  tzOffsetMin?: (epochMs: number) => number;
}

export class AlertNotifier {
  private readonly lastMailed = new Map<string, VrrpNotifyState>();

  constructor(private readonly d: AlertNotifierDeps) {}

  /** Queues the mail for an event if keepalived would send one; returns whether it did. */
  handle(ev: HaEvent): boolean {
    const { settings, log } = this.d;
    if (!mailEnabled(settings)) return false;
    if (!this.d.alertEnabled(ev)) return false;
    if (!passesMailFilters(ev, this.d.filters ?? {})) return false;
    const vrrp = ev.t === 'vrrp-instance' || ev.t === 'vrrp-group'
      ? { key: `${ev.t === 'vrrp-instance' ? 'i' : 'g'}:${ev.name}`, to: ev.to }
      : null;
    if (vrrp && this.lastMailed.get(vrrp.key) === vrrp.to) return false;
    const content = alertContent(ev, settings.routerId);
    if (!content) return false;
    if (vrrp?.to === 'DELETED') this.lastMailed.delete(vrrp.key);
    else if (vrrp) this.lastMailed.set(vrrp.key, vrrp.to);
    this.send(content);
    log.debug({ subject: content.subject }, 'SMTP alert queued');
    return true;
  }

  /** Queues a mail of ours (alerts, the status report) with the Date header of now; false when mail is off. */
  send(content: AlertContent): boolean {
    if (!mailEnabled(this.d.settings)) return false;
    const epochMs = (this.d.wallNow ?? Date.now)();
    const offsetMin = (this.d.tzOffsetMin ?? ((ms: number) => -new Date(ms).getTimezoneOffset()))(epochMs);
    this.d.queue.enqueue(composeMail(content, this.d.settings, { epochMs, offsetMin }));
    return true;
  }

  /** After a reload, instances that no longer exist must not keep a last-mailed state. */
  forget(kind: 'instance' | 'group', name: string): void {
    this.lastMailed.delete(`${kind === 'instance' ? 'i' : 'g'}:${name}`);
  }
}
