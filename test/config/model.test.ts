/** The typed model: keepalived's defaults and the values its completion step derives (semantics §2.1, §6.5). */
import { describe, expect, it } from 'vitest';
import { defaultGlobalDefs } from '../../src/config/keywords/global.js';
import { defaultExtensions } from '../../src/config/keywords/extensions.js';
import { diagLines, loadText } from './conf-helper.js';
import { dumpConfig } from '../../src/config/dump.js';

const inst = (body: string): string => `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n${body}\n}\n`;
const vip4 = '  virtual_ipaddress {\n    10.0.0.1\n  }';

describe('Config model defaults', () => {
  it('an empty file gives the documented global defaults and no blocks', () => {
    const r = loadText('');
    expect(r.config).toEqual({ globalDefs: defaultGlobalDefs(), vrrpScripts: [], syncGroups: [], vrrpInstances: [], virtualServerGroups: [], virtualServers: [], extensions: defaultExtensions() });
    expect(r.config.globalDefs).toMatchObject({ smtpConnectTimeoutMs: 30000, vrrpGarpMasterDelayMs: 5000, vrrpGarpMasterRepeat: 5, vrrpVersion: 2, vrrpMcastGroup4: '224.0.0.18' });
  });

  it('instance defaults: BACKUP, priority 100, 1 s adverts, v2, GARP from globals', () => {
    const v = loadText(inst(vip4)).config.vrrpInstances[0]!;
    expect(v).toMatchObject({ state: 'BACKUP', priority: 100, advertIntMs: 1000, version: 2, nopreempt: false, preemptDelayMs: 0,
      garpMasterDelayMs: 5000, garpMasterRepeat: 5, garpLowerPrioDelayMs: 5000, garpLowerPrioRepeat: 5, downTimerAdverts: 3, smtpAlert: true });
  });

  it('state MASTER without priority means 255; priority 255 without state means MASTER', () => {
    expect(loadText(inst(`  state MASTER\n${vip4}`)).config.vrrpInstances[0]!.priority).toBe(255);
    expect(loadText(inst(`  priority 255\n${vip4}`)).config.vrrpInstances[0]!.state).toBe('MASTER');
    expect(loadText(inst(`  state MASTER\n  priority 100\n${vip4}`)).config.vrrpInstances[0]!.priority).toBe(100);
  });

  it('nopreempt is reset for the address owner (keepalived message)', () => {
    const r = loadText(inst(`  state MASTER\n  nopreempt\n${vip4}`));
    expect(r.config.vrrpInstances[0]!.nopreempt).toBe(false);
    expect(diagLines(r)).toEqual(['1: (VI_1) nopreempt is incompatible with priority 255. resetting nopreempt [KA_CONF_INVALID_VALUE]']);
  });

  it('IPv6 VIPs make the instance VRRPv3; v3 keeps 10 ms advert units', () => {
    const v = loadText(inst('  advert_int 0.25\n  virtual_ipaddress {\n    fe80::1\n  }')).config.vrrpInstances[0]!;
    expect([v.version, v.advertIntMs]).toEqual([3, 250]);
  });

  it('VRRPv2 rounds a fractional advert_int with keepalived\'s message', () => {
    const r = loadText(inst(`  advert_int 0.5\n${vip4}`));
    expect(r.config.vrrpInstances[0]!.advertIntMs).toBe(1000);
    expect(diagLines(r)).toEqual(['1: (VI_1) VRRPv2 advertisement interval 0.500000s must be an integer. rounding [KA_CONF_INVALID_VALUE]']);
  });

  it('authentication is dropped for VRRPv3 and without a password', () => {
    const v3 = loadText(inst(`  version 3\n  authentication {\n    auth_type PASS\n    auth_pass secret\n  }\n${vip4}`));
    expect(v3.config.vrrpInstances[0]!.authentication).toBeNull();
    expect(diagLines(v3)).toEqual(['1: (VI_1) VRRP version 3 does not support authentication. Ignoring. [KA_CONF_INVALID_VALUE]']);
    const nopass = loadText(inst(`  authentication {\n    auth_type PASS\n  }\n${vip4}`));
    expect(diagLines(nopass)).toEqual(['1: (VI_1) Authentication specified but no password given. Ignoring [KA_CONF_INVALID_VALUE]']);
  });

  it('per-instance GARP settings are copied from global_defs as it stands when the instance opens', () => {
    const before = loadText(`global_defs {\n  vrrp_garp_master_delay 9\n}\n${inst(vip4)}`).config.vrrpInstances[0]!;
    const after = loadText(`${inst(vip4)}global_defs {\n  vrrp_garp_master_delay 9\n}\n`).config;
    expect(before.garpMasterDelayMs).toBe(9000);
    expect(after.vrrpInstances[0]!.garpMasterDelayMs).toBe(5000);
    expect(after.globalDefs.vrrpGarpMasterDelayMs).toBe(9000);
  });

  it('smtp_alert resolution: VRRP on by default (our decision), virtual servers off, real servers on, global switches apply', () => {
    const vs = 'virtual_server 10.0.0.1 80 {\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n  real_server 10.0.0.2 80 {\n  }\n}\n';
    const plain = loadText(inst(vip4) + vs).config;
    expect([plain.vrrpInstances[0]!.smtpAlert, plain.virtualServers[0]!.smtpAlert, plain.virtualServers[0]!.realServers[0]!.smtpAlert]).toEqual([true, false, true]);
    const off = loadText(`global_defs {\n  smtp_alert false\n}\n${inst(vip4)}`).config;
    expect(off.vrrpInstances[0]!.smtpAlert).toBe(false);
    const vrrpOff = loadText(`global_defs {\n  smtp_alert_vrrp false\n}\n${inst(vip4)}`).config;
    expect(vrrpOff.vrrpInstances[0]!.smtpAlert).toBe(false);
    const on = loadText(`global_defs {\n  smtp_alert\n  smtp_alert_checker false\n}\n${inst(vip4)}${vs}`).config;
    expect([on.vrrpInstances[0]!.smtpAlert, on.virtualServers[0]!.smtpAlert, on.virtualServers[0]!.realServers[0]!.smtpAlert]).toEqual([true, false, false]);
  });

  it('virtual server defaults (with keepalived\'s warnings): UDP, wlc, NAT; RS weight and method from the VS', () => {
    const r = loadText('virtual_server 10.0.0.1 80 {\n  weight 5\n  real_server 10.0.0.2 {\n  }\n}\n');
    const vs = r.config.virtualServers[0]!;
    expect([vs.protocol, vs.lbAlgo, vs.lbKind, vs.delayLoopMs, vs.connectTimeoutMs, vs.quorum, vs.hysteresis]).toEqual(['UDP', 'wlc', 'NAT', 60000, 5000, 1, 0]);
    expect(vs.realServers[0]).toMatchObject({ port: 80, weight: 5, lbKind: 'NAT' });
    expect(diagLines(r)).toEqual([
      '1: Virtual server [10.0.0.1]:none:80: no protocol set - defaulting to UDP [KA_CONF_VS_DEFAULT]',
      '1: Virtual server [10.0.0.1]:udp:80: no forwarding method set, setting default NAT [KA_CONF_VS_DEFAULT]',
      "1: Virtual server [10.0.0.1]:udp:80: no scheduler set, setting default 'wlc' [KA_CONF_VS_DEFAULT]",
    ]);
  });

  it('quorum above the total weight and hysteresis >= quorum are reduced (keepalived messages)', () => {
    const r = loadText('virtual_server 10.0.0.1 80 {\n  protocol TCP\n  lb_algo rr\n  lb_kind NAT\n  quorum 5\n  hysteresis 9\n  real_server 10.0.1.1 8080 {\n    weight 2\n  }\n}\n');
    const vs = r.config.virtualServers[0]!;
    expect([vs.quorum, vs.hysteresis]).toEqual([2, 1]);
    expect(diagLines(r)).toEqual([
      '1: Warning - quorum 5 for [10.0.0.1]:tcp:80 exceeds total weight of real servers 2, reducing quorum to 2 [KA_CONF_VS_QUORUM]',
      '1: Virtual server [10.0.0.1]:tcp:80: hysteresis 9 >= quorum 2; setting hysteresis to 1 [KA_CONF_VS_QUORUM]',
    ]);
  });

  it('sync group members track interfaces with weight 0; own interface is not tracked', () => {
    const r = loadText(`vrrp_sync_group G {\n  group {\n    VI_1\n    VI_2\n  }\n}\n${inst(`  track_interface {\n    eth0 weight 10\n    lo weight 10\n  }\n${vip4}`)}vrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 2\n${vip4}\n}\n`);
    expect(r.config.vrrpInstances[0]!.trackInterfaces).toEqual([{ name: 'lo', weight: 0, reverse: false }]);
    expect(diagLines(r)).toEqual([
      '7: (VI_1) ignoring lo tracked interface weight due to SYNC group [KA_CONF_INVALID_VALUE]',
      '7: (VI_1) Ignoring track_interface eth0 since own interface [KA_CONF_INVALID_VALUE]',
    ]);
  });

  it('state MASTER clears preempt_delay and nopreempt with separate messages', () => {
    const r = loadText(inst(`  state MASTER\n  priority 100\n  nopreempt\n  preempt_delay 5\n${vip4}`));
    expect(r.config.vrrpInstances[0]).toMatchObject({ nopreempt: false, preemptDelayMs: 0 });
    expect(diagLines(r)).toEqual([
      '1: (VI_1) Warning - preempt delay will not work with initial state MASTER - clearing [KA_CONF_INVALID_VALUE]',
      '1: (VI_1) Warning - nopreempt will not work with initial state MASTER - clearing [KA_CONF_INVALID_VALUE]',
    ]);
  });

  it('loopback interface and mixed-family VIPs are refused (keepalived 2.2.7 messages)', () => {
    const r = loadText('vrrp_instance VI_1 {\n  interface lo\n  virtual_router_id 1\n  virtual_ipaddress {\n    10.0.0.1\n    fe80::1\n  }\n}\n');
    expect(r.config.vrrpInstances[0]!.interface).toBeNull();
    expect(r.config.vrrpInstances[0]!.virtualIpaddresses.map((v) => v.address)).toEqual(['10.0.0.1']);
    expect(diagLines(r)).toEqual([
      '2: (VI_1) cannot use a loopback interface (lo) for vrrp - ignoring [KA_CONF_INVALID_VALUE]',
      '6: (VI_1): address family must match VRRP instance [fe80::1] - ignoring [KA_CONF_INVALID_VALUE]',
      '1: (VI_1) Unknown interface! [KA_CONF_NO_INTERFACE]',
    ]);
  });
});

