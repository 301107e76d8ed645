/** global_defs keywords (keepalived-features.md §2.1-§2.3). */
import { formatIp, parseIp } from '../../common/ip.js';
import type { GlobalDefs } from '../model.js';
import { type BlockLocs, recognised, section, type KwDef } from './spec.js';
import { CODES, missingParameter } from './walk.js';

export interface GlobalDraft extends GlobalDefs { locs: BlockLocs }

export const defaultGlobalDefs = (): GlobalDefs => ({
  routerId: null,
  notificationEmail: [],
  notificationEmailFrom: null,
  smtpServer: null,
  smtpConnectTimeoutMs: 30_000,
  smtpHeloName: null,
  smtpAlert: null,
  smtpAlertVrrp: null,
  smtpAlertChecker: null,
  noEmailFaults: false,
  checkerLogAllFailures: false,
  vrrpMcastGroup4: '224.0.0.18',
  vrrpMcastGroup6: 'ff02::12',
  vrrpVersion: 2,
  vrrpGarpMasterDelayMs: 5000,
  vrrpGarpMasterRepeat: 5,
  vrrpGarpMasterRefreshMs: 0,
  vrrpGarpMasterRefreshRepeat: 1,
  vrrpGarpLowerPrioDelayMs: null,
  vrrpGarpLowerPrioRepeat: null,
  vrrpGarpIntervalMs: 0,
  vrrpGnaIntervalMs: 0,
  vrrpMinGarp: false,
  vrrpDownTimerAdverts: 3,
  vrrpLowerPrioNoAdvert: null,
  vrrpHigherPrioSendAdvert: false,
  vrrpSkipCheckAdvAddr: false,
  vrrpStrict: false,
  vrrpCheckUnicastSrc: false,
  v3ChecksumAsV2: false,
  dynamicInterfaces: false,
  scriptUser: null,
  enableScriptSecurity: false,
  reloadCheckConfig: false,
  lvsFlush: false,
  lvsSyncDaemon: null,
});

type K = KwDef<GlobalDraft>;
const globalBool = (name: string, doc: string, set: (g: GlobalDraft, b: boolean) => void, dflt = 'off'): K =>
  ({ kind: 'bool', support: 'supported', doc, dflt, set: (g, b) => set(g, b),
    badMsg: (raw) => `Invalid value '${raw}' for global ${name} specified` });
const garpSecs = (doc: string, dflt: string, set: (g: GlobalDraft, ms: number) => void): K =>
  ({ kind: 'uint', support: 'supported', doc, dflt, min: 0, max: 2_147_483, set: (g, s) => set(g, s * 1000) });
const count = (doc: string, dflt: string, min: number, set: (g: GlobalDraft, n: number) => void): K =>
  ({ kind: 'uint', support: 'supported', doc, dflt, min, max: 2_147_483_647, set: (g, n) => set(g, n) });
const ipWord = (family: 4 | 6, doc: string, dflt: string, set: (g: GlobalDraft, a: string) => void): K => ({
  kind: 'word', support: 'supported', doc, dflt,
  set: (g, w, node, ctx) => {
    const ip = parseIp(w);
    if (!ip || ip.family !== family) { ctx.error(node.argAt[0] ?? node.at, CODES.invalidValue, `${node.keyword} '${w}' is invalid`); return; }
    set(g, formatIp(ip.bytes));
  },
});
const interval = (name: string, set: (g: GlobalDraft, ms: number) => void): K => ({
  kind: 'timer', support: 'supported', minS: 0.000001, maxS: 4294.967295, dflt: '0 (no spacing)',
  doc: `minimum gap between ${name.includes('gna') ? 'unsolicited NA' : 'gratuitous ARP'} packets on an interface`,
  set: (g, ms) => set(g, ms), badMsg: (raw) => `${name} '${raw}' is invalid`,
});

const P2 = (doc: string): K => recognised<GlobalDraft>(doc);

