import { describe, expect, it } from 'vitest';
import type { HaEvent, VsIdentity } from '../../src/notify/events.js';
import {
  alertContent, checkerBody, composeMail, fifoLine, formatMailDate, formatRs, formatVs, passesMailFilters,
  renderMessage, resolveSmtpAlert, MAX_BODY_CHARS, MAX_SUBJECT_CHARS, X_MAILER,
} from '../../src/notify/format.js';

const vs: VsIdentity = { kind: 'addr', ip: '10.0.0.100', port: 80, proto: 'tcp' };
const rs = { ip: '10.0.1.10', port: 80 };

describe('identities', () => {
  it('prints virtual servers as keepalived does', () => {
    expect(formatVs(vs)).toBe('[10.0.0.100]:tcp:80');
    expect(formatVs({ kind: 'addr', ip: 'fd00::100', port: 53, proto: 'udp' })).toBe('[fd00::100]:udp:53');
    expect(formatVs({ kind: 'fwmark', fwmark: 7, proto: 'tcp' })).toBe('FWM 7');
    expect(formatVs({ kind: 'group', group: 'web', port: 443, proto: 'tcp' })).toBe('[web]:443');
  });
  it('prints a real server with its virtual server protocol', () => {
    expect(formatRs(rs, { kind: 'addr', ip: '10.0.0.100', port: 80, proto: 'sctp' })).toBe('[10.0.1.10]:sctp:80');
  });
});

