import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkScriptSecurity, unsafeComponent, type FsPort, type PathStat } from '../../src/check/script-security.js';

const st = (path: string, uid: number, gid: number, mode: number): PathStat => ({ path, uid, gid, mode });

describe('unsafeComponent (pure)', () => {
  it('accepts root-owned, root-group-writable paths and rejects anything non-root can change', () => {
    expect(unsafeComponent([st('/etc/ka/chk', 0, 0, 0o100775), st('/etc/ka', 0, 0, 0o40775), st('/', 0, 0, 0o40755)])).toBeNull();
    expect(unsafeComponent([st('/x/chk', 1000, 0, 0o100755)])).toBe('/x/chk is owned by uid 1000');
    expect(unsafeComponent([st('/x/chk', 0, 50, 0o100775)])).toBe('/x/chk is writable by group 50');
    expect(unsafeComponent([st('/x/chk', 0, 0, 0o100755), st('/x', 0, 0, 0o41777)])).toBe('/x is writable by others');
  });
});

describe('checkScriptSecurity (real files; needs root for chown)', () => {
  const base = mkdtempSync(join(tmpdir(), 'kts-sec-'));
  chmodSync(base, 0o755);
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const make = (rel: string, mode: number, uid = 0): string => {
    const p = join(base, rel);
    writeFileSync(p, '#!/bin/sh\nexit 0\n');
    chmodSync(p, mode);
    chownSync(p, uid, 0);
    return p;
  };

  it('root scripts must be safe along the whole path; /tmp itself (world-writable) makes them unsafe', async () => {
    expect(process.getuid?.(), 'must run as root to chown test files').toBe(0);
    // os.tmpdir() is world-writable with the sticky bit: unsafe for root scripts, like keepalived says.
    const v = await checkScriptSecurity(make('ok.sh', 0o755), 0);
    expect(v.secure).toBe(false);
    expect(v.secure ? '' : v.reason).toMatch(/is writable by others/);
  });

  it('uses a fake fs port to check a clean root chain, symlink target, non-root users and missing files', async () => {
    const files: Record<string, PathStat> = {
      '/etc/keepalived/chk.sh': st('/etc/keepalived/chk.sh', 0, 0, 0o100755),
      '/etc/keepalived': st('/etc/keepalived', 0, 0, 0o40755),
      '/etc': st('/etc', 0, 0, 0o40755),
      '/': st('/', 0, 0, 0o40755),
      '/home/bob/chk.sh': st('/home/bob/chk.sh', 1000, 1000, 0o100755),
      '/home/bob': st('/home/bob', 1000, 1000, 0o40755),
      '/home': st('/home', 0, 0, 0o40755),
      '/etc/keepalived/noexec.sh': st('/etc/keepalived/noexec.sh', 0, 0, 0o100644),
    };
    const links: Record<string, string> = { '/usr/local/bin/chk': '/home/bob/chk.sh' };
    const fs: FsPort = {
      realpath: async (p) => {
        const r = links[p] ?? p;
        if (!files[r]) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
        return r;
      },
      stat: async (p) => files[p]!,
    };
    expect(await checkScriptSecurity('/etc/keepalived/chk.sh', 0, fs)).toEqual({ secure: true, path: '/etc/keepalived/chk.sh' });
    expect(await checkScriptSecurity('/usr/local/bin/chk', 0, fs)).toEqual({
      secure: false,
      reason: "Unsafe permissions found for script '/usr/local/bin/chk': /home/bob/chk.sh is owned by uid 1000",
    });
    expect(await checkScriptSecurity('/usr/local/bin/chk', 1000, fs)).toEqual({ secure: true, path: '/home/bob/chk.sh' });
    expect(await checkScriptSecurity('/etc/keepalived/noexec.sh', 0, fs)).toEqual({ secure: false, reason: '/etc/keepalived/noexec.sh is not executable' });
    expect(await checkScriptSecurity('/nope', 0, fs)).toEqual({ secure: false, reason: '/nope: ENOENT' });
  });

  it('a root-owned 0755 tree (under /run) is accepted through a symlink; a non-root owner is refused', async () => {
    const root = mkdtempSync('/run/kts-sec-');
    try {
      chmodSync(root, 0o755);
      mkdirSync(join(root, 'bin'), { mode: 0o755 });
      const p = join(root, 'bin', 'chk.sh');
      writeFileSync(p, '#!/bin/sh\n');
      chmodSync(p, 0o755);
      symlinkSync(p, join(root, 'link'));
      expect(await checkScriptSecurity(join(root, 'link'), 0)).toEqual({ secure: true, path: p });
      chownSync(p, 1000, 1000);
      expect(await checkScriptSecurity(join(root, 'link'), 0)).toEqual({
        secure: false,
        reason: `Unsafe permissions found for script '${join(root, 'link')}': ${p} is owned by uid 1000`,
      });
      chownSync(p, 0, 0);
      chmodSync(join(root, 'bin'), 0o777);
      const v = await checkScriptSecurity(p, 0);
      expect(v.secure ? '' : v.reason).toMatch(/bin is writable by others$/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