describe('lvs_sync_daemon', () => {
  it('reads interface, instance and the optional settings, and survives the dump round trip', () => {
    const r = loadText('global_defs {\n  lvs_sync_daemon eth1 VI_1 id 7 maxlen 1400 port 8848 ttl 2 group 224.0.0.81\n}\n');
    expect(r.config.globalDefs.lvsSyncDaemon).toEqual({ interface: 'eth1', instance: 'VI_1', syncId: 7, maxLen: 1400, port: 8848, ttl: 2, group: '224.0.0.81' });
    expect(loadText(dumpConfig(r.config)).config.globalDefs.lvsSyncDaemon).toEqual(r.config.globalDefs.lvsSyncDaemon);
    expect(loadText('global_defs {\n  lvs_sync_daemon eth1 VI_1\n}\n').config.globalDefs.lvsSyncDaemon)
      .toEqual({ interface: 'eth1', instance: 'VI_1', syncId: null, maxLen: null, port: null, ttl: null, group: null });
  });

  it('rejects bad values with a located diagnostic and keeps the daemon off', () => {
    const r = loadText('global_defs {\n  lvs_sync_daemon eth1 VI_1 id 300\n}\n');
    expect(r.config.globalDefs.lvsSyncDaemon).toBeNull();
    expect(r.diags.map((d) => `${d.at.line}:${d.at.col} ${d.msg}`)).toContain("2:32 Invalid lvs_sync_daemon id '300'");
  });
});
