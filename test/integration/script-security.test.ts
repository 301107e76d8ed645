/**
 * Script security on real files (root: chown): the daemon's host adapter (hostScriptEnv) feeding
 * the pure rules in common/script-security.ts, and `-t` over a config naming such a script.
 * Temp files under /run (not the sticky /tmp); nothing on the network.
 */
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { unsafeComponent, unsafeScriptComponent } from '../../src/common/script-security.js';
import { configTest, hostScriptEnv } from '../../src/daemon/cli.js';

beforeAll(() => {
  expect(process.getuid?.(), 'script security tests must run as root (chown)').toBe(0);
});

let base = '';
let bin = '';
let script = '';
beforeEach(() => {
  base = mkdtempSync('/run/kts-sec-');
  chmodSync(base, 0o755);
  bin = join(base, 'bin');
  mkdirSync(bin, { mode: 0o755 });
  script = join(bin, 'chk.sh');
  writeFileSync(script, '#!/bin/sh\nexit 0\n');
  chmodSync(script, 0o755);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('script security on real files', () => {
  const stat = hostScriptEnv({ PATH: '/usr/bin:/bin' }).stat;

  it('a root-owned tree is safe; a file owned by a user, a directory another group or everyone may write is not', () => {
    expect(unsafeComponent(script, stat)).toBeNull();
    chownSync(script, 1000, 1000);
    expect(unsafeComponent(script, stat)).toBe(script);
    chownSync(script, 0, 0);
    chmodSync(bin, 0o775);
    expect(unsafeComponent(script, stat)).toBeNull(); // group root may write
    chownSync(bin, 0, 50);
    expect(unsafeComponent(script, stat)).toBe(bin);
    chownSync(bin, 0, 0);
    chmodSync(bin, 0o777);
    expect(unsafeComponent(script, stat)).toBe(bin);
    chmodSync(bin, 0o1777); // sticky, like /tmp
    expect(unsafeComponent(script, stat)).toBeNull();
  });

  it('follows a symlink to the file it names, and checks the directories of the link', () => {
    const link = join(base, 'link');
    symlinkSync(script, link);
    expect(unsafeComponent(link, stat)).toBeNull();
    chownSync(script, 1000, 1000);
    expect(unsafeComponent(link, stat)).toBe(link);
  });

  it('the adapter resolves bare names through PATH and only to executable files, a path to any file', () => {
    const env = hostScriptEnv({ PATH: `${join(base, 'nope')}:${bin}` });
    expect(env.resolve('chk.sh')).toBe(script);
    expect(env.resolve(script)).toBe(script);
    chmodSync(script, 0o644);
    expect(env.resolve('chk.sh')).toBeNull();
    expect(env.resolve(script)).toBe(script); // keepalived 2.2.7 -t: no complaint about a path that is not executable
    expect(env.resolve(join(bin, 'missing.sh'))).toBeNull();
    expect(env.resolve(bin)).toBeNull();
    expect(env.realpath(join(base, '.', 'bin', '..', 'bin', 'chk.sh'))).toBe(script);
    expect(env.realpath(join(bin, 'missing.sh'))).toBeNull();
    expect(env.userExists('root')).toBe(true);
    expect(env.userExists('no-such-user-kts')).toBe(false);
  });

  it('-t disables a tracked script a user could replace, and says nothing when root owns it', () => {
    const conf = join(base, 'keepalived.conf');
    writeFileSync(conf, `global_defs {\n  enable_script_security\n  script_user root\n}\nvrrp_script chk {\n  script ${script}\n}\n` +
      'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  track_script {\n    chk\n  }\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n');
    const run = () => configTest({ file: conf, configId: 'vm', knownInterfaces: ['eth0'], scriptEnv: hostScriptEnv({ PATH: '/usr/bin:/bin' }) });
    expect(run().diags.map((d) => d.msg)).toEqual([]);
    expect(run().exitCode).toBe(0);
    chownSync(bin, 1000, 1000);
    const r = run();
    expect(r.diags.map((d) => `${d.at.line}: ${d.msg}`)).toEqual(['6: Disabling track script chk due to insecure']);
    expect(r.exitCode).toBe(5);
  });

  /*
   * The expectations below were observed from keepalived 2.2.7 `keepalived -t -f FILE` (run as
   * root) on the same layout: safe/ a 0755 root directory, open/ a 0777 one, each holding a 0755
   * root script t.sh, and safe/l -> open/t.sh, open/l -> safe/t.sh. keepalived prints its
   * SECURITY VIOLATION lines without a line number; we carry the script's line.
   */
  describe('as keepalived 2.2.7 -t', () => {
    let safe = '';
    let open = '';
    beforeEach(() => {
      safe = join(base, 'safe');
      open = join(base, 'open');
      mkdirSync(safe, { mode: 0o755 });
      mkdirSync(open);
      chmodSync(open, 0o777);
      for (const d of [safe, open]) { copyFileSync(script, join(d, 't.sh')); chmodSync(join(d, 't.sh'), 0o755); }
      symlinkSync(join(open, 't.sh'), join(safe, 'l'));
      symlinkSync(join(safe, 't.sh'), join(open, 'l'));
    });
    const write = (text: string): string => { const f = join(base, 'keepalived.conf'); writeFileSync(f, text); return f; };
    const run = (text: string) => {
      const r = configTest({ file: write(text), configId: 'vm', knownInterfaces: ['eth0'], scriptEnv: hostScriptEnv({ PATH: '/usr/bin:/bin' }) });
      return { lines: r.diags.map((d) => d.msg), exit: r.exitCode };
    };
    const tracked = (path: string): string => `global_defs {\n  enable_script_security\n  script_user root\n}\nvrrp_script chk {\n  script "${path}"\n}\n` +
      'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  track_script {\n    chk\n  }\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n';
    const notify = (path: string): string => `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  notify_master ${path}\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n`;
    const misc = (path: string): string => 'virtual_server 10.0.0.1 80 {\n  lb_algo rr\n  lb_kind DR\n  protocol TCP\n  real_server 10.0.0.2 80 {\n' +
      `    MISC_CHECK {\n      misc_path ${path}\n    }\n  }\n}\n`;

    it('a symlink is judged by the real path: a link in an open directory to a safe file passes, the reverse does not', () => {
      expect(unsafeScriptComponent(join(open, 'l'), hostScriptEnv())).toBeNull();
      expect(unsafeScriptComponent(join(safe, 'l'), hostScriptEnv())).toBe(open);
      // keepalived: "Disabling track script chk due to insecure", exit 5
      expect(run(tracked(join(safe, 'l')))).toEqual({ lines: ['Disabling track script chk due to insecure'], exit: 5 });
      // keepalived: no output, exit 0
      expect(run(tracked(join(open, 'l')))).toEqual({ lines: [], exit: 0 });
      // keepalived: "Disabling track script chk due to insecure", exit 5
      expect(run(tracked(join(open, 't.sh')))).toEqual({ lines: ['Disabling track script chk due to insecure'], exit: 5 });
    });

    it('a root script given by a path that is not executable is still found: no message, exit 0', () => {
      chmodSync(join(safe, 't.sh'), 0o644);
      // keepalived: no output, exit 0
      expect(run(tracked(join(safe, 't.sh')))).toEqual({ lines: [], exit: 0 });
      // keepalived: "SECURITY VIOLATION - scripts are being executed but script_security not enabled.", exit 6
      expect(run(notify(join(safe, 't.sh')))).toEqual({ lines: ['SECURITY VIOLATION - scripts are being executed but script_security not enabled.'], exit: 6 });
    });

    it('SECURITY VIOLATION: one line per process, checker first, with "There are insecure scripts." where one is unsafe', () => {
      const ok = join(safe, 't.sh');
      const bad = join(open, 't.sh');
      const vrrpLine = 'SECURITY VIOLATION - scripts are being executed but script_security not enabled.';
      const checkLine = 'SECURITY VIOLATION - check scripts are being executed but script_security not enabled.';
      const insecure = ' There are insecure scripts.';
      // Each observed from keepalived 2.2.7 -t, exit 6 every time:
      expect(run(misc(ok))).toEqual({ lines: [checkLine], exit: 6 });
      expect(run(misc(bad))).toEqual({ lines: [checkLine + insecure], exit: 6 });
      expect(run(notify(bad))).toEqual({ lines: [vrrpLine + insecure], exit: 6 });
      expect(run(notify(ok) + misc(ok))).toEqual({ lines: [checkLine, vrrpLine], exit: 6 });
      expect(run(notify(ok) + misc(bad))).toEqual({ lines: [checkLine + insecure, vrrpLine], exit: 6 });
      expect(run(notify(bad) + misc(ok))).toEqual({ lines: [checkLine, vrrpLine + insecure], exit: 6 });
    });

    /*
     * Scripts run as nobody (65534:65534). keepalived 2.2.7 -t kills itself with SIGTERM (no
     * output, shell status 143) as soon as it checks such a script, so these expectations were
     * observed from keepalived 2.2.7's daemon (`keepalived -n -l -D` in a network namespace,
     * same layout, su.sh a 0755 root script in open/). Where the daemon also logged
     * "Unsafe permissions found for script '…'…" before a tracked script's line, that is a log
     * message -t does not print for a root script either, and we leave it out.
     */
    const asNobody = (path: string, security = true): string => tracked(path).replace('  enable_script_security\n', security ? '  enable_script_security\n' : '')
      .replace('script_user root', 'script_user nobody');

    it('as another user: set-uid-root and set-gid-root scripts get root path protection, plain ones do not', () => {
      expect(hostScriptEnv().userIds('nobody')).toEqual({ uid: 65534, gid: 65534 });
      const su = join(open, 'su.sh');
      copyFileSync(script, su);
      chmodSync(su, 0o755);
      // keepalived daemon: no script-security message (the script ran: "VRRP_Script(chk) succeeded")
      expect(run(asNobody(su))).toEqual({ lines: [], exit: 0 });
      chmodSync(su, 0o4755);
      // keepalived daemon: "Unsafe permissions found for script '<su>' - disabling." then "Disabling track script chk due to insecure"
      expect(run(asNobody(su))).toEqual({ lines: ['Disabling track script chk due to insecure'], exit: 5 });
      chmodSync(su, 0o2755);
      expect(run(asNobody(su))).toEqual({ lines: ['Disabling track script chk due to insecure'], exit: 5 }); // the same
      chmodSync(su, 0o4755);
      // keepalived daemon without enable_script_security: "Unsafe permissions found for script '<su>'." then
      // "SECURITY VIOLATION - scripts are being executed but script_security not enabled. There are insecure scripts."
      expect(run(asNobody(su, false))).toEqual({
        lines: ['SECURITY VIOLATION - scripts are being executed but script_security not enabled. There are insecure scripts.'], exit: 6,
      });
      chownSync(su, 1000, 0); // set-uid to a user: runs with that user's rights, not root's
      chmodSync(su, 0o4755);
      expect(run(asNobody(su))).toEqual({ lines: [], exit: 0 }); // keepalived daemon: the script ran
    });

    it('as another user: a script that uid:gid cannot execute is disabled with a warning', () => {
      const ne = join(safe, 'ne.sh');
      copyFileSync(script, ne);
      chmodSync(ne, 0o644);
      // keepalived daemon: "WARNING - script '<ne>' is not executable for uid:gid 65534:65534 - disabling."
      expect(run(asNobody(ne))).toEqual({ lines: [`WARNING - script '${ne}' is not executable for uid:gid 65534:65534 - disabling.`], exit: 0 });
      // keepalived daemon without enable_script_security: the same warning, then the SECURITY VIOLATION
      expect(run(asNobody(ne, false))).toEqual({
        lines: [`WARNING - script '${ne}' is not executable for uid:gid 65534:65534 - disabling.`, 'SECURITY VIOLATION - scripts are being executed but script_security not enabled.'],
        exit: 6,
      });
      chownSync(ne, 0, 65534);
      chmodSync(ne, 0o654);
      expect(run(asNobody(ne))).toEqual({ lines: [], exit: 0 }); // keepalived daemon: group nogroup may execute, the script ran
      chownSync(ne, 65534, 0);
      chmodSync(ne, 0o744);
      expect(run(asNobody(ne))).toEqual({ lines: [], exit: 0 }); // keepalived daemon: the owner may, the script ran
    });

    it('without enable_script_security a script run as another user is still a violation', () => {
      // keepalived daemon: "SECURITY VIOLATION - scripts are being executed but script_security not enabled."
      expect(run(asNobody(join(safe, 't.sh'), false))).toEqual({ lines: ['SECURITY VIOLATION - scripts are being executed but script_security not enabled.'], exit: 6 });
    });
  });
});
