/**
 * The report_mail calendar job (our keepalived_ts extension) end to end: a director in a network
 * namespace, node-cron firing every few seconds, the report arriving at a real SMTP server with
 * the period's VRRP transitions and the state now, then a fresh period in the next one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDirectorPrerequisites, startDirector, vrrpConf, waitForVip, type Director } from './helpers/directors.js';
import { startMailCatcher, type MailCatcher } from './helpers/mail-catcher.js';
import { createLab, requireLabPrerequisites, type Lab } from './helpers/netns.js';

const MAIL_HOST = '10.98.0.100';
const VIP = '10.98.0.200';

let lab: Lab;
let director: Director | undefined;
let smtp: MailCatcher | undefined;

beforeAll(async () => {
  requireLabPrerequisites(['ip']);
  requireDirectorPrerequisites(['kts']);
  lab = await createLab('report', {
    namespaces: ['d1', 'mail'],
    bridge: [
      { ns: 'd1', ifname: 'eth0', addrs: ['10.98.0.11/24'] },
      { ns: 'mail', ifname: 'eth0', addrs: [`${MAIL_HOST}/24`] },
    ],
  });
});

afterAll(async () => {
  director?.proc.kill();
  await director?.proc.exited;
  await smtp?.stop();
  await lab?.cleanup();
});

describe('report_mail', () => {
  it('mails the period\'s transitions and the state now, then starts a new period', async () => {
    smtp = await startMailCatcher(lab, 'mail', MAIL_HOST, 2525);
    director = startDirector(lab, 'd1', 'kts', `${vrrpConf({
      name: 'LB1', state: 'MASTER', priority: 150, vip: `${VIP}/24`,
      global: `notification_email {\n    ops@example.com\n  }\n  notification_email_from lb1@example.com\n  smtp_server ${MAIL_HOST} 2525`,
    })}
keepalived_ts {
  report_mail */4 * * * * *
  cron_timezone UTC
}
`);
    await waitForVip(lab, 'd1', VIP, true, 20_000);
    const isReport = (s: string) => s.startsWith('[LB1] keepalived-ts report: ');
    const first = await smtp.waitForMail((m) => isReport(m.subject) && m.body.includes('-> MASTER'), 20_000, 'a report with the MASTER transition');
    expect(first.to).toEqual(['ops@example.com']);
    expect(first.subject).toMatch(/^\[LB1\] keepalived-ts report: [1-9]\d* VRRP transitions, 0 real-server changes$/);
    const lines = first.body.split(/\r?\n/);
    expect(lines[0]).toMatch(/^Status report of LB1, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(lines).toContain('  VRRP instance VI_1: MASTER, priority 150');
    expect(lines.some((l) => / VI_1: (BACKUP|INIT) -> MASTER$/.test(l))).toBe(true);
    // The next report covers only the time since: nothing happened.
    const next = await smtp.waitForMail((m) => isReport(m.subject) && m.receivedAt > first.receivedAt, 15_000, 'the next report');
    expect(next.subject).toBe('[LB1] keepalived-ts report: 0 VRRP transitions, 0 real-server changes');
    expect(next.body).toContain('VRRP instance VI_1: MASTER, priority 150');
  }, 90_000);
});
