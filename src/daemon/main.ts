/**
 * The composition root: opens the kernel interfaces and starts the services (VRRP, load balancing,
 * notifiers, calendar jobs, status socket, metrics) on a loaded configuration, and reloads them.
 * run.ts handles the process (signals, pid file); load-usable.ts decides which configurations run.
 */
import { systemClock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import type { Config } from '../config/model.js';
import { loadNative } from '../net/native.js';
import { dialRtnl, openRtnlMonitor } from '../net/rtnl.js';
import { IpvsClient } from '../ipvs/client.js';
import { loadUsable, type Subsystems } from './load-usable.js';
import { hostScriptEnv } from './cli.js';
import { LvsService } from './lvs-service.js';
import { SyncDaemonFollower } from './lvs-sync-daemon.js';
import { wireNotify } from './notify-wiring.js';
import { MailTally } from './metrics.js';
import type { MetricsListen } from './metrics-listen.js';
import { MetricsEndpoint } from './metrics-server.js';
import { takeSnapshot, type DaemonSnapshot } from './snapshot.js';
import { DEFAULT_STATUS_SOCKET, StatusServer } from './status-server.js';
import { Teardown } from './teardown.js';
import { CalendarJobs, nodeCronPort, reportStateOf } from './calendar.js';
import type { HaEvent } from '../notify/events.js';
import { VrrpService } from './vrrp-service.js';

export interface DaemonOptions {
  configPath: string;
  configId: string;
  allConfig: boolean;
  logConsole: boolean;
  logDetail: boolean;
  /** -P/-C: the subsystems that run (default both). */
  subsystems?: Subsystems | undefined;
  /** keepalived's pid files (-p, -r, -c); run.ts writes the ones of the running subsystems. */
  pidFiles?: { main: string; vrrp: string; checkers: string } | undefined;
  /** Syslog as keepalived logs (-S facility, our --syslog-socket); null with -G. */
  syslog?: { facility: number; path: string | null } | null | undefined;
  /** -V / -I: leave the VIPs / the IPVS services in place at stop (default: release both). */
  release?: { vrrp: boolean; ipvs: boolean } | undefined;
  /** --ignore-sigint: SIGINT is logged and ignored. */
  ignoreSigint?: boolean | undefined;
  /** Status socket for `keepalived-ts status` (default /run/keepalived-ts.sock). */
  statusSocket?: string | null | undefined;
  /** --metrics-listen: overrides the config's keepalived_ts { metrics_listen }. */
  metricsListen?: MetricsListen | null | undefined;
}

export interface RunningDaemon {
  readonly config: Config;
  vrrp: VrrpService;
  /** SIGHUP: re-reads the file; a configuration with errors is rejected and the running one stays. */
  reload(): Promise<boolean>;
  /** What `keepalived-ts status` and the SIGUSR1/SIGUSR2 dumps show. */
  snapshot(): DaemonSnapshot;
  stop(): Promise<void>;
}

export async function startDaemon(o: DaemonOptions, log: Logger): Promise<RunningDaemon> {
  let config = loadUsable(o, log);
  if (!config) throw Object.assign(new Error(`configuration ${o.configPath} has errors (see above)`), { exitCode: 2 });
  if (o.subsystems && !o.subsystems.check) log.info('Running the VRRP subsystem only (-P): virtual servers and checkers are not started');
  if (o.subsystems && !o.subsystems.vrrp) log.info('Running the checkers only (-C): VRRP instances and the IPVS sync daemon are not started');
  const clock = systemClock;
  const teardown = new Teardown();
  try {
    const native = loadNative();
    const rtnl = await dialRtnl({ clock, log });
    teardown.own('rtnetlink', () => rtnl.close());
    // Swapped on reload; callbacks read the current one.
    const scriptEnv = hostScriptEnv();
    let notify = wireNotify(config, { clock, log, scriptEnv });
    teardown.own('mail queue', () => notify.queue?.drain(2_000));
    const mailTally = new MailTally();
    mailTally.track(notify.queue);
    let lvs: LvsService | null = null;
    let drained: ReadonlySet<string> = new Set();
    const calendar = new CalendarJobs(config.extensions, {
      cron: nodeCronPort(log), now: Date.now, log: log.child({ mod: 'calendar' }),
      drain: (keys) => { drained = keys; lvs?.setDrained(keys); },
      sendReport: (c) => notify.sendMail(c),
      reportState: () => reportStateOf(snapshot(), drained),
      routerId: () => notify.settings.routerId,
    });
    teardown.own('calendar jobs', () => calendar.stop());
    // Every HA event feeds the report as well as mails and scripts.
    const onHaEvent = (ev: HaEvent): void => { calendar.record(ev); void notify.handle(ev); };
    const needsIpvs = config.virtualServers.length > 0 || config.globalDefs.lvsSyncDaemon !== null;
    const ipvs = needsIpvs
      ? await IpvsClient.dial({ clock, log }).catch((err: unknown) => {
        log.error({ err }, `IPVS is not available (${err instanceof Error ? err.message : String(err)}): real servers are health-checked and alerted on, but no virtual server or sync daemon is programmed`);
        return null;
      })
      : null;
    if (ipvs) teardown.own('ipvs netlink', () => ipvs.close());
    const lsd = config.globalDefs.lvsSyncDaemon;
    const followed = lsd ? config.vrrpInstances.find((i) => i.name === lsd.instance) : undefined;
    if (lsd && !followed) log.error(`lvs_sync_daemon follows vrrp_instance ${lsd.instance}, which does not exist: not started`);
    const syncDaemon = ipvs && lsd && followed ? new SyncDaemonFollower(ipvs, lsd, followed.virtualRouterId ?? 0, log) : null;
    if (syncDaemon) {
      await syncDaemon.start();
      teardown.own('lvs sync daemon', () => syncDaemon.stop());
    }
    const vrrp = await VrrpService.start(config, {
      native, rtnl, clock, log,
      onStateChange: (ev) => {
        if (syncDaemon && ev.name === lsd?.instance) void syncDaemon.onInstanceState(ev.to);
        onHaEvent(ev);
      },
      onGroupStateChange: onHaEvent,
      runScript: async (argv, timeoutMs) => {
        const r = await notify.runner.run(argv, { timeoutMs });
        return r.kind === 'exit' && r.code === 0;
      },
    });
    teardown.own('vrrp', () => vrrp.stop({ release: o.release?.vrrp !== false }));
    const monitor = await openRtnlMonitor({ clock, log, onEvent: (e) => vrrp.onLinkEvent(e) });
    teardown.own('rtnetlink monitor', () => monitor.close());
    if (config.virtualServers.length > 0) {
      lvs = new LvsService(config, { clock, log, ipvs, onEvent: onHaEvent, scriptEnv, scriptBaseEnv: process.env });
      lvs.setDrained(drained); // a window open at start drains from the first table on
      await lvs.start();
      const running = lvs;
      teardown.own('lvs', () => running.stop({ release: o.release?.ipvs !== false }));
    }
    const snapshot = (): DaemonSnapshot => takeSnapshot(vrrp, lvs, Date.now, { config: config ?? undefined, pid: process.pid });
    const status = await StatusServer.listen({ path: o.statusSocket ?? DEFAULT_STATUS_SOCKET, snapshot, log }).catch((err: unknown) => {
      log.error({ err }, `status socket not available (${err instanceof Error ? err.message : String(err)}): keepalived-ts status will not work`);
      return null;
    });
    if (status) teardown.own('status socket', () => status.close());
    const metrics = new MetricsEndpoint({ snapshot, mail: () => mailTally.stats() }, log);
    const metricsListen = (c: Config) => o.metricsListen ?? c.extensions.metrics;
    await metrics.apply(metricsListen(config));
    teardown.own('metrics endpoint', () => metrics.close());
    log.info({ instances: config.vrrpInstances.length, virtualServers: config.virtualServers.length }, 'keepalived-ts started');
    const reload = async (): Promise<boolean> => {
      log.info(`Reloading configuration ${o.configPath}`);
      const next = loadUsable(o, log);
      if (!next) {
        log.error('New configuration has errors: reload rejected, the running configuration stays in force');
        return false;
      }
      const oldNotify = notify;
      notify = wireNotify(next, { clock, log, scriptEnv });
      mailTally.track(notify.queue);
      void oldNotify.queue?.drain(30_000);
      await vrrp.reload(next);
      if (lvs) lvs.reload(next);
      else if (next.virtualServers.length > 0) log.warn('virtual servers added by a reload start with the next restart');
      config = next;
      calendar.configure(next.extensions);
      await metrics.apply(metricsListen(next));
      log.info('Configuration reloaded');
      return true;
    };
    const countedReload = () => reload().then(
      (ok) => { metrics.recordReload(ok); return ok; },
      (err: unknown) => { metrics.recordReload(false); throw err; },
    );
    return { get config() { return config!; }, vrrp, reload: countedReload, snapshot, stop: () => teardown.runReverse(log) };
  } catch (err) {
    await teardown.runReverse(log);
    throw err;
  }
}
