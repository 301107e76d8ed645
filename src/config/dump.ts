/**
 * Config → canonical keepalived.conf text (`--dump-conf`). Every value is written explicitly
 * (defaults resolved), so loading the dump gives back the same Config: `loadFromTree(dump(cfg))`
 * deep-equals `cfg`, which the tests check for every example and fixture.
 */
import type { Checker, Config, NotifyScripts, RealServer, ScriptRef, TrackedInterface, TrackedScript, VirtualIp, VirtualServer, VrrpInstance } from './model.js';
import { splitScriptArgs } from './script-args.js';
import { msToSecondsText as secs } from './values.js';

/**
 * A word as the front end reads it back: quoted when it holds blanks, comment or brace characters,
 * would start a line as a conditional (`@`), definition (`$`), replay (`~`) or include, or ends
 * with `\` (a line continuation).
 */
const q = (w: string): string => (w === '' || /[\s!#"{}]|^[@$~]|\\$/.test(w) || w === 'include' ? `"${w}"` : w);
/** Script keywords are re-split with quote/escape rules: quote, and escape `\` and `"`. */
const sq = (w: string): string => (w !== '' && !/[\s"'\\!#{}]/.test(w) ? w : `"${w.replace(/[\\"]/g, '\\$&')}"`);
/**
 * `script` / `misc_path` (every word is the command): one quoted word when re-splitting it gives
 * back argv, else the argv words one by one.
 */
function wholeScript(s: ScriptRef): string {
  const again = splitScriptArgs(s.cmd);
  const same = again.ok && again.value.length === s.argv.length && again.value.every((w, i) => w === s.argv[i]);
  return same ? sq(s.cmd) : s.argv.map(sq).join(' ');
}
const script = (s: ScriptRef): string => [sq(s.cmd), ...(s.user ? [sq(s.user)] : []), ...(s.group ? [sq(s.group)] : [])].join(' ');

class Out {
  private lines: string[] = [];
  private depth = 0;
  line(...words: (string | number)[]): void { this.lines.push('    '.repeat(this.depth) + words.join(' ')); }
  block(head: string, body: () => void): void { this.line(head, '{'); this.depth++; body(); this.depth--; this.line('}'); }
  text(): string { return this.lines.join('\n') + '\n'; }
}

const bool = (b: boolean): string => (b ? 'true' : 'false');

export function dumpConfig(cfg: Config): string {
  const o = new Out();
  dumpGlobal(o, cfg.globalDefs);
  for (const s of cfg.vrrpScripts) {
    o.block(`vrrp_script ${q(s.name)}`, () => {
      if (s.script) o.line('script', wholeScript(s.script));
      o.line('interval', secs(s.intervalMs));
      o.line('timeout', secs(s.timeoutMs));
      o.line('weight', s.weight, ...(s.weightReverse ? ['reverse'] : []));
      o.line('rise', s.rise);
      o.line('fall', s.fall);
      if (s.initFail) o.line('init_fail');
      if (s.script?.user) o.line('user', sq(s.script.user), ...(s.script.group ? [sq(s.script.group)] : []));
    });
  }
  for (const vi of cfg.vrrpInstances) dumpInstance(o, vi);
  for (const g of cfg.syncGroups) {
    o.block(`vrrp_sync_group ${q(g.name)}`, () => {
      o.block('group', () => g.members.forEach((m) => o.line(q(m))));
      dumpTracking(o, g.trackInterfaces, g.trackScripts);
      dumpNotify(o, g.notify);
      o.line('smtp_alert', bool(g.smtpAlert));
    });
  }
  for (const g of cfg.virtualServerGroups) {
    o.block(`virtual_server_group ${q(g.name)}`, () => g.entries.forEach((e) =>
      e.kind === 'fwmark' ? o.line('fwmark', e.fwmark, ...(e.family ? [e.family] : [])) : o.line(e.range, ...(e.port ? [e.port] : []))));
  }
  for (const vs of cfg.virtualServers) dumpVirtualServer(o, vs);
  dumpExtensions(o, cfg.extensions);
  return o.text();
}

/** Only when something differs from the defaults, so a plain keepalived file dumps as one. */
function dumpExtensions(o: Out, e: Config['extensions']): void {
  const set = e.smtpAuth || e.smtpStartTls !== 'never' || e.smtpTlsCaFile || !e.smtpTlsVerify || e.metrics ||
    e.cronTimezone || e.reportMail || e.maintenanceWindows.length > 0;
  if (!set) return;
  o.block('keepalived_ts', () => {
    if (e.smtpAuth) {
      o.line('smtp_auth_user', q(e.smtpAuth.user));
      if (e.smtpAuth.password !== null) o.line('smtp_auth_password', q(e.smtpAuth.password));
      if (e.smtpAuth.passwordFile !== null) o.line('smtp_auth_password_file', q(e.smtpAuth.passwordFile));
    }
    o.line('smtp_starttls', e.smtpStartTls);
    if (e.smtpTlsCaFile) o.line('smtp_tls_ca_file', q(e.smtpTlsCaFile));
    o.line('smtp_tls_verify', bool(e.smtpTlsVerify));
    if (e.metrics) o.line('metrics_listen', e.metrics.address, e.metrics.port);
    if (e.cronTimezone) o.line('cron_timezone', q(e.cronTimezone));
    if (e.reportMail) o.line('report_mail', q(e.reportMail));
    for (const w of e.maintenanceWindows) {
      o.block(`maintenance_window ${q(w.name)}`, () => {
        o.line('start', q(w.start));
        o.line('end', q(w.end));
        for (const rs of w.realServers) o.line('real_server', rs.address, rs.port);
      });
    }
  });
}

function dumpGlobal(o: Out, g: Config['globalDefs']): void {
  o.block('global_defs', () => {
    if (g.routerId !== null) o.line('router_id', q(g.routerId));
    if (g.notificationEmail.length) o.block('notification_email', () => g.notificationEmail.forEach((e) => o.line(q(e))));
    if (g.notificationEmailFrom !== null) o.line('notification_email_from', q(g.notificationEmailFrom));
    if (g.smtpServer) o.line('smtp_server', q(g.smtpServer.host), g.smtpServer.port);
    o.line('smtp_connect_timeout', g.smtpConnectTimeoutMs / 1000);
    if (g.smtpHeloName !== null) o.line('smtp_helo_name', q(g.smtpHeloName));
    if (g.smtpAlert !== null) o.line('smtp_alert', bool(g.smtpAlert));
    if (g.smtpAlertVrrp !== null) o.line('smtp_alert_vrrp', bool(g.smtpAlertVrrp));
    if (g.smtpAlertChecker !== null) o.line('smtp_alert_checker', bool(g.smtpAlertChecker));
    o.line('no_email_faults', bool(g.noEmailFaults));
    o.line('checker_log_all_failures', bool(g.checkerLogAllFailures));
    o.line('vrrp_mcast_group4', g.vrrpMcastGroup4);
    o.line('vrrp_mcast_group6', g.vrrpMcastGroup6);
    o.line('vrrp_version', g.vrrpVersion);
    o.line('vrrp_garp_master_delay', g.vrrpGarpMasterDelayMs / 1000);
    o.line('vrrp_garp_master_repeat', g.vrrpGarpMasterRepeat);
    o.line('vrrp_garp_master_refresh', g.vrrpGarpMasterRefreshMs / 1000);
    o.line('vrrp_garp_master_refresh_repeat', g.vrrpGarpMasterRefreshRepeat);
    if (g.vrrpGarpLowerPrioDelayMs !== null) o.line('vrrp_garp_lower_prio_delay', g.vrrpGarpLowerPrioDelayMs / 1000);
    if (g.vrrpGarpLowerPrioRepeat !== null) o.line('vrrp_garp_lower_prio_repeat', g.vrrpGarpLowerPrioRepeat);
    // 0 (no spacing) is the default and not a valid value to write.
    if (g.vrrpGarpIntervalMs > 0) o.line('vrrp_garp_interval', secs(g.vrrpGarpIntervalMs));
    if (g.vrrpGnaIntervalMs > 0) o.line('vrrp_gna_interval', secs(g.vrrpGnaIntervalMs));
    o.line('vrrp_min_garp', bool(g.vrrpMinGarp));
    o.line('vrrp_down_timer_adverts', g.vrrpDownTimerAdverts);
    if (g.vrrpLowerPrioNoAdvert !== null) o.line('vrrp_lower_prio_no_advert', bool(g.vrrpLowerPrioNoAdvert));
    o.line('vrrp_higher_prio_send_advert', bool(g.vrrpHigherPrioSendAdvert));
    o.line('vrrp_skip_check_adv_addr', bool(g.vrrpSkipCheckAdvAddr));
    o.line('vrrp_strict', bool(g.vrrpStrict));
    o.line('vrrp_check_unicast_src', bool(g.vrrpCheckUnicastSrc));
    o.line('v3_checksum_as_v2', bool(g.v3ChecksumAsV2));
    if (g.dynamicInterfaces) o.line('dynamic_interfaces');
    if (g.scriptUser) o.line('script_user', q(g.scriptUser.user), ...(g.scriptUser.group ? [q(g.scriptUser.group)] : []));
    o.line('enable_script_security', bool(g.enableScriptSecurity));
    if (g.reloadCheckConfig) o.line('reload_check_config');
    o.line('lvs_flush', bool(g.lvsFlush));
    if (g.lvsSyncDaemon) {
      const d = g.lvsSyncDaemon;
      const opt = (k: string, v: number | string | null) => (v === null ? [] : [k, String(v)]);
      o.line('lvs_sync_daemon', q(d.interface), q(d.instance), ...opt('id', d.syncId), ...opt('maxlen', d.maxLen), ...opt('port', d.port), ...opt('ttl', d.ttl), ...opt('group', d.group));
    }
  });
}

const vipLine = (v: VirtualIp): (string | number)[] => [
  `${v.address}/${v.prefix}`, ...(v.brd ? ['brd', v.brd] : []), ...(v.dev ? ['dev', v.dev] : []),
  ...(v.scope ? ['scope', v.scope] : []), ...(v.label ? ['label', q(v.label)] : []), ...(v.noTrack ? ['no_track'] : []),
];

function dumpTracking(o: Out, ifs: TrackedInterface[], scripts: TrackedScript[]): void {
  if (ifs.length) o.block('track_interface', () => ifs.forEach((t) => o.line(q(t.name), 'weight', t.weight, ...(t.reverse ? ['reverse'] : []))));
  if (scripts.length) {
    o.block('track_script', () => scripts.forEach((t) => o.line(q(t.name), ...(t.weight !== null ? ['weight', t.weight] : []),
      ...(t.reverse === null ? [] : [t.reverse ? 'reverse' : 'noreverse']))));
  }
}

function dumpNotify(o: Out, n: NotifyScripts): void {
  const kw = { master: 'notify_master', backup: 'notify_backup', fault: 'notify_fault', stop: 'notify_stop', deleted: 'notify_deleted', any: 'notify' } as const;
  for (const [slot, name] of Object.entries(kw)) {
    const s = n[slot as keyof NotifyScripts];
    if (s) o.line(name, script(s));
  }
}

function dumpInstance(o: Out, vi: VrrpInstance): void {
  o.block(`vrrp_instance ${q(vi.name)}`, () => {
    o.line('state', vi.state);
    if (vi.interface !== null) o.line('interface', q(vi.interface));
    if (vi.virtualRouterId !== null) o.line('virtual_router_id', vi.virtualRouterId);
    o.line('priority', vi.priority);
    o.line('advert_int', secs(vi.advertIntMs));
    o.line('version', vi.version);
    if (vi.authentication) o.block('authentication', () => { o.line('auth_type', vi.authentication!.type); o.line('auth_pass', q(vi.authentication!.pass)); });
    if (vi.virtualIpaddresses.length) o.block('virtual_ipaddress', () => vi.virtualIpaddresses.forEach((v) => o.line(...vipLine(v))));
    if (vi.virtualIpaddressesExcluded.length) o.block('virtual_ipaddress_excluded', () => vi.virtualIpaddressesExcluded.forEach((v) => o.line(...vipLine(v))));
    if (vi.unicastSrcIp !== null) o.line('unicast_src_ip', vi.unicastSrcIp);
    if (vi.unicastPeers.length) o.block('unicast_peer', () => vi.unicastPeers.forEach((p) => o.line(p)));
    if (vi.unicastTtl !== undefined) o.line('unicast_ttl', vi.unicastTtl);
    if (vi.mcastDstIp !== null) o.line('mcast_dst_ip', vi.mcastDstIp);
    dumpTracking(o, vi.trackInterfaces, vi.trackScripts);
    if (vi.dontTrackPrimary) o.line('dont_track_primary');
    if (vi.nopreempt) o.line('nopreempt');
    if (vi.preemptDelayMs > 0) o.line('preempt_delay', secs(vi.preemptDelayMs));
    if (vi.accept !== null) o.line(vi.accept ? 'accept' : 'no_accept');
    o.line('strict_mode', bool(vi.strictMode));
    o.line('skip_check_adv_addr', bool(vi.skipCheckAdvAddr));
    o.line('garp_master_delay', vi.garpMasterDelayMs / 1000);
    o.line('garp_master_repeat', vi.garpMasterRepeat);
    o.line('garp_master_refresh', vi.garpMasterRefreshMs / 1000);
    o.line('garp_master_refresh_repeat', vi.garpMasterRefreshRepeat);
    o.line('garp_lower_prio_delay', vi.garpLowerPrioDelayMs / 1000);
    o.line('garp_lower_prio_repeat', vi.garpLowerPrioRepeat);
    o.line('down_timer_adverts', vi.downTimerAdverts);
    dumpNotify(o, vi.notify);
    o.line('smtp_alert', bool(vi.smtpAlert));
  });
}

function vsHead(vs: VirtualServer): string {
  const k = vs.key;
  return k.kind === 'ip' ? `virtual_server ${k.address} ${k.port}` : k.kind === 'fwmark' ? `virtual_server fwmark ${k.fwmark}` : `virtual_server group ${q(k.group)}`;
}

function dumpVirtualServer(o: Out, vs: VirtualServer): void {
  o.block(vsHead(vs), () => {
    o.line('delay_loop', secs(vs.delayLoopMs));
    o.line('lb_algo', vs.lbAlgo);
    o.line('lb_kind', vs.lbKind);
    if (vs.key.kind !== 'fwmark' || vs.protocol !== 'TCP') o.line('protocol', vs.protocol);
    if (vs.persistenceTimeoutS > 0) o.line('persistence_timeout', vs.persistenceTimeoutS);
    if (vs.persistenceGranularity !== null) o.line('persistence_granularity', vs.persistenceGranularity);
    o.line('connect_timeout', secs(vs.connectTimeoutMs));
    o.line('weight', vs.weight);
    o.line('inhibit_on_failure', bool(vs.inhibitOnFailure));
    o.line('alpha', bool(vs.alpha));
    o.line('omega', bool(vs.omega));
    o.line('quorum', vs.quorum);
    o.line('hysteresis', vs.hysteresis);
    if (vs.quorumUp) o.line('quorum_up', script(vs.quorumUp));
    if (vs.quorumDown) o.line('quorum_down', script(vs.quorumDown));
    if (vs.sorryServer) o.line('sorry_server', vs.sorryServer.address, ...(vs.sorryServer.port ? [vs.sorryServer.port] : []));
    o.line('sorry_server_inhibit', bool(vs.sorryServerInhibit));
    o.line('ha_suspend', bool(vs.haSuspend));
    o.line('ops', bool(vs.ops));
    if (vs.virtualhost !== null) o.line('virtualhost', q(vs.virtualhost));
    o.line('smtp_alert', bool(vs.smtpAlert));
    for (const rs of vs.realServers) dumpRealServer(o, rs);
  });
}

function dumpRealServer(o: Out, rs: RealServer): void {
  o.block(`real_server ${rs.address} ${rs.port}`, () => {
    o.line('weight', rs.weight);
    o.line('lvs_method', rs.lbKind);
    o.line('inhibit_on_failure', bool(rs.inhibitOnFailure));
    if (rs.notifyUp) o.line('notify_up', script(rs.notifyUp));
    if (rs.notifyDown) o.line('notify_down', script(rs.notifyDown));
    o.line('smtp_alert', bool(rs.smtpAlert));
    o.line('uthreshold', rs.uthreshold);
    o.line('lthreshold', rs.lthreshold);
    for (const c of rs.checkers) dumpChecker(o, c);
  });
}

function dumpChecker(o: Out, c: Checker): void {
  o.block(c.type, () => {
    if (c.type === 'MISC_CHECK') {
      if (c.miscPath) o.line('misc_path', sq(c.miscPath.cmd));
      if (c.miscPath?.user) o.line('user', sq(c.miscPath.user), ...(c.miscPath.group ? [sq(c.miscPath.group)] : []));
      if (c.miscTimeoutMs !== null) o.line('misc_timeout', secs(c.miscTimeoutMs));
      if (c.miscDynamic) o.line('misc_dynamic');
    } else {
      if (c.connectIp !== null) o.line('connect_ip', c.connectIp);
      if (c.connectPort !== null) o.line('connect_port', c.connectPort);
      if (c.bindto !== null) o.line('bindto', c.bindto);
      if (c.bindPort !== null) o.line('bind_port', c.bindPort);
      if (c.bindIf !== null) o.line('bind_if', c.bindIf);
      o.line('connect_timeout', secs(c.connectTimeoutMs));
    }
    o.line('retry', c.retry);
    o.line('delay_before_retry', secs(c.delayBeforeRetryMs));
    o.line('delay_loop', secs(c.delayLoopMs));
    o.line('warmup', secs(c.warmupMs));
    o.line('alpha', bool(c.alpha));
    o.line('log_all_failures', bool(c.logAllFailures));
    for (const u of c.urls) {
      o.block('url', () => {
        o.line('path', q(u.path));
        if (u.digest !== null) o.line('digest', u.digest);
        if (u.statusCodes.length) o.line('status_code', ...u.statusCodes.map((s) => (s.from === s.to ? String(s.from) : `${s.from}-${s.to}`)));
        if (u.virtualhost !== null) o.line('virtualhost', q(u.virtualhost));
      });
    }
    if (c.httpProtocol !== null) o.line('http_protocol', c.httpProtocol);
    if (c.virtualhost !== null) o.line('virtualhost', q(c.virtualhost));
  });
}
