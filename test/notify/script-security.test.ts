import { describe, expect, it } from 'vitest';
import {
  checkScript, isExecutableBy, pathPrefixes, securityViolation, type ScriptCheckInput, type StatInfo,
} from '../../src/notify/script-security.js';

const dir = (mode = 0o755, uid = 0, gid = 0): StatInfo => ({ uid, gid, mode, type: 'dir' });
const file = (mode = 0o755, uid = 0, gid = 0): StatInfo => ({ uid, gid, mode, type: 'file' });

/** A small file tree: path → lstat info. */
function tree(entries: Record<string, StatInfo>) {
  return (p: string) => entries[p] ?? null;
}
const safeTree = { '/': dir(), '/etc': dir(), '/etc/ka': dir(), '/etc/ka/n.sh': file() };
const root = { uid: 0, gid: 0 };
const input = (over: Partial<ScriptCheckInput> = {}): ScriptCheckInput =>
  ({ path: '/etc/ka/n.sh', realPath: '/etc/ka/n.sh', file: file(), runAs: root, scriptSecurity: false, ...over });

describe('script security', () => {
  it('path prefixes start at /', () => {
    expect(pathPrefixes('/etc/ka/n.sh')).toEqual(['/', '/etc', '/etc/ka', '/etc/ka/n.sh']);
  });

  it('executable bits per user', () => {
    expect(isExecutableBy(file(0o700, 5, 5), 0, 0)).toBe(true);
    expect(isExecutableBy(file(0o644), 0, 0)).toBe(false);
    expect(isExecutableBy(file(0o700, 5, 7), 5, 9)).toBe(true);
    expect(isExecutableBy(file(0o070, 5, 7), 5, 7)).toBe(false); // owner bits decide for the owner
    expect(isExecutableBy(file(0o750, 0, 7), 8, 7)).toBe(true);
    expect(isExecutableBy(file(0o750, 0, 7), 8, 9)).toBe(false);
    expect(isExecutableBy(file(0o751, 0, 7), 8, 9)).toBe(true);
  });

  it('a root script under root-owned, non-writable directories is safe', () => {
    expect(checkScript(input(), tree(safeTree))).toEqual({ isScript: true, run: true, needsProtection: true, insecure: false, messages: [] });
  });

  it('a group- or world-writable directory makes a root script unsafe: warned, disabled only with script security', () => {
    const t = tree({ ...safeTree, '/etc/ka': dir(0o777) });
    expect(checkScript(input(), t)).toEqual({
      isScript: true, run: true, needsProtection: true, insecure: true, messages: ["Unsafe permissions found for script '/etc/ka/n.sh'."],
    });
    expect(checkScript(input({ scriptSecurity: true }), t)).toEqual({
      isScript: true, run: false, needsProtection: true, insecure: true, messages: ["Unsafe permissions found for script '/etc/ka/n.sh' - disabling."],
    });
  });

  it('applies keepalived rules: non-root owner, group write with non-root group, sticky directories', () => {
    const sec = (entries: Record<string, StatInfo>) => checkScript(input({ scriptSecurity: true }), tree({ ...safeTree, ...entries })).run;
    expect(sec({ '/etc/ka/n.sh': file(0o755, 1000) })).toBe(false); // owned by a user
    expect(sec({ '/etc': dir(0o755, 1000) })).toBe(false);
    expect(sec({ '/etc/ka': dir(0o775, 0, 50) })).toBe(false); // group-writable, group not root
    expect(sec({ '/etc/ka': dir(0o775, 0, 0) })).toBe(true); // group-writable by root group only
    expect(sec({ '/etc/ka': dir(0o1777) })).toBe(true); // sticky like /tmp
    expect(sec({ '/etc/ka/n.sh': file(0o757) })).toBe(false); // world-writable file
  });

  it('wrong file types and missing components disable the script', () => {
    expect(checkScript(input(), tree({ ...safeTree, '/etc': file() })))
      .toMatchObject({ run: false, messages: ["Wrong file type found in script path '/etc/ka/n.sh'."] });
    expect(checkScript(input(), tree({ '/': dir(), '/etc': dir(), '/etc/ka/n.sh': file() })))
      .toMatchObject({ run: false, messages: ["check_script_secure could not find script '/etc/ka/n.sh' - disabling"] });
    expect(checkScript(input({ file: null, realPath: null }), tree(safeTree)))
      .toEqual({ isScript: false, run: false, needsProtection: false, insecure: false, messages: ['Unable to access script `/etc/ka/n.sh` - disabling'] });
  });

  it('a script not executable by its user is disabled', () => {
    expect(checkScript(input({ file: file(0o744, 0, 0), runAs: { uid: 990, gid: 990 } }), tree(safeTree))).toMatchObject({
      run: false, messages: ["WARNING - script '/etc/ka/n.sh' is not executable for uid:gid 990:990 - disabling."],
    });
  });

  it('a non-root script needs no path protection, unless it is set-uid root', () => {
    const writable = tree({ ...safeTree, '/etc/ka': dir(0o777) });
    const user = { uid: 990, gid: 990 };
    expect(checkScript(input({ runAs: user, scriptSecurity: true }), writable)).toMatchObject({ run: true, needsProtection: false });
    expect(checkScript(input({ runAs: user, scriptSecurity: true, file: file(0o4755) }), writable)).toMatchObject({ run: false, needsProtection: true });
  });

  it('checks the resolved path too when the configured path goes through a symlink', () => {
    const t = tree({ ...safeTree, '/etc/ka/n.sh': { uid: 0, gid: 0, mode: 0o777, type: 'symlink' }, '/opt': dir(0o777), '/opt/real.sh': file() });
    expect(checkScript(input({ realPath: '/opt/real.sh', scriptSecurity: true }), t))
      .toMatchObject({ run: false, messages: ["Unsafe permissions found for script '/opt/real.sh' - disabling."] });
  });

  it('SECURITY VIOLATION when scripts exist without enable_script_security', () => {
    const ok = checkScript(input(), tree(safeTree));
    const bad = checkScript(input(), tree({ ...safeTree, '/etc/ka': dir(0o777) }));
    const missing = checkScript(input({ file: null, realPath: null }), tree(safeTree));
    expect(securityViolation([ok], false)).toBe('SECURITY VIOLATION - scripts are being executed but script_security not enabled.');
    expect(securityViolation([ok, bad], false, 'check'))
      .toBe('SECURITY VIOLATION - check scripts are being executed but script_security not enabled. There are insecure scripts.');
    expect(securityViolation([ok], true)).toBeNull();
    expect(securityViolation([missing], false)).toBeNull();
    expect(securityViolation([], false)).toBeNull();
  });
});
