/** Cross checks: VRIDs, interfaces, references, virtual servers, script security (fake host facts). */
import { describe, expect, it } from 'vitest';
import type { ScriptEnv } from '../../src/config/validate.js';
import { diagLines, loadText } from './conf-helper.js';

const inst = (name: string, vrid: number | null, body = '', iface = 'eth0'): string =>
  `vrrp_instance ${name} {\n  interface ${iface}\n${vrid === null ? '' : `  virtual_router_id ${vrid}\n`}${body}  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n`;

/** A host where only the listed files exist, owned by root with the given modes; links: symlink -> real path. */
function fakeHost(files: Record<string, number>, users: string[] = ['root'], links: Record<string, string> = {}): ScriptEnv {
  return {
    userExists: (u) => users.includes(u),
    userIds: (u) => (users.includes(u) ? (u === 'root' ? { uid: 0, gid: 0 } : { uid: 1000 + users.indexOf(u), gid: 1000 + users.indexOf(u) }) : null),
    groupId: (gr) => (gr === 'root' ? 0 : users.includes(gr) ? 1000 + users.indexOf(gr) : null),
    resolve: (cmd) => (cmd.startsWith('/') ? (cmd in files || cmd in links ? cmd : null) : (`/usr/bin/${cmd}` in files ? `/usr/bin/${cmd}` : null)),
    realpath: (p) => links[p] ?? p,
    stat: (p) => (p in files ? { uid: 0, gid: 0, mode: files[p]! } : p === '/' || p === '/usr' || p === '/usr/bin' || p === '/etc' ? { uid: 0, gid: 0, mode: 0o40755 } : null),
  };
}

