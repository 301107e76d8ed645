/**
 * Script security on real files (root: chown): the daemon's host adapter (hostScriptEnv) feeding
 * the pure rules in common/script-security.ts, and `-t` over a config naming such a script.
 * Temp files under /run (not the sticky /tmp); nothing on the network.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { unsafeComponent } from '../../src/common/script-security.js';
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

  it('the adapter resolves bare names through PATH and only to executable files', () => {
    const env = hostScriptEnv({ PATH: `${join(base, 'nope')}:${bin}` });
    expect(env.resolve('chk.sh')).toBe(script);
    expect(env.resolve(script)).toBe(script);
    chmodSync(script, 0o644);
    expect(env.resolve('chk.sh')).toBeNull();
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
});
