import { describe, expect, it } from 'vitest';
import type { HaEvent, VsIdentity } from '../../src/notify/events.js';
import type { OutgoingMail } from '../../src/notify/format.js';
import { AlertNotifier, type AlertNotifierDeps } from '../../src/notify/notifier.js';
import type { MailSettings } from '../../src/notify/settings.js';
import { captureLogger } from '../fakes/logger.js';

const settings: MailSettings = { from: 'ka@lb1', to: ['ops@example.org', 'noc@example.org'], server: '127.0.0.1', routerId: 'lb1' };
const vs: VsIdentity = { kind: 'addr', ip: '10.0.0.100', port: 80, proto: 'tcp' };
const inst = (to: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED', name = 'VI_1'): HaEvent =>
  ({ t: 'vrrp-instance', name, from: 'INIT', to, priority: 100 });

function setup(over: Partial<AlertNotifierDeps> = {}) {
  const sent: OutgoingMail[] = [];
  const n = new AlertNotifier({
    settings, alertEnabled: () => true, queue: { enqueue: (m) => sent.push(m) }, log: captureLogger(),
    wallNow: () => Date.UTC(2026, 10, 23, 16, 0, 0), tzOffsetMin: () => 60, ...over,
  });
  return { n, sent };
}

describe('AlertNotifier', () => {
  it('queues a composed mail with keepalived subject, recipients and local Date', () => {
    const { n, sent } = setup();
    expect(n.handle(inst('MASTER'))).toBe(true);
    expect(sent).toEqual([{
      from: 'ka@lb1', to: ['ops@example.org', 'noc@example.org'],
      subject: '[lb1] VRRP Instance VI_1 - Entering MASTER state', body: '=> VRRP Instance is now owning VRRP VIPs <=',
      date: 'Mon, 23 Nov 2026 17:00:00 +0100', xMailer: 'keepalived-ts',
    }]);
  });

  it('send() queues a mail of ours (the status report) as it is, with the same Date; nothing when mail is off', () => {
    const { n, sent } = setup();
    expect(n.send({ subject: '[lb1] keepalived-ts report: 0 VRRP transitions, 0 real-server changes', body: 'line 1\nline 2' })).toBe(true);
    expect(sent).toMatchObject([{ to: ['ops@example.org', 'noc@example.org'], body: 'line 1\nline 2', date: 'Mon, 23 Nov 2026 17:00:00 +0100' }]);
    expect(setup({ settings: { ...settings, to: [] } }).n.send({ subject: 's', body: 'b' })).toBe(false);
  });

  it('sends nothing without recipients or smtp_server', () => {
    for (const s of [{ ...settings, to: [] }, { ...settings, server: undefined }]) {
      const { n, sent } = setup({ settings: s });
      expect(n.handle(inst('MASTER'))).toBe(false);
      expect(sent).toEqual([]);
    }
  });

  it('respects the resolved smtp_alert of the object', () => {
    const { n, sent } = setup({ alertEnabled: (ev) => ev.t !== 'quorum' });
    n.handle({ t: 'quorum', vs, up: true, cause: 'change', quorum: 1, hysteresis: 0, threshold: 1, weight: 1 });
    n.handle({ t: 'rs', vs, rs: { ip: '10.0.1.10', port: 80 }, up: true, cause: 'check', checker: 'TCP_CHECK' });
    expect(sent.map((m) => m.subject)).toEqual(['[lb1] Realserver [10.0.1.10]:tcp:80 of virtual server [10.0.0.100]:tcp:80 - UP']);
  });

  it('mails a VRRP state only when it differs from the last mailed state, per instance', () => {
    const { n, sent } = setup();
    n.handle(inst('BACKUP')); n.handle(inst('BACKUP')); n.handle(inst('MASTER')); n.handle(inst('MASTER'));
    n.handle(inst('BACKUP', 'VI_2')); n.handle(inst('BACKUP'));
    expect(sent.map((m) => m.subject)).toEqual([
      '[lb1] VRRP Instance VI_1 - Entering BACKUP state', '[lb1] VRRP Instance VI_1 - Entering MASTER state',
      '[lb1] VRRP Instance VI_2 - Entering BACKUP state', '[lb1] VRRP Instance VI_1 - Entering BACKUP state',
    ]);
    n.handle({ t: 'vrrp-group', name: 'VI_1', from: 'INIT', to: 'BACKUP' }); // groups are keyed apart
    expect(sent).toHaveLength(5);
  });

  it('a FAULT filtered by no_email_faults does not count as mailed', () => {
    const { n, sent } = setup({ filters: { noEmailFaults: true } });
    n.handle(inst('MASTER')); n.handle(inst('FAULT')); n.handle(inst('MASTER'));
    expect(sent.map((m) => m.subject)).toEqual(['[lb1] VRRP Instance VI_1 - Entering MASTER state']);
  });

  it('daemon events produce no mail; forget() clears the last mailed state', () => {
    const { n, sent } = setup();
    expect(n.handle({ t: 'daemon', phase: 'start' })).toBe(false);
    n.handle(inst('MASTER'));
    n.forget('instance', 'VI_1');
    n.handle(inst('MASTER'));
    expect(sent).toHaveLength(2);
  });
});
