/**
 * Failover alert mails end to end (issue 6): keepalived-ts directors in network namespaces mail a
 * real SMTP server (the demo's catcher) in a third namespace. A SIGKILLed master makes the backup
 * mail keepalived's subject and body; an SMTP server that is down when the alert is raised gets it
 * once it comes back, while VRRP carries on; `smtp_alert false` in an instance silences it.
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { crash, requireDirectorPrerequisites, startDirector, vipsOn, vrrpConf, waitForVip, type Director } from './helpers/directors.js';
import { startMailCatcher, type CaughtMail, type MailCatcher } from './helpers/mail-catcher.js';
import { createLab, requireLabPrerequisites, sleep, until, type Lab } from './helpers/netns.js';

const MAIL_HOST = '10.99.0.100';
const VIP = '10.99.0.200';
const VIP2 = '10.99.0.201';
const RECIPIENTS = ['ops@example.com', 'noc@example.com'];
/**
 * Bound for a director's start-up to its first MASTER: node start-up plus Master_Down_Interval
 * (3 x 1 s + skew), with room for a loaded 2-core machine running other integration tests.
 */
const STARTUP_MS = 20_000;
/** keepalived's Date header: strftime "%a, %d %b %Y %H:%M:%S %z". */
const MAIL_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/;

let lab: Lab;
let directors: Director[] = [];
let catchers: MailCatcher[] = [];

/** global_defs lines that turn alert mails on (no smtp_alert anywhere: our default mails VRRP changes). */
function mailGlobals(from: string, port: number): string {
  return `notification_email {\n    ${RECIPIENTS.join('\n    ')}\n  }
  notification_email_from ${from}
  smtp_server ${MAIL_HOST} ${port}
  smtp_connect_timeout 3`;
}

const start = (ns: string, conf: string) => {
  const d = startDirector(lab, ns, 'kts', conf);
  directors.push(d);
  return d;
};
const catcher = async (port: number) => {
  const c = await startMailCatcher(lab, 'mail', MAIL_HOST, port);
  catchers.push(c);
  return c;
};
const subjectOf = (routerId: string, instance: string, state: string) => `[${routerId}] VRRP Instance ${instance} - Entering ${state} state`;
/** The body as lines, without the trailing empty ones. */
const bodyLines = (m: CaughtMail) => m.body.replace(/(\r\n)+$/, '').split('\r\n');

beforeAll(async () => {
  requireLabPrerequisites(['ip', 'tcpdump']);
  requireDirectorPrerequisites(['kts']);
  lab = await createLab('mail', {
    namespaces: ['d1', 'd2', 'mail'],
    bridge: [
      { ns: 'd1', ifname: 'eth0', addrs: ['10.99.0.11/24'] },
      { ns: 'd2', ifname: 'eth0', addrs: ['10.99.0.12/24'] },
      { ns: 'mail', ifname: 'eth0', addrs: [`${MAIL_HOST}/24`] },
    ],
  });
});

afterAll(async () => {
  await lab?.cleanup();
});

beforeEach(async () => {
  for (const p of [...directors.map((d) => d.proc), ...catchers.map((c) => c.proc)]) p.kill();
  await Promise.all([...directors.map((d) => d.proc.exited), ...catchers.map((c) => c.proc.exited)]);
  directors = [];
  catchers = [];
  // A crashed director leaves its VIPs behind; every scenario starts from a clean wire.
  for (const ns of ['d1', 'd2']) {
    for (const vip of [VIP, VIP2]) await lab.exec(ns, ['ip', 'addr', 'del', `${vip}/24`, 'dev', 'eth0'], { allowFail: true });
  }
});