describe('alertContent golden texts', () => {
  const cases: Array<[string, HaEvent, string, string]> = [
    ['instance MASTER', { t: 'vrrp-instance', name: 'VI_1', from: 'BACKUP', to: 'MASTER', priority: 150 },
      '[lb1] VRRP Instance VI_1 - Entering MASTER state', '=> VRRP Instance is now owning VRRP VIPs <='],
    ['instance BACKUP', { t: 'vrrp-instance', name: 'VI_1', from: 'MASTER', to: 'BACKUP', priority: 100 },
      '[lb1] VRRP Instance VI_1 - Entering BACKUP state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
    ['instance FAULT', { t: 'vrrp-instance', name: 'VI_1', from: 'MASTER', to: 'FAULT', priority: 0 },
      '[lb1] VRRP Instance VI_1 - Entering FAULT state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
    ['instance STOP', { t: 'vrrp-instance', name: 'VI_1', from: 'MASTER', to: 'STOP', priority: 0 },
      '[lb1] VRRP Instance VI_1 - Stopping', '=> VRRP Instance stopping <='],
    ['instance DELETED', { t: 'vrrp-instance', name: 'VI_2', from: 'BACKUP', to: 'DELETED', priority: 0 },
      '[lb1] VRRP Instance VI_2 - Deleted', '=> VRRP Deleted at reload <='],
    ['group MASTER', { t: 'vrrp-group', name: 'G1', from: 'BACKUP', to: 'MASTER' },
      '[lb1] VRRP Group G1 - Entering MASTER state', '=> All VRRP group instances are now in MASTER state <='],
    ['group BACKUP', { t: 'vrrp-group', name: 'G1', from: 'INIT', to: 'BACKUP' },
      '[lb1] VRRP Group G1 - Entering BACKUP state', '=> All VRRP group instances are now in BACKUP state <='],
    ['group FAULT', { t: 'vrrp-group', name: 'G1', from: 'MASTER', to: 'FAULT' },
      '[lb1] VRRP Group G1 - Entering FAULT state', '=> All VRRP group instances are now in FAULT state <='],
    ['group STOP', { t: 'vrrp-group', name: 'G1', from: 'MASTER', to: 'STOP' },
      '[lb1] VRRP Group G1 - Stopping', '=> All VRRP group instances are now stopping <='],
    ['rs up (TCP)', { t: 'rs', vs, rs, up: true, cause: 'check', checker: 'TCP_CHECK' },
      '[lb1] Realserver [10.0.1.10]:tcp:80 of virtual server [10.0.0.100]:tcp:80 - UP', '=> TCP CHECK succeed on service <='],
    ['rs down (TCP)', { t: 'rs', vs, rs, up: false, cause: 'check', checker: 'TCP_CHECK' },
      '[lb1] Realserver [10.0.1.10]:tcp:80 of virtual server [10.0.0.100]:tcp:80 - DOWN', '=> TCP CHECK failed on service <='],
    ['rs checker up while server still down', { t: 'rs', vs, rs, up: false, checkerUp: true, cause: 'check', checker: 'TCP_CHECK' },
      '[lb1] Realserver [10.0.1.10]:tcp:80 of virtual server [10.0.0.100]:tcp:80 - DOWN', '=> TCP CHECK succeed on service <='],
    ['rs removed on reload', { t: 'rs', vs, rs, up: false, cause: 'removed' },
      '[lb1] Realserver [10.0.1.10]:tcp:80 of virtual server [10.0.0.100]:tcp:80 - DOWN', '=> Removing <='],
    ['rs shutdown', { t: 'rs', vs, rs, up: false, cause: 'shutdown' },
      '[lb1] Realserver [10.0.1.10]:tcp:80 of virtual server [10.0.0.100]:tcp:80 - DOWN', '=> Shutting down <='],
    ['quorum gained', { t: 'quorum', vs, up: true, cause: 'change', quorum: 2, hysteresis: 1, threshold: 3, weight: 3 },
      '[lb1] Virtualserver [10.0.0.100]:tcp:80 - UP', '=> Gained quorum 2+1=3 <= 3 <='],
    ['quorum lost', { t: 'quorum', vs, up: false, cause: 'change', quorum: 2, hysteresis: 1, threshold: 1, weight: 0 },
      '[lb1] Virtualserver [10.0.0.100]:tcp:80 - DOWN', '=> Lost quorum 2+1=1 <= 0 <='],
    ['quorum start up', { t: 'quorum', vs, up: true, cause: 'start', quorum: 1, hysteresis: 0, threshold: 1, weight: 2 },
      '[lb1] Virtualserver [10.0.0.100]:tcp:80 - UP', '=> Starting with quorum up 1+0=1 <= 2 <='],
    ['quorum start down', { t: 'quorum', vs, up: false, cause: 'start', quorum: 3, hysteresis: 0, threshold: 3, weight: 1 },
      '[lb1] Virtualserver [10.0.0.100]:tcp:80 - DOWN', '=> Starting with quorum down 3+0=3 <= 1 <='],
    ['quorum shutdown', { t: 'quorum', vs, up: false, cause: 'shutdown', quorum: 1, hysteresis: 0, threshold: 1, weight: 0 },
      '[lb1] Virtualserver [10.0.0.100]:tcp:80 - DOWN', '=> Shutting down <='],
  ];
  it.each(cases)('%s', (_name, ev, subject, body) => {
    expect(alertContent(ev, 'lb1')).toEqual({ subject, body });
  });

  it('sends no mail for daemon start/stop/reload (keepalived has none)', () => {
    for (const phase of ['start', 'stop', 'reload'] as const) expect(alertContent({ t: 'daemon', phase }, 'lb1')).toBeNull();
  });

  it('cuts subject and body at keepalived limits', () => {
    const long = 'x'.repeat(400);
    const c = alertContent({ t: 'vrrp-instance', name: long, from: 'BACKUP', to: 'MASTER', priority: 1 }, 'lb1');
    expect(c!.subject).toHaveLength(MAX_SUBJECT_CHARS);
    const b = alertContent({ t: 'rs', vs, rs, up: false, cause: 'check', checker: 'HTTP_GET', detail: long + long }, 'lb1');
    expect(b!.body).toHaveLength(MAX_BODY_CHARS);
  });
});

describe('checkerBody', () => {
  it('words each checker as keepalived', () => {
    expect(checkerBody('HTTP_GET', true)).toBe('=> CHECK succeed on service <=');
    expect(checkerBody('SSL_GET', false, 'SSL request failed')).toBe('=> CHECK failed on service : SSL request failed <=');
    expect(checkerBody('HTTP_GET', false)).toBe('=> CHECK failed on service <=');
    expect(checkerBody('MISC_CHECK', true)).toBe('=> MISC CHECK succeeded on service <=');
    expect(checkerBody('MISC_CHECK', false)).toBe('=> MISC CHECK failed on service <=');
    expect(checkerBody('MISC_CHECK', false, 'timed out')).toBe('=> MISC CHECK timed out on service <=');
    expect(checkerBody('UDP_CHECK', false)).toBe('=> UDP CHECK failed on service <=');
    expect(checkerBody('DNS_CHECK', true)).toBe('=> DNS CHECK succeed on service <=');
    expect(checkerBody(undefined, true)).toBe('=> CHECK succeed on service <=');
  });
});

describe('resolveSmtpAlert (semantics §6.5 + the issue-6 VRRP decision)', () => {
  // [scope, own, smtp_alert_vrrp, smtp_alert_checker, smtp_alert, expected]
  const table: Array<['vrrp' | 'virtual-server' | 'real-server', boolean | undefined, boolean | undefined, boolean | undefined, boolean | undefined, boolean]> = [
    ['vrrp', undefined, undefined, undefined, undefined, true], // decided: on by default (keepalived: off)
    ['vrrp', undefined, undefined, undefined, false, false], // `smtp_alert false` turns VRRP mails off
    ['vrrp', undefined, false, undefined, true, false], // subsystem switch beats global
    ['vrrp', undefined, true, undefined, false, true],
    ['vrrp', false, true, undefined, true, false], // own beats everything
    ['vrrp', true, false, undefined, false, true],
    ['vrrp', undefined, undefined, false, undefined, true], // checker switch does not affect VRRP
    ['virtual-server', undefined, undefined, undefined, undefined, false],
    ['virtual-server', undefined, undefined, undefined, true, true],
    ['virtual-server', undefined, true, undefined, undefined, false], // vrrp switch does not affect checkers
    ['virtual-server', undefined, undefined, true, false, true],
    ['virtual-server', true, undefined, false, false, true],
    ['real-server', undefined, undefined, undefined, undefined, true], // keepalived's backwards-compatible default
    ['real-server', undefined, undefined, undefined, false, false],
    ['real-server', undefined, undefined, false, true, false],
    ['real-server', false, undefined, true, true, false],
    ['real-server', true, undefined, false, false, true],
  ];
  it.each(table)('%s own=%s vrrp=%s checker=%s global=%s → %s', (scope, own, v, c, g, want) => {
    expect(resolveSmtpAlert(scope, own, { smtpAlertVrrp: v, smtpAlertChecker: c, smtpAlert: g })).toBe(want);
  });
  it('keepalived-exact VRRP default is available', () => {
    expect(resolveSmtpAlert('vrrp', undefined, {}, { vrrpDefault: false })).toBe(false);
    expect(resolveSmtpAlert('vrrp', undefined, { smtpAlert: true }, { vrrpDefault: false })).toBe(true);
  });
});

describe('passesMailFilters', () => {
  const fault: HaEvent = { t: 'vrrp-instance', name: 'VI_1', from: 'MASTER', to: 'FAULT', priority: 0 };
  it('no_email_faults drops FAULT mails only', () => {
    expect(passesMailFilters(fault, { noEmailFaults: true })).toBe(false);
    expect(passesMailFilters({ t: 'vrrp-group', name: 'G', from: 'MASTER', to: 'FAULT' }, { noEmailFaults: true })).toBe(false);
    expect(passesMailFilters(fault, {})).toBe(true);
    expect(passesMailFilters({ ...fault, to: 'BACKUP' }, { noEmailFaults: true })).toBe(true);
  });
  it('no_checker_emails keeps only edges that change the server state', () => {
    const ev: HaEvent = { t: 'rs', vs, rs, up: false, cause: 'check', checker: 'TCP_CHECK', aliveChanged: false };
    expect(passesMailFilters(ev, { noCheckerEmails: true })).toBe(false);
    expect(passesMailFilters(ev, {})).toBe(true);
    expect(passesMailFilters({ ...ev, aliveChanged: true }, { noCheckerEmails: true })).toBe(true);
  });
});

describe('message', () => {
  it('formats the Date header as keepalived (local time with offset)', () => {
    const t = Date.UTC(2026, 10, 23, 16, 21, 4);
    expect(formatMailDate(t, 0)).toBe('Mon, 23 Nov 2026 16:21:04 +0000');
    expect(formatMailDate(t, 60)).toBe('Mon, 23 Nov 2026 17:21:04 +0100');
    expect(formatMailDate(t, -330)).toBe('Mon, 23 Nov 2026 10:51:04 -0530');
    expect(formatMailDate(Date.UTC(2026, 0, 1, 0, 30, 0), -60)).toBe('Wed, 31 Dec 2025 23:30:00 -0100');
  });

  it('renders headers in keepalived order with a folded To', () => {
    const c = alertContent({ t: 'vrrp-instance', name: 'VI_1', from: 'BACKUP', to: 'MASTER', priority: 150 }, 'lb1')!;
    const m = composeMail(c, { from: 'keepalived@lb1', to: ['ops@example.org', 'noc@example.org', 'pager@example.org'] },
      { epochMs: Date.UTC(2026, 10, 23, 16, 21, 4), offsetMin: 0 });
    expect(m.xMailer).toBe(X_MAILER);
    expect(renderMessage(m)).toBe(
      'Date: Mon, 23 Nov 2026 16:21:04 +0000\r\n' +
      'From: keepalived@lb1\r\n' +
      'Subject: [lb1] VRRP Instance VI_1 - Entering MASTER state\r\n' +
      'X-Mailer: keepalived-ts\r\n' +
      'To: ops@example.org,\r\n noc@example.org,\r\n pager@example.org\r\n' +
      '\r\n' +
      '=> VRRP Instance is now owning VRRP VIPs <=\r\n');
  });
});

describe('fifoLine', () => {
  it('writes keepalived notify_fifo lines', () => {
    expect(fifoLine({ t: 'vrrp-instance', name: 'VI_1', from: 'BACKUP', to: 'MASTER', priority: 150 })).toBe('INSTANCE "VI_1" MASTER 150\n');
    expect(fifoLine({ t: 'vrrp-instance', name: 'VI_1', from: 'BACKUP', to: 'DELETED', priority: 0 }, 'FAULT')).toBe('INSTANCE "VI_1" FAULT 0\n');
    expect(fifoLine({ t: 'vrrp-group', name: 'G1', from: 'BACKUP', to: 'MASTER' })).toBe('GROUP "G1" MASTER 0\n');
    expect(fifoLine({ t: 'rs', vs, rs, up: true, cause: 'check' })).toBe('RS [10.0.1.10]:tcp:80 [10.0.0.100]:tcp:80 UP\n');
    expect(fifoLine({ t: 'quorum', vs, up: false, cause: 'change', quorum: 1, hysteresis: 0, threshold: 1, weight: 0 })).toBe('VS [10.0.0.100]:tcp:80 DOWN\n');
    expect(fifoLine({ t: 'daemon', phase: 'start' })).toBeNull();
  });
});
