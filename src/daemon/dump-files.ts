/**
 * Writes the signal dumps where keepalived writes them ($TMPDIR or /tmp). /tmp is world-writable,
 * so a file is written under a fresh name (O_EXCL, mode 0600) and renamed over the target: a
 * symlink planted at the target is replaced, never followed (keepalived's fopen_safe concern).
 */
import { randomBytes } from 'node:crypto';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../common/log.js';
import { formatDataFile, formatJsonDump, formatStatsFile } from './dumps.js';
import type { DaemonSnapshot } from './snapshot.js';

export type DumpKind = 'data' | 'stats' | 'json';

const NAMES: Record<DumpKind, string> = { data: 'keepalived.data', stats: 'keepalived.stats', json: 'keepalived.json' };

export function dumpPath(kind: DumpKind, dir: string = process.env.TMPDIR || '/tmp'): string {
  return join(dir, NAMES[kind]);
}

export function formatDump(kind: DumpKind, s: DaemonSnapshot): string {
  return kind === 'data' ? formatDataFile(s) : kind === 'stats' ? formatStatsFile(s) : formatJsonDump(s);
}

/** Writes one dump; returns its path. Throws on I/O errors (the caller logs them). */
export function writeDump(kind: DumpKind, s: DaemonSnapshot, dir?: string): string {
  const path = dumpPath(kind, dir);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, formatDump(kind, s), { flag: 'wx', mode: 0o600 });
  try {
    renameSync(tmp, path);
  } catch (err) {
    try { unlinkSync(tmp); } catch { /* gone */ }
    throw err;
  }
  return path;
}

/**
 * `keepalived --signum=NAME` answers for tools like keepalived-exporter. Node cannot catch
 * real-time signals (keepalived's JSON = SIGRTMIN+2 would kill us), so JSON is SIGUSR1, which
 * writes the JSON dump together with the data dump. STATS_CLEAR is not supported.
 */
export const SIGNUM: Readonly<Record<string, number>> = { STOP: 15, RELOAD: 1, DATA: 10, STATS: 12, JSON: 10 };

export interface SignalTarget {
  on(sig: 'SIGUSR1' | 'SIGUSR2', fn: () => void): unknown;
  off(sig: 'SIGUSR1' | 'SIGUSR2', fn: () => void): unknown;
}

/**
 * SIGUSR1: /tmp/keepalived.data and /tmp/keepalived.json; SIGUSR2: /tmp/keepalived.stats.
 * Install it first thing: without a SIGUSR1 listener Node opens its inspector on that signal.
 * Failures are logged, never thrown. Returns the uninstaller.
 */
export function installDumpSignals(snapshot: () => DaemonSnapshot, log: Logger, target: SignalTarget = process, dir?: string): () => void {
  const run = (kinds: DumpKind[]) => () => {
    try {
      const s = snapshot();
      for (const k of kinds) log.info(`Printing ${k} to ${writeDump(k, s, dir)}`);
    } catch (err) {
      log.error({ err }, `cannot write the ${kinds.join('/')} dump`);
    }
  };
  const usr1 = run(['data', 'json']);
  const usr2 = run(['stats']);
  target.on('SIGUSR1', usr1);
  target.on('SIGUSR2', usr2);
  return () => { target.off('SIGUSR1', usr1); target.off('SIGUSR2', usr2); };
}
