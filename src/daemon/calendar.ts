/**
 * Calendar jobs (our extension, the `keepalived_ts` block): the status report mail and the
 * maintenance windows that drain real servers. node-cron fires them; they never drive protocol
 * timers. A window already open at start or reload is found with common/cron's look-back, so a
 * restart inside a window keeps its servers drained.
 */
import cron from 'node-cron';
import { localWallClock, parseCron, windowOpen, zoneWallClock, type CronExpr } from '../common/cron.js';
import type { Logger } from '../common/log.js';
import type { Extensions, MaintenanceWindow } from '../config/model.js';
import type { HaEvent } from '../notify/events.js';
import type { AlertContent } from '../notify/format.js';
import { ActivityLog, type ReportState } from '../notify/report.js';
import type { DaemonSnapshot } from './snapshot.js';

/** A window may last at most this long for start-up to see it open (longer ones open at their next start). */
export const WINDOW_LOOKBACK_MS = 7 * 86_400_000;

/** The scheduling port: node-cron in the daemon, a hand-fired fake in unit tests. */
export interface CronPort {
  schedule(expr: string, timezone: string | null, fire: () => void): { stop(): void };
}

/** node-cron, with its own messages (e.g. a missed run after a stall) in our log instead of the console. */
export function nodeCronPort(log: Logger): CronPort {
  const logger = {
    info: (m: string) => log.debug(`cron: ${m}`),
    warn: (m: string) => log.warn(`cron: ${m}`),
    error: (m: string | Error) => log.error(`cron: ${m instanceof Error ? m.message : m}`),
    debug: (m: string | Error) => log.debug(`cron: ${m instanceof Error ? m.message : m}`),
  };
  return {
    schedule(expr, timezone, fire) {
      const task = cron.schedule(expr, fire, { noOverlap: true, logger, ...(timezone ? { timezone } : {}) });
      return { stop: () => { void task.destroy(); } };
    },
  };
}

export interface CalendarDeps {
  cron: CronPort;
  /** Wall-clock ms. */
  now: () => number;
  log: Logger;
  /** Sets the real servers (`addr:port`) that open windows drain. */
  drain(keys: ReadonlySet<string>): void;
  /** Queues the report mail; false when mail is not configured. */
  sendReport(content: AlertContent): boolean;
  reportState(): ReportState;
  routerId(): string;
}

export class CalendarJobs {
  private readonly activity: ActivityLog;
  private tasks: { stop(): void }[] = [];
  private windows: MaintenanceWindow[] = [];
  private readonly open = new Set<string>();
  private fmtTime: (ms: number) => string = (ms) => new Date(ms).toISOString();

  constructor(ext: Extensions, private readonly d: CalendarDeps) {
    this.activity = new ActivityLog(d.now());
    this.configure(ext);
  }

  /** Feeds the report: every HA event the daemon dispatches. */
  record(ev: HaEvent): void { this.activity.record(ev, this.d.now()); }

  /** Start and SIGHUP: replaces every job; windows take the state their calendar says now. */
  configure(ext: Extensions): void {
    this.stopTasks();
    const tz = ext.cronTimezone;
    const wall = tz ? zoneWallClock(tz) : localWallClock;
    // Built on the first report: an Intl formatter costs tens of ms of start-up for nothing otherwise.
    let fmt: Intl.DateTimeFormat | undefined;
    this.fmtTime = (ms) => (fmt ??= new Intl.DateTimeFormat('sv-SE', { ...(tz ? { timeZone: tz } : {}), dateStyle: 'short', timeStyle: 'medium' })).format(ms);
    this.windows = ext.maintenanceWindows;
    this.open.clear();
    const now = new Date(this.d.now());
    for (const w of this.windows) {
      const start = cronOf(w.start); const end = cronOf(w.end);
      if (windowOpen(start, end, now, WINDOW_LOOKBACK_MS, wall)) this.open.add(w.name);
      this.tasks.push(this.d.cron.schedule(w.start, tz, () => this.setOpen(w, true)));
      this.tasks.push(this.d.cron.schedule(w.end, tz, () => this.setOpen(w, false)));
    }
    if (this.open.size > 0) this.d.log.info(`maintenance window(s) open now: ${[...this.open].join(', ')}`);
    this.applyDrain();
    if (ext.reportMail) this.tasks.push(this.d.cron.schedule(ext.reportMail, tz, () => this.sendReport()));
  }

  /** The report now (also what the job sends). */
  sendReport(): void {
    const content = this.activity.takeReport(this.d.now(), this.d.reportState(), this.d.routerId(), this.fmtTime);
    if (this.d.sendReport(content)) this.d.log.info(`status report queued: ${content.subject}`);
    else this.d.log.warn('report_mail is set but notification_email / smtp_server are not: no report sent');
  }

  openWindows(): ReadonlySet<string> { return this.open; }

  stop(): void { this.stopTasks(); }

  private setOpen(w: MaintenanceWindow, open: boolean): void {
    if (this.open.has(w.name) === open) return;
    if (open) this.open.add(w.name); else this.open.delete(w.name);
    const servers = w.realServers.map((r) => `${r.address}:${r.port}`).join(', ');
    this.d.log.info(`maintenance window ${w.name} ${open ? 'opens: draining' : 'closes: restoring'} ${servers || 'no real server'}`);
    this.applyDrain();
  }

  private applyDrain(): void {
    const keys = new Set(this.windows.filter((w) => this.open.has(w.name)).flatMap((w) => w.realServers.map((r) => `${r.address}:${r.port}`)));
    this.d.drain(keys);
  }

  private stopTasks(): void {
    for (const t of this.tasks) t.stop();
    this.tasks = [];
  }
}

/** The config has already checked every expression; a failure here is a bug, not input. */
function cronOf(expr: string): CronExpr {
  const r = parseCron(expr);
  if (!r.ok) throw new Error(`unchecked cron expression: ${r.reason}`);
  return r.value;
}

/** The report's "now" section from the status snapshot; drained servers show weight 0. */
export function reportStateOf(snap: DaemonSnapshot, drained: ReadonlySet<string>): ReportState {
  return {
    instances: snap.vrrp.map((i) => ({ name: i.name, state: i.state, priority: i.effectivePriority })),
    realServers: snap.virtualServers.flatMap((vs) => vs.realServers.map((rs) => {
      const isDrained = drained.has(`${rs.address}:${rs.port}`);
      return { label: `${rs.key} in ${vs.key}`, up: rs.alive, weight: isDrained ? 0 : rs.weight, ...(isDrained ? { drained: true } : {}) };
    })),
  };
}
