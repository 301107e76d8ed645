import { describe, expect, it } from 'vitest';
import { defaultScriptUser, executableBy, runsAsRoot, scriptRunAs, unsafeComponent, unsafeScriptComponent, type PathStat } from '../../src/common/script-security.js';

const dir = (mode = 0o755, uid = 0, gid = 0): PathStat => ({ uid, gid, mode: 0o040000 | mode });
const file = (mode = 0o755, uid = 0, gid = 0): PathStat => ({ uid, gid, mode: 0o100000 | mode });

/** A root-owned /etc/ka/n.sh with the given components replaced. */
function host(over: Record<string, PathStat | null> = {}) {
  const entries: Record<string, PathStat | null> = { '/': dir(), '/etc': dir(), '/etc/ka': dir(), '/etc/ka/n.sh': file(), ...over };
  return (p: string): PathStat | null => entries[p] ?? null;
}
const script = '/etc/ka/n.sh';

describe('unsafeComponent', () => {
  it('a root-owned script under root-owned, non-writable directories is safe', () => {
    expect(unsafeComponent(script, host())).toBeNull();
  });

  it('names the first component, from the file upwards, that a non-root user could change', () => {
    expect(unsafeComponent(script, host({ '/etc/ka/n.sh': file(0o755, 1000) }))).toBe('/etc/ka/n.sh'); // owned by a user
    expect(unsafeComponent(script, host({ '/etc': dir(0o755, 1000) }))).toBe('/etc');
    expect(unsafeComponent(script, host({ '/etc/ka/n.sh': file(0o757) }))).toBe('/etc/ka/n.sh'); // world-writable file
    expect(unsafeComponent(script, host({ '/etc/ka': dir(0o777), '/': dir(0o777) }))).toBe('/etc/ka');
    expect(unsafeComponent(script, host({ '/': dir(0o757) }))).toBe('/');
  });

  it('group write counts only for a group other than root', () => {
    expect(unsafeComponent(script, host({ '/etc/ka': dir(0o775, 0, 50) }))).toBe('/etc/ka');
    expect(unsafeComponent(script, host({ '/etc/ka/n.sh': file(0o775, 0, 50) }))).toBe('/etc/ka/n.sh');
    expect(unsafeComponent(script, host({ '/etc/ka': dir(0o775), '/etc/ka/n.sh': file(0o775) }))).toBeNull();
  });

  it('a sticky directory (/tmp) is fine when root owns it, not when a user does; a sticky file is not exempt', () => {
    expect(unsafeComponent(script, host({ '/etc/ka': dir(0o1777) }))).toBeNull();
    expect(unsafeComponent(script, host({ '/etc/ka': dir(0o1777, 1000) }))).toBe('/etc/ka');
    expect(unsafeComponent(script, host({ '/etc/ka/n.sh': file(0o1757) }))).toBe('/etc/ka/n.sh');
  });

  it('skips components it cannot stat and folds repeated slashes', () => {
    expect(unsafeComponent(script, host({ '/etc': null }))).toBeNull();
    expect(unsafeComponent('//etc//ka/n.sh', host({ '/etc/ka': dir(0o777) }))).toBe('/etc/ka');
  });
});

describe('unsafeScriptComponent', () => {
  // keepalived 2.2.7 -t resolves the script's symlinks and checks only the real path.
  const env = (links: Record<string, string>, over: Record<string, PathStat | null> = {}) => ({
    realpath: (p: string) => links[p] ?? p,
    stat: host({ '/open': dir(0o777), '/open/l': file(), '/open/t.sh': file(), ...over }),
  });

  it('judges the file a link resolves to, not the directories of the link', () => {
    expect(unsafeScriptComponent('/open/l', env({ '/open/l': script }))).toBeNull();
    expect(unsafeScriptComponent('/etc/ka/l', env({ '/etc/ka/l': '/open/t.sh' }))).toBe('/open');
    expect(unsafeScriptComponent(script, env({}, { '/etc/ka': dir(0o777) }))).toBe('/etc/ka');
  });

  it('a path that cannot be resolved is checked as written', () => {
    const e = { realpath: () => null, stat: host({ '/etc/ka': dir(0o777) }) };
    expect(unsafeScriptComponent(script, e)).toBe('/etc/ka');
  });
});

describe('run-as user', () => {
  const users = (...names: string[]) => ({ userExists: (u: string) => names.includes(u) });

  it('script_user wins, else keepalived_script when it exists, else none', () => {
    expect(defaultScriptUser('nobody', users('keepalived_script'))).toBe('nobody');
    expect(defaultScriptUser(null, users('root', 'keepalived_script'))).toBe('keepalived_script');
    expect(defaultScriptUser(null, users('root'))).toBeNull();
  });

  it("a script's own user wins over the default; without either it runs as root", () => {
    expect(scriptRunAs('www', 'keepalived_script')).toBe('www');
    expect(scriptRunAs(null, 'keepalived_script')).toBe('keepalived_script');
    expect(scriptRunAs(null, null)).toBe('root');
  });
});

describe('scripts run as another user', () => {
  const nobody = { uid: 65534, gid: 65534 };

  it('run with root rights when started as root, set-uid root or set-gid root', () => {
    expect(runsAsRoot(file(), { uid: 0, gid: 0 })).toBe(true);
    expect(runsAsRoot(file(), nobody)).toBe(false);
    expect(runsAsRoot(file(0o4755), nobody)).toBe(true);
    expect(runsAsRoot(file(0o2755), nobody)).toBe(true);
    expect(runsAsRoot(file(0o4755, 1000), nobody)).toBe(false); // set-uid to a user
    expect(runsAsRoot(file(0o2755, 0, 50), nobody)).toBe(false); // set-gid to another group
  });

  it('may execute by the owner, else the group, else the other execute bit; root always may', () => {
    expect(executableBy(file(0o644), { uid: 0, gid: 0 })).toBe(true);
    expect(executableBy(file(0o644), nobody)).toBe(false);
    expect(executableBy(file(0o754), nobody)).toBe(false);
    expect(executableBy(file(0o755), nobody)).toBe(true);
    expect(executableBy(file(0o654, 0, 65534), nobody)).toBe(true); // group nogroup may
    expect(executableBy(file(0o645, 0, 65534), nobody)).toBe(false); // the group bit decides, not other
    expect(executableBy(file(0o744, 65534), nobody)).toBe(true);
    expect(executableBy(file(0o477, 65534), nobody)).toBe(false); // the owner bit decides
  });
});
