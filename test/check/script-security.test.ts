import { describe, expect, it } from 'vitest';
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

describe('checkScriptSecurity through a fake fs port', () => {
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
});
