/** The daemon as a process: logging sinks, pid files, systemd readiness, SIGHUP reloads, graceful stop on SIGTERM/SIGINT. */
import type { Logger } from '../common/log.js';
import { loadNative } from '../net/native.js';
import { installDumpSignals } from './dump-files.js';
import { createRootLogger, type LogSink } from './logger.js';
import { startDaemon, type DaemonOptions, type RunningDaemon } from './main.js';
import { fsPidFileHost, PidFiles } from './pid-files.js';
import { serviceNotifier } from './sd-notify.js';
import { takeSnapshot } from './snapshot.js';
import { syslogSink } from './syslog.js';

/** Bound on the whole graceful stop (priority-0 adverts, VIP removal, mail drain). */
const STOP_BUDGET_MS = 5_000;

/** Runs until SIGTERM/SIGINT; returns the process exit code. */
export async function runDaemon(o: DaemonOptions): Promise<number> {
  const sinks: LogSink[] = [];
  let noSyslog: string | null = null;
  if (o.syslog) {
    try {
      sinks.push(syslogSink({ facility: o.syslog.facility, path: o.syslog.path ?? undefined, native: loadNative(), onTrouble: (why) => log.warn(why) }));
    } catch (err) {
      noSyslog = err instanceof Error ? err.message : String(err);
    }
  }
  const log: Logger = createRootLogger({ text: o.logConsole, level: o.logDetail ? 'debug' : 'info', sinks });
  if (noSyslog !== null) log.warn(`not logging to syslog: ${noSyslog}`);
  let daemon: RunningDaemon | undefined;
  // First thing: without a SIGUSR1 listener Node would open its inspector on that signal.
  installDumpSignals(() => daemon?.snapshot() ?? takeSnapshot(null, null, Date.now, { pid: process.pid }), log);

  const pidFiles = new PidFiles(fsPidFileHost, process.pid);
  const subsystems = o.subsystems ?? { vrrp: true, check: true };
  const paths = o.pidFiles
    ? [o.pidFiles.main, ...(subsystems.vrrp ? [o.pidFiles.vrrp] : []), ...(subsystems.check ? [o.pidFiles.checkers] : [])]
    : [];
  const other = pidFiles.alreadyRunning(paths);
  if (other) {
    // As keepalived: two daemons on one host would fight over the VIPs and the IPVS table.
    log.fatal(`daemon is already running (pid ${other.pid} in ${other.path})`);
    return 1;
  }
  for (const f of pidFiles.write(paths)) log.warn(`cannot write pid file ${f.path}: ${f.error}`);

  // Scripts we start must not inherit systemd's socket and speak for us (sd_notify's unset_environment).
  const notifySocket = process.env.NOTIFY_SOCKET;
  delete process.env.NOTIFY_SOCKET;
  const systemd = serviceNotifier(notifySocket, loadNative);
  try {
    daemon = await startDaemon(o, log);
  } catch (err) {
    log.fatal({ err }, `cannot start: ${err instanceof Error ? err.message : String(err)}`);
    pidFiles.removeAll();
    return (err as { exitCode?: number }).exitCode ?? 1;
  }
  const running = daemon;
  const status = () => `${running.config.vrrpInstances.length} VRRP instance(s), ${running.config.virtualServers.length} virtual server(s)`;
  systemd.ready(status());
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      systemd.stopping();
      log.info(`Stopping (${sig})`);
      const hardStop = setTimeout(() => { log.error('graceful stop took too long; exiting'); pidFiles.removeAll(); resolve(1); }, STOP_BUDGET_MS);
      void running.stop().then(() => {
        clearTimeout(hardStop);
        pidFiles.removeAll();
        log.info('Stopped');
        systemd.close();
        resolve(0);
      });
    };
    let reloading: Promise<unknown> = Promise.resolve();
    process.on('SIGHUP', () => {
      if (stopping) return;
      reloading = reloading.then(() => {
        systemd.reloading();
        return running.reload();
      }).catch((err: unknown) => log.error({ err }, 'reload failed')).finally(() => { if (!stopping) systemd.ready(status()); });
    });
    process.once('SIGTERM', () => stop('SIGTERM'));
    if (o.ignoreSigint) process.on('SIGINT', () => log.info('SIGINT ignored (--ignore-sigint)'));
    else process.once('SIGINT', () => stop('SIGINT'));
  });
}
