import { describe, expect, it } from 'vitest';
import { PidFiles, runningOwner, type PidFileHost } from '../../src/daemon/pid-files.js';

/** Files and processes in memory. */
function host(files: Record<string, string> = {}, procs: Record<number, string> = {}): PidFileHost & { files: Record<string, string> } {
  return {
    files,
    read: (p) => files[p] ?? null,
    write: (p, t) => { if (p.startsWith('/ro/')) throw new Error(`EROFS: read-only file system, open '${p}'`); files[p] = t; },
    remove: (p) => { delete files[p]; },
    cmdline: (pid) => procs[pid] ?? null,
  };
}

describe('runningOwner', () => {
  it('names a live keepalived or keepalived-ts, not ourselves, a dead pid, a reused pid or garbage', () => {
    const h = host({ '/a': '100\n', '/b': '200\n', '/c': '300\n', '/d': 'x\n', '/e': '1' }, {
      100: '/usr/sbin/keepalived -n -D', 200: '/usr/bin/node /usr/local/bin/keepalived-ts -f k.conf', 1: '/sbin/init',
    });
    expect(['/a', '/b', '/c', '/d', '/e', '/none'].map((p) => runningOwner(p, h, 5))).toEqual([100, 200, null, null, null, null]);
    expect(runningOwner('/a', h, 100)).toBeNull();
  });
});

describe('PidFiles', () => {
  it('writes our pid, reports what it could not write, and removes only files that still name us', () => {
    const h = host();
    const p = new PidFiles(h, 77);
    expect(p.write(['/run/keepalived.pid', '/ro/vrrp.pid', '/run/checkers.pid'])).toEqual([
      { path: '/ro/vrrp.pid', error: "EROFS: read-only file system, open '/ro/vrrp.pid'" },
    ]);
    expect(h.files).toEqual({ '/run/keepalived.pid': '77\n', '/run/checkers.pid': '77\n' });
    h.files['/run/checkers.pid'] = '78\n'; // taken over by another daemon since
    p.removeAll();
    expect(h.files).toEqual({ '/run/checkers.pid': '78\n' });
  });

  it('finds the first path naming another running daemon', () => {
    const h = host({ '/run/keepalived.pid': '9\n', '/run/vrrp.pid': '10\n' }, { 10: 'keepalived' });
    const p = new PidFiles(h, 77);
    expect(p.alreadyRunning(['/run/keepalived.pid', '/run/vrrp.pid'])).toEqual({ path: '/run/vrrp.pid', pid: 10 });
    expect(p.alreadyRunning(['/run/keepalived.pid'])).toBeNull();
  });
});
