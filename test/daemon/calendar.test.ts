import { describe, expect, it } from 'vitest';
import type { Extensions } from '../../src/config/model.js';
import { defaultExtensions } from '../../src/config/keywords/extensions.js';
import { CalendarJobs, type CronPort } from '../../src/daemon/calendar.js';
import type { AlertContent } from '../../src/notify/format.js';
import { captureLogger } from '../fakes/logger.js';

/** Jobs are fired by hand: `fire(expr)` runs what node-cron would at that expression's time. */
function fakeCron() {
  const jobs: { expr: string; tz: string | null; fire: () => void; stopped: boolean }[] = [];
  const port: CronPort = {
    schedule(expr, tz, fire) {
      const j = { expr, tz, fire, stopped: false };
      jobs.push(j);
      return { stop: () => { j.stopped = true; } };
    },
  };
  const fire = (expr: string) => jobs.filter((j) => j.expr === expr && !j.stopped).forEach((j) => j.fire());
  return { port, jobs, fire };
}

const window = (start: string, end: string): Extensions => ({
  ...defaultExtensions(), cronTimezone: 'UTC',
  maintenanceWindows: [{ name: 'nightly', start, end, realServers: [{ address: '10.0.0.11', port: 80 }, { address: '10.0.0.12', port: 80 }] }],
});

function setup(ext: Extensions, nowIso: string, mailOn = true) {
  const cron = fakeCron();
  const drains: string[][] = [];
  const mails: AlertContent[] = [];
  let now = Date.parse(nowIso);
  const log = captureLogger();
  const jobs = new CalendarJobs(ext, {
    cron: cron.port, now: () => now, log,
    drain: (keys) => { drains.push([...keys].sort()); },
    sendReport: (c) => { if (mailOn) mails.push(c); return mailOn; },
    reportState: () => ({ instances: [{ name: 'VI_1', state: 'MASTER', priority: 150 }], realServers: [] }),
    routerId: () => 'lb1',
  });
  return { cron, drains, mails, log, jobs, setNow: (iso: string) => { now = Date.parse(iso); } };
}

describe('CalendarJobs', () => {
  it('drains the window\'s real servers when it opens and restores them when it closes', () => {
    const t = setup(window('0 2 * * *', '30 2 * * *'), '2026-11-23T01:00:00Z');
    expect(t.drains).toEqual([[]]);
    expect(t.cron.jobs.map((j) => [j.expr, j.tz])).toEqual([['0 2 * * *', 'UTC'], ['30 2 * * *', 'UTC']]);
    t.cron.fire('0 2 * * *');
    expect(t.drains.at(-1)).toEqual(['10.0.0.11:80', '10.0.0.12:80']);
    expect(t.jobs.openWindows()).toEqual(new Set(['nightly']));
    t.cron.fire('30 2 * * *');
    expect(t.drains.at(-1)).toEqual([]);
    expect(t.log.records.map((r) => r.msg)).toEqual([
      'maintenance window nightly opens: draining 10.0.0.11:80, 10.0.0.12:80',
      'maintenance window nightly closes: restoring 10.0.0.11:80, 10.0.0.12:80',
    ]);
  });

  it('a start inside the window drains at once; a reload that drops the window restores', () => {
    const t = setup(window('0 2 * * *', '30 2 * * *'), '2026-11-23T02:10:00Z');
    expect(t.drains).toEqual([['10.0.0.11:80', '10.0.0.12:80']]);
    t.jobs.configure(defaultExtensions());
    expect(t.drains.at(-1)).toEqual([]);
    expect(t.cron.jobs.every((j) => j.stopped)).toBe(true);
  });

  it('the window\'s time zone decides whether it is open', () => {
    const berlin = { ...window('0 2 * * *', '30 2 * * *'), cronTimezone: 'Europe/Berlin' };
    expect(setup(berlin, '2026-11-23T01:10:00Z').drains).toEqual([['10.0.0.11:80', '10.0.0.12:80']]); // 02:10 in Berlin
    expect(setup(berlin, '2026-11-23T02:10:00Z').drains).toEqual([[]]);
  });

  it('the report job mails the period\'s events, then starts a new period', () => {
    const t = setup({ ...defaultExtensions(), reportMail: '0 8 * * *' }, '2026-11-23T07:00:00Z');
    t.jobs.record({ t: 'vrrp-instance', name: 'VI_1', from: 'BACKUP', to: 'MASTER', priority: 150 });
    t.setNow('2026-11-23T08:00:00Z');
    t.cron.fire('0 8 * * *');
    expect(t.mails).toHaveLength(1);
    expect(t.mails[0]!.subject).toBe('[lb1] keepalived-ts report: 1 VRRP transitions, 0 real-server changes');
    expect(t.mails[0]!.body).toContain('VI_1: BACKUP -> MASTER');
    expect(t.mails[0]!.body).toContain('VRRP instance VI_1: MASTER, priority 150');
    t.cron.fire('0 8 * * *');
    expect(t.mails[1]!.subject).toContain(': 0 VRRP transitions');
  });

  it('without mail settings the report is logged as not sent', () => {
    const t = setup({ ...defaultExtensions(), reportMail: '0 8 * * *' }, '2026-11-23T07:00:00Z', false);
    t.cron.fire('0 8 * * *');
    expect(t.log.records.at(-1)).toMatchObject({ level: 'warn', msg: expect.stringMatching(/report_mail is set but/) });
  });
});