export const globalDefsSection = section<GlobalDraft>('global_defs', {
  router_id: { kind: 'word', support: 'supported', doc: 'node name in mail subjects and logs', dflt: 'host name', set: (g, w) => { g.routerId = w; } },
  notification_email: {
    kind: 'lines', support: 'supported', doc: 'alert recipients, one or more per line', dflt: 'none',
    line: (g, l) => { g.notificationEmail.push(l.keyword, ...l.args); return true; },
  },
  notification_email_from: { kind: 'word', support: 'supported', doc: 'From: of alert mails', dflt: '<user>@<host>', set: (g, w) => { g.notificationEmailFrom = w; } },
  smtp_server: {
    kind: 'words', support: 'supported', doc: 'SMTP relay HOST [PORT]', dflt: 'unset; port 25',
    set: (g, words, node, ctx) => {
      const host = words[0];
      if (host === undefined) { missingParameter(node, ctx); return; }
      const port = words[1] === undefined ? 25 : Number(words[1]);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        ctx.error(node.argAt[1] ?? node.at, CODES.invalidValue, `Invalid SMTP server port '${words[1]}'`);
        return;
      }
      g.smtpServer = { host: parseIp(host) ? formatIp(parseIp(host)!.bytes) : host, port };
    },
  },
  smtp_connect_timeout: {
    kind: 'uint', support: 'supported', doc: 'SMTP connect and reply timeout (s)', dflt: '30', min: 0, max: 2_147_483,
    set: (g, s, node, ctx) => {
      if (s === 0) { ctx.error(node.at, CODES.invalidValue, 'smtp_connect_timeout must be greater than 0, setting to 1'); s = 1; }
      g.smtpConnectTimeoutMs = s * 1000;
    },
  },
  smtp_helo_name: { kind: 'word', support: 'supported', doc: 'name sent in HELO', dflt: 'host name', set: (g, w) => { g.smtpHeloName = w; } },
  smtp_alert: globalBool('smtp_alert', 'default for every smtp_alert', (g, b) => { g.smtpAlert = b; }, 'unset'),
  smtp_alert_vrrp: globalBool('smtp_alert_vrrp', 'default smtp_alert for VRRP', (g, b) => { g.smtpAlertVrrp = b; }, 'unset'),
  smtp_alert_checker: globalBool('smtp_alert_checker', 'default smtp_alert for checkers', (g, b) => { g.smtpAlertChecker = b; }, 'unset'),
  no_email_faults: globalBool('no_email_faults', 'no mail for FAULT transitions', (g, b) => { g.noEmailFaults = b; }),
  no_checker_emails: P2('mail only when a real server is added/removed'),
  checker_log_all_failures: globalBool('checker_log_all_failures', 'log every failed check', (g, b) => { g.checkerLogAllFailures = b; }),
  vrrp_mcast_group4: ipWord(4, 'IPv4 advert destination', '224.0.0.18', (g, a) => { g.vrrpMcastGroup4 = a; }),
  vrrp_mcast_group6: ipWord(6, 'IPv6 advert destination', 'ff02::12', (g, a) => { g.vrrpMcastGroup6 = a; }),
  vrrp_version: { kind: 'uint', support: 'supported', doc: 'default VRRP version', dflt: '2', min: 2, max: 3, set: (g, v) => { g.vrrpVersion = v as 2 | 3; }, badMsg: () => 'VRRP Error: Version must be either 2 or 3' },
  vrrp_garp_master_delay: garpSecs('delay before the 2nd GARP burst (s)', '5', (g, ms) => { g.vrrpGarpMasterDelayMs = ms; }),
  vrrp_garp_master_repeat: count('GARPs per VIP per burst', '5', 0, (g, n) => { g.vrrpGarpMasterRepeat = Math.max(1, n); }),
  vrrp_garp_master_refresh: garpSecs('periodic GARP while master (s, 0 = off)', '0', (g, ms) => { g.vrrpGarpMasterRefreshMs = ms; }),
  vrrp_garp_master_refresh_repeat: count('GARPs per refresh', '1', 0, (g, n) => { g.vrrpGarpMasterRefreshRepeat = Math.max(1, n); }),
  vrrp_garp_lower_prio_delay: garpSecs('GARP delay on a lower-priority advert (s)', '= master delay', (g, ms) => { g.vrrpGarpLowerPrioDelayMs = ms; }),
  vrrp_garp_lower_prio_repeat: count('GARPs on a lower-priority advert', '= master repeat', 0, (g, n) => { g.vrrpGarpLowerPrioRepeat = n; }),
  vrrp_garp_interval: interval('vrrp_garp_interval', (g, ms) => { g.vrrpGarpIntervalMs = ms; }),
  vrrp_gna_interval: interval('vrrp_gna_interval', (g, ms) => { g.vrrpGnaIntervalMs = ms; }),
  vrrp_min_garp: globalBool('vrrp_min_garp', 'one GARP, no 2nd burst, no refresh', (g, b) => { g.vrrpMinGarp = b; }),
  vrrp_garp_extra_if: P2('periodic GARPs on other VIP interfaces'),
  vrrp_vmac_garp_intvl: P2('deprecated name of vrrp_garp_extra_if'),
  vrrp_down_timer_adverts: { kind: 'uint', support: 'supported', doc: 'adverts missed before master-down', dflt: '3', min: 1, max: 100, set: (g, n) => { g.vrrpDownTimerAdverts = n; } },
  vrrp_lower_prio_no_advert: globalBool('vrrp_lower_prio_no_advert', 'do not answer a lower-priority advert', (g, b) => { g.vrrpLowerPrioNoAdvert = b; }, 'false (true if strict)'),
  vrrp_higher_prio_send_advert: globalBool('vrrp_higher_prio_send_advert', 'advert before yielding to a higher priority', (g, b) => { g.vrrpHigherPrioSendAdvert = b; }, 'false'),
  vrrp_skip_check_adv_addr: globalBool('vrrp_skip_check_adv_addr', 'skip the VIP-list check for the current master', (g, b) => { g.vrrpSkipCheckAdvAddr = b; }),
  vrrp_strict: globalBool('vrrp_strict', 'RFC strict mode', (g, b) => { g.vrrpStrict = b; }),
  vrrp_check_unicast_src: globalBool('vrrp_check_unicast_src', 'drop unicast adverts not from a unicast_peer', (g, b) => { g.vrrpCheckUnicastSrc = b; }),
  v3_checksum_as_v2: globalBool('v3_checksum_as_v2', 'VRRPv3/IPv4 checksum without pseudo-header', (g, b) => { g.v3ChecksumAsV2 = b; }),
  vrrp_owner_ignore_adverts: P2('address owner drops received adverts'),
  ...Object.fromEntries(['vrrp', 'checker', 'bfd'].flatMap((p) => [
    [`${p}_priority`, P2(`${p} process nice value`)], [`${p}_no_swap`, P2(`lock ${p} process memory`)],
    [`${p}_rt_priority`, P2(`${p} realtime priority`)], [`${p}_cpu_affinity`, P2(`${p} CPU affinity`)],
    [`${p}_rlimit_rttime`, P2(`${p} RLIMIT_RTTIME`)],
  ])),
  vrrp_rlimit_rtime: P2('deprecated name of vrrp_rlimit_rttime'),
  max_auto_priority: P2('cap on automatic realtime priority'),
  min_auto_priority_delay: P2('scheduling delay that raises priority'),
  vrrp_startup_delay: P2('hold VRRP at start-up'),
  vrrp_delay_after_boot: P2('hold VRRP after boot'),
  vrrp_iptables: P2('iptables chains for no_accept'),
  vrrp_ipsets: P2('ipsets for no_accept'),
  nftables: P2('nftables table for no_accept'),
  nftables_priority: P2('nftables chain priority'),
  nftables_ifindex: P2('nftables use ifindex'),
  nftables_counters: P2('nftables rule counters'),
  disable_local_igmp: P2('no IGMP for VMAC'),
  vrrp_notify_fifo: P2('VRRP event FIFO'),
  vrrp_notify_fifo_script: P2('script reading the VRRP FIFO'),
  notify_fifo: P2('event FIFO'),
  notify_fifo_script: P2('script reading the event FIFO'),
  vrrp_notify_priority_changes: P2('FIFO events for priority changes'),
  fifo_write_vrrp_states_on_reload: P2('write states to the FIFO on reload'),
  ...Object.fromEntries(['vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_monitor_rcv_bufs', 'process_monitor_rcv_bufs',
    'lvs_netlink_cmd_rcv_bufs', 'lvs_netlink_monitor_rcv_bufs'].flatMap((k) => [[k, P2('socket buffer size')], [`${k}_force`, P2('force socket buffer size')]])),
  vrrp_rx_bufs_policy: P2('VRRP receive buffer policy'),
  vrrp_rx_bufs_multiplier: P2('VRRP receive buffer multiplier'),
  dynamic_interfaces: {
    kind: 'words', support: 'supported', doc: 'allow interfaces missing at start-up', dflt: 'off',
    set: (g) => { g.dynamicInterfaces = true; },
  },
  default_interface: P2('interface for static addresses without dev'),
  log_unknown_vrids: P2('log adverts for unknown VRIDs'),
  vmac_prefix: P2('VMAC interface name prefix'),
  vmac_addr_prefix: P2('VMAC address prefix'),
  linkbeat_use_polling: P2('poll link state'),
  script_user: {
    kind: 'words', support: 'supported', doc: 'default user [group] for scripts', dflt: 'keepalived_script, else root',
    set: (g, words, node, ctx) => {
      const user = words[0];
      if (user === undefined) { missingParameter(node, ctx); return; }
      g.scriptUser = { user, group: words[1] ?? null };
    },
  },
  enable_script_security: globalBool('enable_script_security', 'refuse unsafe root scripts', (g, b) => { g.enableScriptSecurity = b; }),
  startup_script: P2('script run at start-up'),
  startup_script_timeout: P2('start-up script timeout'),
  shutdown_script: P2('script run at shutdown'),
  shutdown_script_timeout: P2('shutdown script timeout'),
  process_names: P2('set process names'),
  process_name: P2('parent process name'),
  vrrp_process_name: P2('VRRP process name'),
  checker_process_name: P2('checker process name'),
  lvs_process_name: P2('deprecated name of checker_process_name'),
  bfd_process_name: P2('BFD process name'),
  use_symlink_paths: P2('keep symlinks in script paths'),
  set_supplementary_groups: P2('supplementary groups for scripts'),
  umask: P2('file creation mask'),
  tmp_config_directory: P2('directory for the config copy'),
  config_save_dir: P2('directory to save configs'),
  data_use_instance: P2('instance name in dump files'),
  state_dump_file: P2('SIGUSR1 dump path'),
  stats_dump_file: P2('SIGUSR2 dump path'),
  json_dump_file: P2('JSON dump path'),
  json_version: P2('JSON dump version'),
  iproute_usr_dir: P2('iproute2 tables directory'),
  iproute_etc_dir: P2('iproute2 tables directory'),
  reload_check_config: {
    kind: 'words', support: 'supported', doc: 'config test before applying SIGHUP [LOGFILE]', dflt: 'off',
    set: (g) => { g.reloadCheckConfig = true; },
  },
  reload_time_file: P2('scheduled reload file'),
  reload_repeat: P2('repeat scheduled reload'),
  reload_file: P2('reload handshake file'),
  rs_init_notifies: P2('notify_up for real servers at start-up'),
  lvs_timeouts: P2('IPVS connection timeouts'),
  lvs_flush: globalBool('lvs_flush', 'flush IPVS at start-up', (g, b) => { g.lvsFlush = b; }),
  lvs_flush_on_stop: P2('flush IPVS at shutdown'),
  lvs_flush_onstop: P2('deprecated name of lvs_flush_on_stop'),
  lvs_sync_daemon: {
    kind: 'words', support: 'supported', doc: 'IPVS connection sync daemon following a vrrp_instance: IF INSTANCE [id N] [maxlen N] [port N] [ttl N] [group IP]', dflt: 'off',
    set: (g, words, node, ctx) => {
      const [ifname, instance, ...opts] = words;
      if (ifname === undefined || instance === undefined) { missingParameter(node, ctx); return; }
      const d: NonNullable<GlobalDefs['lvsSyncDaemon']> = { interface: ifname, instance, syncId: null, maxLen: null, port: null, ttl: null, group: null };
      const limits = { id: [0, 255], maxlen: [1, 65507], port: [1, 65535], ttl: [1, 255] } as const;
      for (let i = 0; i < opts.length; i += 2) {
        const key = opts[i]!, value = opts[i + 1];
        const keyAt = node.argAt[i + 2] ?? node.at;
        const at = node.argAt[i + 3] ?? keyAt; // point at the bad value
        if (value === undefined) { ctx.error(keyAt, CODES.invalidValue, `lvs_sync_daemon ${key} needs a value`); return; }
        if (key === 'group') {
          const ip = parseIp(value);
          if (!ip) { ctx.error(at, CODES.invalidValue, `Invalid lvs_sync_daemon group '${value}'`); return; }
          d.group = formatIp(ip.bytes);
          continue;
        }
        const range = limits[key as keyof typeof limits];
        const n = Number(value);
        if (!range) { ctx.error(keyAt, CODES.invalidValue, `Unknown lvs_sync_daemon option '${key}'`); return; }
        if (!/^\d+$/.test(value) || n < range[0] || n > range[1]) { ctx.error(at, CODES.invalidValue, `Invalid lvs_sync_daemon ${key} '${value}'`); return; }
        if (key === 'id') d.syncId = n; else if (key === 'maxlen') d.maxLen = n; else if (key === 'port') d.port = n; else d.ttl = n;
      }
      g.lvsSyncDaemon = d;
    },
  },
  nftables_ipvs: P2('nftables auto-fwmark for groups'),
  nftables_ipvs_priority: P2('nftables ipvs priority'),
  nftables_ipvs_start_fwmark: P2('first auto fwmark'),
  snmp_socket: P2('AgentX socket'),
  enable_traps: P2('SNMP traps'),
  enable_snmp_vrrp: P2('SNMP VRRP MIB'),
  enable_snmp_keepalived: P2('deprecated name of enable_snmp_vrrp'),
  enable_snmp_checker: P2('SNMP checker MIB'),
  enable_snmp_rfc: P2('SNMP RFC MIBs'),
  enable_snmp_rfcv2: P2('SNMP RFC 2787 MIB'),
  enable_snmp_rfcv3: P2('SNMP RFC 6527 MIB'),
  snmp_vs_stats_update_interval: P2('SNMP VS stats interval'),
  snmp_rs_stats_update_interval: P2('SNMP RS stats interval'),
  enable_dbus: P2('DBus interface'),
  dbus_service_name: P2('DBus service name'),
  dbus_no_interface_name: P2('DBus interface name'),
  include_check: P2('default include strictness'),
  random_seed: P2('seed for ${_RANDOM}'),
});
