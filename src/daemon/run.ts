/** The daemon as a process: start, pid file, SIGHUP reloads, graceful stop on SIGTERM/SIGINT. */
import { unlinkSync, writeFileSync } from 'node:fs';
import { installDumpSignals } from './dump-files.js';
import { createRootLogger } from './logger.js';
import { startDaemon, type DaemonOptions, type RunningDaemon } from './main.js';
import { takeSnapshot } from './snapshot.js';

/** Bound on the whole graceful stop (priority-0 adverts, VIP removal, mail drain). */
const STOP_BUDGET_MS = 5_000;

/** Runs until SIGTERM/SIGINT; returns the process exit code. */
export async function runDaemon(o: DaemonOptions): Promise<number> {
  const log = createRootLogger({ text: o.logConsole, level: o.logDetail ? 'debug' : 'info' });
  let daemon: RunningDaemon | undefined;
  // First thing: without a SIGUSR1 listener Node would open its inspector on that signal.
  installDumpSignals(() => daemon?.snapshot() ?? takeSnapshot(null, null, Date.now, { pid: process.pid }), log);
  try {
    daemon = await startDaemon(o, log);
  } catch (err) {
    log.fatal({ err }, `cannot start: ${err instanceof Error ? err.message : String(err)}`);
    return (err as { exitCode?: number }).exitCode ?? 1;
  }
  if (o.pidFile) writeFileSync(o.pidFile, `${process.pid}\n`);
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`Stopping (${sig})`);
      const hardStop = setTimeout(() => { log.error('graceful stop took too long; exiting'); resolve(1); }, STOP_BUDGET_MS);
      void daemon!.stop().then(() => {
        clearTimeout(hardStop);
        if (o.pidFile) { try { unlinkSync(o.pidFile); } catch { /* already gone */ } }
        log.info('Stopped');
        resolve(0);
      });
    };
    let reloading: Promise<unknown> = Promise.resolve();
    process.on('SIGHUP', () => {
      if (stopping) return;
      reloading = reloading.then(() => daemon!.reload()).catch((err: unknown) => log.error({ err }, 'reload failed'));
    });
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
