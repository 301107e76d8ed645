/** The daemon's script gate: script security and script_user applied when a script is started. */
import { describe, expect, it } from 'vitest';
import { scriptVerdict, type PathStat, type ScriptEnv } from '../../src/common/script-security.js';
import { configuredScripts, gatedSpawn, withoutRefusedTrackScripts } from '../../src/daemon/script-gate.js';
import { poolsOf } from '../../src/daemon/lvs-mapping.js';
import type { Spawn, SpawnRequest } from '../../src/notify/scripts.js';
import { loadText } from '../config/conf-helper.js';
import { captureLogger } from '../fakes/logger.js';

const dir = (mode = 0o755, uid = 0, gid = 0): PathStat => ({ uid, gid, mode: 0o040000 | mode });
const file = (mode = 0o755, uid = 0, gid = 0): PathStat => ({ uid, gid, mode: 0o100000 | mode });

function hostEnv(over: Record<string, PathStat | null> = {}): ScriptEnv {
  const fs: Record<string, PathStat | null> = {
    '/': dir(), '/etc': dir(), '/etc/ka': dir(), '/etc/ka/notify.sh': file(), '/etc/ka/check.sh': file(), '/tmp': dir(0o1777),
    '/tmp/evil.sh': file(0o755, 1000, 1000), ...over,
  };
  const users: Record<string, { uid: number; gid: number }> = { root: { uid: 0, gid: 0 }, nobody: { uid: 65534, gid: 65534 } };
  return {
    userExists: (n) => n in users,
    userIds: (n) => users[n] ?? null,
    groupId: (n) => (n === 'nogroup' ? 65534 : n === 'root' ? 0 : null),
    resolve: (cmd) => (fs[cmd] ? cmd : null),
    realpath: (p) => (fs[p] ? p : null),
    stat: (p) => fs[p] ?? null,
  };
}

const security = { enableScriptSecurity: true, scriptUser: null };

