import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpPath, formatDump, writeDump } from '../../src/daemon/dump-files.js';
import { formatDataFile, formatJsonDump, formatStatsFile } from '../../src/daemon/dumps.js';
import { capturedState } from './fixtures-snapshot.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'kts-dumps-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('dump files', () => {
  it('keepalived\'s names under the given directory, mode 0600, nothing left behind', () => {
    const s = capturedState();
    for (const kind of ['data', 'stats', 'json'] as const) {
      const p = writeDump(kind, s, dir);
      expect(p).toBe(dumpPath(kind, dir));
      expect(readFileSync(p, 'utf8')).toBe(formatDump(kind, s));
      expect(lstatSync(p).mode & 0o777).toBe(0o600);
    }
    expect(readdirSync(dir).sort()).toEqual(['keepalived.data', 'keepalived.json', 'keepalived.stats']);
    expect(formatDump('data', s)).toBe(formatDataFile(s));
    expect(formatDump('stats', s)).toBe(formatStatsFile(s));
    expect(formatDump('json', s)).toBe(formatJsonDump(s));
    expect(dumpPath('stats', '/tmp')).toBe('/tmp/keepalived.stats');
  });

  it('a symlink at the target is replaced, never followed', () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, 'keepalived.data'));
    writeDump('data', capturedState(), dir);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(dir, 'keepalived.data')).isFile()).toBe(true);
  });
});

describe('dump signals', () => {
  it('SIGUSR1 writes data and JSON, SIGUSR2 stats; failures are logged; uninstall removes the handlers', async () => {
    const { EventEmitter } = await import('node:events');
    const { captureLogger } = await import('../fakes/logger.js');
    const { installDumpSignals, SIGNUM } = await import('../../src/daemon/dump-files.js');
    const proc = new EventEmitter();
    const log = captureLogger();
    let fail = false;
    const off = installDumpSignals(() => { if (fail) throw new Error('boom'); return capturedState(); }, log, proc, dir);
    proc.emit('SIGUSR1');
    expect(readdirSync(dir).sort()).toEqual(['keepalived.data', 'keepalived.json']);
    proc.emit('SIGUSR2');
    expect(readdirSync(dir).sort()).toEqual(['keepalived.data', 'keepalived.json', 'keepalived.stats']);
    expect(log.records.map((r) => r.msg)).toContain(`Printing stats to ${join(dir, 'keepalived.stats')}`);
    fail = true;
    proc.emit('SIGUSR2');
    expect(log.records.at(-1)).toMatchObject({ level: 'error', msg: 'cannot write the stats dump' });
    off();
    expect(proc.listenerCount('SIGUSR1') + proc.listenerCount('SIGUSR2')).toBe(0);
    expect(SIGNUM).toMatchObject({ DATA: 10, STATS: 12, JSON: 10, RELOAD: 1, STOP: 15 });
  });
});