describe('validateConfig', () => {
  it('missing VRID and duplicate VRID on one interface/family', () => {
    const r = loadText(inst('VI_1', null) + inst('VI_2', 7) + inst('VI_3', 7) + inst('VI_4', 7, '', 'eth1'));
    expect(diagLines(r)).toEqual([
      '1: (VI_1) the virtual router id must be set [KA_CONF_NO_VRID]',
      '14: VI_2 and VI_3 both use VRID 7 with IPv4 on interface eth0 [KA_CONF_DUP_VRID]',
    ]);
    expect(r.exitCode).toBe(5);
  });

  it('non-existent interfaces are reported where they are named, plus one BAD_IF', () => {
    const r = loadText(inst('VI_1', 1, '  track_interface {\n    eth3\n  }\n', 'eth1'), { knownInterfaces: ['lo', 'eth0'] });
    expect(diagLines(r)).toEqual([
      "2: WARNING - interface eth1 for vrrp_instance VI_1 doesn't exist [KA_CONF_BAD_INTERFACE]",
      "5: (VI_1) tracked interface eth3 doesn't exist [KA_CONF_BAD_INTERFACE]",
      '2: Non-existent interface specified in configuration [KA_CONF_BAD_INTERFACE]',
    ]);
    expect(r.exitCode).toBe(5); // BAD_IF (2) loses to the warnings' class, as in keepalived
    expect(diagLines(loadText(`global_defs {\n  dynamic_interfaces\n}\n${inst('VI_1', 1, '', 'eth1')}`, { knownInterfaces: ['eth0'] }))).toEqual([]);
  });

  it('sync groups: unknown member, single member', () => {
    const r = loadText(`vrrp_sync_group G {\n  group {\n    VI_1\n    VI_9\n  }\n}\n${inst('VI_1', 1)}`);
    expect(diagLines(r)).toEqual([
      "4: Virtual router VI_9 specified in sync group G doesn't exist - ignoring [KA_CONF_SYNC_GROUP]",
      "1: Sync group G has only 1 virtual router(s) - this probably isn't what you want [KA_CONF_SYNC_GROUP]",
    ]);
  });

  it('track_script naming an unknown or script-less vrrp_script', () => {
    const r = loadText(`vrrp_script empty {\n  interval 2\n}\n${inst('VI_1', 1, '  track_script {\n    empty\n    nothere\n  }\n')}`);
    expect(diagLines(r)).toEqual([
      '3: No script set for vrrp_script empty - removing [KA_CONF_NO_SCRIPT]', // where the block ends, as keepalived
      '8: (VI_1) track script empty not found, ignoring... [KA_CONF_UNKNOWN_REF]',
      '9: (VI_1) track script nothere not found, ignoring... [KA_CONF_UNKNOWN_REF]',
    ]);
  });

  it('virtual servers: no real servers, protocol on fwmark, unknown group', () => {
    const r = loadText('virtual_server fwmark 1 {\n  lb_algo rr\n  lb_kind DR\n  protocol TCP\n}\nvirtual_server group NOPE {\n  lb_algo rr\n  lb_kind DR\n  protocol TCP\n  real_server 10.0.0.2 80 {\n  }\n}\n');
    expect(diagLines(r)).toEqual([
      '4: Warning: Virtual server FWM 1: protocol specified for fwmark - protocol will be ignored [KA_CONF_VS_FWMARK_PROTOCOL]',
      '1: Virtual server FWM 1 has no real servers - ignoring [KA_CONF_VS_NO_RS]',
      '6: Virtual server group NOPE specified but not defined - ignoring [KA_CONF_UNKNOWN_REF]',
    ]);
  });

  describe('script security (semantics §10)', () => {
    const notify = inst('VI_1', 1, '  notify_master /usr/bin/true\n');

    it('a root script without enable_script_security: SECURITY VIOLATION, exit 6', () => {
      const r = loadText(notify, { scriptEnv: fakeHost({ '/usr/bin/true': 0o100755 }) });
      expect(diagLines(r)).toEqual(['4: SECURITY VIOLATION - scripts are being executed but script_security not enabled. [KA_CONF_SCRIPT_SECURITY]']);
      expect(r.exitCode).toBe(6);
    });

    it('a script that does not exist is not a violation', () => {
      expect(loadText(notify, { scriptEnv: fakeHost({}) }).exitCode).toBe(0);
    });

    it('a script run as another user is a violation too (keepalived 2.2.7 daemon; its -t dies of SIGTERM here)', () => {
      const r = loadText(inst('VI_1', 1, '  notify_master /usr/bin/true nobody\n'), { scriptEnv: fakeHost({ '/usr/bin/true': 0o100755 }, ['root', 'nobody']) });
      expect(diagLines(r)).toEqual(['4: SECURITY VIOLATION - scripts are being executed but script_security not enabled. [KA_CONF_SCRIPT_SECURITY]']);
      expect(r.exitCode).toBe(6);
    });

    it('a script its uid:gid cannot execute is disabled with a warning that keeps the exit code', () => {
      const conf = (mode: number, extra = '') => [`global_defs {\n  enable_script_security\n  script_user nobody${extra}\n}\nvrrp_script chk {\n  script /usr/bin/s\n}\n${inst('VI_1', 1, '  track_script {\n    chk\n  }\n')}`,
        { scriptEnv: fakeHost({ '/usr/bin/s': mode }, ['root', 'nobody']) }] as const;
      const r = loadText(...conf(0o100644));
      expect(diagLines(r)).toEqual(["6: WARNING - script '/usr/bin/s' is not executable for uid:gid 1001:1001 - disabling. [KA_CONF_SCRIPT_SECURITY]"]);
      expect(r.exitCode).toBe(0);
      expect(loadText(...conf(0o100755)).diags).toEqual([]);
      expect(diagLines(loadText(...conf(0o100754)))).toHaveLength(1); // nobody is "other" for a root:root file
    });

    it('a set-uid-root or set-gid-root script run by another user gets root path protection', () => {
      const conf = `global_defs {\n  enable_script_security\n  script_user nobody\n}\nvrrp_script chk {\n  script /usr/bin/s\n}\n${inst('VI_1', 1, '  track_script {\n    chk\n  }\n  notify_master /usr/bin/n\n')}`;
      const run = (mode: number) => diagLines(loadText(conf, { scriptEnv: fakeHost({ '/usr/bin/s': mode, '/usr/bin/n': mode }, ['root', 'nobody']) }));
      expect(run(0o100757)).toEqual([]); // writable by others, but nobody runs it with nobody's rights
      expect(run(0o104757)).toEqual([
        '6: Disabling track script chk due to insecure [KA_CONF_SCRIPT_SECURITY]',
        "14: Unsafe permissions found for script '/usr/bin/n' - disabling. [KA_CONF_SCRIPT_SECURITY]",
      ]);
      expect(run(0o102757)).toHaveLength(2);
      expect(run(0o104755)).toEqual([]); // set-uid root, but only root can change it
    });

    it('enable_script_security without keepalived_script user: scripts removed, exit 5', () => {
      const conf = `global_defs {\n  enable_script_security\n}\nvrrp_script chk {\n  script /usr/bin/true\n}\n${inst('VI_1', 1, '  notify_master /usr/bin/true\n  track_script {\n    chk\n  }\n')}`;
      const r = loadText(conf, { scriptEnv: fakeHost({ '/usr/bin/true': 0o100755 }) });
      expect(diagLines(r)).toEqual([
        '6: Unable to set default user for vrrp script chk - removing [KA_CONF_SCRIPT_USER]',
        '10: Unable to set default user keepalived_script for script [KA_CONF_SCRIPT_USER]',
        '12: (VI_1) track script chk not found, ignoring... [KA_CONF_UNKNOWN_REF]',
      ]);
      expect(r.exitCode).toBe(5);
    });

    it('enable_script_security: an unsafe tracked script is disabled (exit 5), an unsafe notify only noted', () => {
      const conf = `global_defs {\n  enable_script_security\n}\nvrrp_script chk {\n  script /usr/bin/open\n  user root\n}\n${inst('VI_1', 1, '  notify_master /usr/bin/true root\n  notify_backup /usr/bin/open root\n  track_script {\n    chk\n  }\n')}`;
      const r = loadText(conf, { scriptEnv: fakeHost({ '/usr/bin/true': 0o100755, '/usr/bin/open': 0o100777 }, ['root', 'keepalived_script']) });
      expect(diagLines(r)).toEqual([
        '5: Disabling track script chk due to insecure [KA_CONF_SCRIPT_SECURITY]',
        "12: Unsafe permissions found for script '/usr/bin/open' - disabling. [KA_CONF_SCRIPT_SECURITY]", // a notice: class OK
      ]);
      expect(r.diags.find((d) => d.at.line === 12)!.cls).toBe(0);
      expect(r.exitCode).toBe(5);
    });

    it('enable_script_security: a script only root and the root group can write is safe (exit 0)', () => {
      const conf = `global_defs {\n  enable_script_security\n  script_user root\n}\nvrrp_script chk {\n  script /usr/bin/grp\n}\n${inst('VI_1', 1, '  track_script {\n    chk\n  }\n')}`;
      expect(loadText(conf, { scriptEnv: fakeHost({ '/usr/bin/grp': 0o100775 }) }).diags).toEqual([]);
      expect(diagLines(loadText(conf, { scriptEnv: fakeHost({ '/usr/bin/grp': 0o100757 }) }))).toEqual(['6: Disabling track script chk due to insecure [KA_CONF_SCRIPT_SECURITY]']);
    });

    it('without enable_script_security the checker and VRRP processes each report their own violation, checker first', () => {
      const vs = 'virtual_server 10.0.0.1 80 {\n  lb_algo rr\n  lb_kind DR\n  protocol TCP\n  real_server 10.0.0.2 80 {\n    MISC_CHECK {\n      misc_path /usr/bin/true\n    }\n  }\n}\n';
      const r = loadText(notify + vs, { scriptEnv: fakeHost({ '/usr/bin/true': 0o100755 }) });
      expect(diagLines(r)).toEqual([
        '15: SECURITY VIOLATION - check scripts are being executed but script_security not enabled. [KA_CONF_SCRIPT_SECURITY]',
        '4: SECURITY VIOLATION - scripts are being executed but script_security not enabled. [KA_CONF_SCRIPT_SECURITY]',
      ]);
      expect(r.exitCode).toBe(6);
      const checkOnly = loadText(vs, { scriptEnv: fakeHost({ '/usr/bin/true': 0o100755 }) });
      expect(diagLines(checkOnly)).toEqual(['7: SECURITY VIOLATION - check scripts are being executed but script_security not enabled. [KA_CONF_SCRIPT_SECURITY]']);
    });

    it('a violation says "There are insecure scripts." only for the process that has an unsafe root script', () => {
      const vs = 'virtual_server 10.0.0.1 80 {\n  lb_algo rr\n  lb_kind DR\n  protocol TCP\n  real_server 10.0.0.2 80 {\n    notify_up /usr/bin/true\n  }\n}\n';
      const conf = inst('VI_1', 1, '  notify_master /usr/bin/true\n  notify_backup /usr/bin/open\n') + vs;
      const r = loadText(conf, { scriptEnv: fakeHost({ '/usr/bin/true': 0o100755, '/usr/bin/open': 0o100757 }) });
      expect(diagLines(r)).toEqual([
        '15: SECURITY VIOLATION - check scripts are being executed but script_security not enabled. [KA_CONF_SCRIPT_SECURITY]',
        '4: SECURITY VIOLATION - scripts are being executed but script_security not enabled. There are insecure scripts. [KA_CONF_SCRIPT_SECURITY]',
      ]);
      expect(r.exitCode).toBe(6);
    });

    it('a symlinked script is judged by the file it resolves to', () => {
      const conf = `global_defs {\n  enable_script_security\n  script_user root\n}\nvrrp_script chk {\n  script /etc/chk\n}\n${inst('VI_1', 1, '  track_script {\n    chk\n  }\n')}`;
      expect(loadText(conf, { scriptEnv: fakeHost({ '/usr/bin/true': 0o100755 }, ['root'], { '/etc/chk': '/usr/bin/true' }) }).diags).toEqual([]);
      const r = loadText(conf, { scriptEnv: fakeHost({ '/usr/bin/true': 0o100755, '/usr/bin/open': 0o100757 }, ['root'], { '/etc/chk': '/usr/bin/open' }) });
      expect(diagLines(r)).toEqual(['6: Disabling track script chk due to insecure [KA_CONF_SCRIPT_SECURITY]']);
      expect(r.exitCode).toBe(5);
    });

    it('a tracked script that cannot be found is disabled (exit 5)', () => {
      const r = loadText(`vrrp_script chk {\n  script /nonexistent a "b c"\n}\n${inst('VI_1', 1, '  track_script {\n    chk\n  }\n')}`, { scriptEnv: fakeHost({}) });
      expect(diagLines(r)).toEqual(['2: Disabling track script chk since not found/accessible [KA_CONF_SCRIPT_SECURITY]']);
      expect(r.config.vrrpScripts[0]!.script!.argv).toEqual(['/nonexistent', 'a', 'b c']);
      expect(r.exitCode).toBe(5);
    });
  });
});