describe('scriptVerdict', () => {
  it('runs a safe root script as root, refuses one a user could replace, and one the run-as user cannot execute', () => {
    expect(scriptVerdict('/etc/ka/notify.sh', { user: null, group: null }, security, hostEnv())).toEqual({ run: true, ids: { uid: 0, gid: 0 } });
    expect(scriptVerdict('/tmp/evil.sh', { user: null, group: null }, security, hostEnv())).toMatchObject({ run: false, why: expect.stringMatching(/unsafe permissions \(\/tmp\/evil\.sh/) });
    expect(scriptVerdict('/etc/ka/notify.sh', { user: 'nobody', group: null }, security, hostEnv({ '/etc/ka/notify.sh': file(0o750) })))
      .toEqual({ run: false, why: 'not executable for uid:gid 65534:65534' });
    expect(scriptVerdict('/etc/ka/missing.sh', { user: null, group: null }, security, hostEnv())).toEqual({ run: false, why: 'not found/accessible' });
  });
  it('without enable_script_security only the run-as user is decided; a missing user refuses', () => {
    const off = { enableScriptSecurity: false, scriptUser: { user: 'nobody', group: 'nogroup' } };
    expect(scriptVerdict('/tmp/evil.sh', { user: null, group: null }, off, hostEnv())).toEqual({ run: true, ids: { uid: 65534, gid: 65534 } });
    expect(scriptVerdict('/etc/ka/notify.sh', { user: 'ghost', group: null }, off, hostEnv())).toEqual({ run: false, why: 'its user or group does not exist' });
  });
});

describe('gatedSpawn', () => {
  const conf = `global_defs {
  enable_script_security
  script_user nobody
}
vrrp_script chk {
  script /etc/ka/check.sh
  interval 2
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  virtual_ipaddress {
    10.0.0.1
  }
  track_script {
    chk
  }
  notify_master /etc/ka/notify.sh root
  notify_backup /tmp/evil.sh root
}
`;
  function setup() {
    const cfg = loadText(conf).config;
    const started: SpawnRequest[] = [];
    const inner: Spawn = { spawn: (req) => { started.push(req); return { exited: Promise.resolve({ kind: 'exit', code: 0, signal: null }), kill: () => {} }; } };
    const log = captureLogger();
    return { cfg, started, log, spawn: gatedSpawn(inner, cfg, hostEnv(), log) };
  }

  it('lists the configured scripts it gates', () => {
    expect(configuredScripts(setup().cfg).map((r) => [r.cmd, r.user])).toEqual([['/etc/ka/check.sh', null], ['/etc/ka/notify.sh', 'root'], ['/tmp/evil.sh', 'root']]);
  });

  it('starts a notify script with its appended arguments as its own user, a vrrp_script as script_user', async () => {
    const { spawn, started } = setup();
    spawn.spawn({ argv: ['/etc/ka/notify.sh', 'INSTANCE', 'VI_1', 'MASTER', '100'] }, () => {});
    spawn.spawn({ argv: ['/etc/ka/check.sh'] }, () => {});
    expect(started).toEqual([
      { argv: ['/etc/ka/notify.sh', 'INSTANCE', 'VI_1', 'MASTER', '100'] }, // root: no uid switch
      { argv: ['/etc/ka/check.sh'], uid: 65534, gid: 65534 },
    ]);
  });

  it('refuses a root script a user could replace: logged, never started, reported as a start failure', async () => {
    const { spawn, started, log } = setup();
    const p = spawn.spawn({ argv: ['/tmp/evil.sh', 'INSTANCE', 'VI_1', 'BACKUP', '100'] }, () => {});
    expect(await p.exited).toMatchObject({ kind: 'error', code: 'EACCES' });
    expect(started).toEqual([]);
    expect(log.records.at(-1)).toMatchObject({ level: 'error', msg: expect.stringMatching(/Script '\/tmp\/evil\.sh' not started: unsafe permissions.*\(enable_script_security\)/) });
  });
});

describe('withoutRefusedTrackScripts', () => {
  const conf = (security: boolean, script: string) => `global_defs {
  ${security ? 'enable_script_security' : ''}
}
vrrp_script chk {
  script ${script}
  weight -50
}
vrrp_script ok {
  script /etc/ka/check.sh
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  virtual_ipaddress {
    10.0.0.1
  }
  track_script {
    chk
    ok
  }
}
`;
  it('drops a refused or missing script from every tracker, as keepalived disables it at load', () => {
    const log = captureLogger();
    const tracked = (text: string) => withoutRefusedTrackScripts(loadText(text).config, hostEnv(), log).vrrpInstances[0]!.trackScripts.map((t) => t.name);
    expect(tracked(conf(true, '/tmp/evil.sh'))).toEqual(['ok']);
    expect(tracked(conf(false, '/tmp/evil.sh'))).toEqual(['chk', 'ok']); // without security it runs
    expect(tracked(conf(false, '/etc/ka/missing.sh'))).toEqual(['ok']);
    expect(log.records.map((r) => r.msg)).toEqual([
      expect.stringMatching(/^Disabling track script chk \(unsafe permissions/),
      'Disabling track script chk (not found/accessible)',
    ]);
  });
});


describe('MISC_CHECK through the gate (lvs-mapping)', () => {
  const conf = (security: boolean, path: string) => `global_defs {
  ${security ? 'enable_script_security' : ''}
  script_user nobody
}
virtual_server 10.0.0.100 80 {
  protocol TCP
  real_server 10.0.0.11 80 {
    MISC_CHECK {
      misc_path "${path}"
    }
  }
}
`;
  const probes = (text: string) => {
    const cfg = loadText(text).config;
    const globals = { enableScriptSecurity: cfg.globalDefs.enableScriptSecurity, scriptUser: cfg.globalDefs.scriptUser };
    return poolsOf(cfg, (ref) => scriptVerdict(ref.argv[0]!, ref, globals, hostEnv()))[0]!.check.realServers[0]!.checkers.map((c) => c.probe);
  };
  it('runs as script_user, and a refused script leaves the real server without that checker', () => {
    expect(probes(conf(true, '/etc/ka/check.sh'))).toMatchObject([{ kind: 'MISC_CHECK', argv: ['/etc/ka/check.sh'], runAs: { uid: 65534, gid: 65534 } }]);
    expect(probes(conf(true, '/etc/ka/missing.sh'))).toEqual([]);
    expect(probes(conf(false, '/etc/ka/check.sh'))).toMatchObject([{ runAs: { uid: 65534, gid: 65534 } }]);
  });
});