describe('failover alert mails from the daemon', () => {
  it('SIGKILLed master: the backup mails keepalived\'s "Entering MASTER state" alert with the configured From/To', async () => {
    const smtp = await catcher(2525);
    const master = start('d1', vrrpConf({ name: 'DIRECTOR1', state: 'MASTER', priority: 150, vip: `${VIP}/24`, global: mailGlobals('director1@example.com', 2525) }));
    await waitForVip(lab, 'd1', VIP, true, STARTUP_MS);
    // Started once the master advertises, so the backup never is master before the kill.
    const backup = start('d2', vrrpConf({ name: 'DIRECTOR2', state: 'BACKUP', priority: 100, vip: `${VIP}/24`, global: mailGlobals('director2@example.com', 2525) }));
    await backup.proc.waitFor(/\(VI_1\) Entering BACKUP STATE/, 10_000);
    // The master's own alert from start-up proves the path before the failover.
    await smtp.waitForMail((m) => m.subject === subjectOf('DIRECTOR1', 'VI_1', 'MASTER'), 10_000, 'director 1\'s start-up MASTER mail');
    await sleep(1_000);
    expect(smtp.mails().filter((m) => m.subject.startsWith('[DIRECTOR2]') && m.subject.includes('MASTER'))).toEqual([]);

    const killedAt = Date.now();
    crash(master);
    const mail = await smtp.waitForMail((m) => m.subject === subjectOf('DIRECTOR2', 'VI_1', 'MASTER'), 15_000, 'director 2\'s failover mail');
    expect(mail.receivedAt).toBeGreaterThan(killedAt);
    expect(await vipsOn(lab, 'd2')).toContain(VIP);

    // Envelope and headers as keepalived writes them (semantics §6.2-6.4); X-Mailer names us on purpose.
    expect(mail.from).toBe('director2@example.com');
    expect(mail.to).toEqual(RECIPIENTS);
    expect(mail.headers.from).toBe('director2@example.com');
    expect(mail.headers.to).toBe(RECIPIENTS.join(', '));
    expect(mail.headers.subject).toBe('[DIRECTOR2] VRRP Instance VI_1 - Entering MASTER state');
    expect(mail.headers.date).toMatch(MAIL_DATE);
    expect(mail.headers['x-mailer']).toBe('keepalived-ts');
    // The body travels as is (no transfer encoding) and is keepalived's one line.
    expect(mail.headers['content-transfer-encoding'] ?? '7bit').toBe('7bit');
    expect(bodyLines(mail)).toEqual(['=> VRRP Instance is now owning VRRP VIPs <=']);
    expect(mail.helo).toBe(hostname()); // smtp_helo_name defaults to the host name
    // The backup mailed its start in BACKUP, then exactly one MASTER alert for the one failover.
    await sleep(1_000);
    expect(smtp.mails().filter((m) => m.subject.startsWith('[DIRECTOR2]')).map((m) => m.subject))
      .toEqual([subjectOf('DIRECTOR2', 'VI_1', 'BACKUP'), subjectOf('DIRECTOR2', 'VI_1', 'MASTER')]);
  });

  it('SMTP server down, then up: VRRP carries on meanwhile and the queued alert is delivered once it is back', async () => {
    const port = 2526; // nothing listens here yet: the connection is refused
    const d = start('d1', vrrpConf({ name: 'LONELY', state: 'MASTER', priority: 150, vip: `${VIP}/24`, global: mailGlobals('lonely@example.com', port) }));
    await d.proc.waitFor(/\(VI_1\) Entering MASTER STATE/, STARTUP_MS);
    // Complete log lines only (the last one may still be arriving).
    const failures = () => d.proc.stdout().split('\n').slice(0, -1).filter((l) => l.includes('SMTP alert not delivered, will retry'));
    await until(() => (failures().length >= 1 ? true : undefined), 10_000, 'the first failed delivery');

    // While the queue waits on its backoff, the instance keeps advertising and holding the VIP.
    const cap = await lab.tcpdump('mail', 'eth0', ['proto', '112'], { timeoutMs: 20_000 });
    for (let i = 0; i < 25; i++) {
      expect(await vipsOn(lab, 'd1')).toContain(VIP);
      await sleep(100);
    }
    const adverts = (await cap.stop()).match(/10\.99\.0\.11 > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 51, prio 150/g) ?? [];
    expect(adverts.length).toBeGreaterThanOrEqual(2); // advert_int 1 over about 2.5 s
    expect(d.proc.child.exitCode).toBeNull();

    // Let the queue fail once more, so the server comes back during a backoff, not before the first retry.
    await until(() => (failures().length >= 2 ? true : undefined), 15_000, 'the second failed delivery (first retry)');
    const lastFailure = failures().at(-1)!;
    const retryInMs = Number(/retryInMs=(\d+)/.exec(lastFailure)?.[1]);
    expect(retryInMs).toBeGreaterThan(0);
    const smtp = await catcher(port);
    const mail = await smtp.waitForMail((m) => m.subject === subjectOf('LONELY', 'VI_1', 'MASTER'), retryInMs + 5_000,
      `the queued MASTER alert within the ${retryInMs} ms backoff`);
    expect(mail.to).toEqual(RECIPIENTS);
    expect(bodyLines(mail)).toEqual(['=> VRRP Instance is now owning VRRP VIPs <=']);
    // Nothing was lost while the server was down: the start-up BACKUP alert comes first, in order.
    expect(smtp.mails().map((m) => m.subject)).toEqual([subjectOf('LONELY', 'VI_1', 'BACKUP'), subjectOf('LONELY', 'VI_1', 'MASTER')]);
    await d.proc.waitFor(/SMTP server reachable again, sending queued alerts/, 5_000);
    expect(await vipsOn(lab, 'd1')).toContain(VIP);
  });

  it('smtp_alert false in a vrrp_instance suppresses its mails; an instance without it still mails (our default)', async () => {
    const smtp = await catcher(2527);
    // The queue is FIFO and VI_1 (priority 200, shorter skew) changes state before VI_2 (priority 100)
    // at start-up and when becoming MASTER: once VI_2's MASTER mail is in, a VI_1 mail would be too.
    const conf = vrrpConf({ name: 'QUIET', state: 'MASTER', priority: 200, vip: `${VIP}/24`, global: mailGlobals('quiet@example.com', 2527), extra: 'smtp_alert false' })
      + vrrpConf({ name: 'QUIET', state: 'MASTER', priority: 100, vrid: 52, vip: `${VIP2}/24` }).replace(/^global_defs \{[^}]*\}\n/, '').replace('VI_1', 'VI_2');
    const d = start('d1', conf);
    await smtp.waitForMail((m) => m.subject === subjectOf('QUIET', 'VI_2', 'MASTER'), STARTUP_MS, 'VI_2\'s MASTER mail');
    expect(d.proc.stdout()).toMatch(/\(VI_1\) Entering MASTER STATE/);
    expect(await vipsOn(lab, 'd1')).toEqual(expect.arrayContaining([VIP, VIP2]));
    await sleep(500);
    expect(smtp.mails().map((m) => m.subject).filter((s) => s.includes('VRRP Instance VI_1'))).toEqual([]);
    expect(smtp.mails().map((m) => m.subject)).toContain(subjectOf('QUIET', 'VI_2', 'BACKUP'));
  });
});
