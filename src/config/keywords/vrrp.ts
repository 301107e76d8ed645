/** vrrp_instance, vrrp_script and vrrp_sync_group keywords (keepalived-features.md §3). */
import { formatIp, parseIp, parsePrefix } from '../../common/ip.js';
import type { ConfNode } from '../ast.js';
import type {
  GlobalDefs, NotifyScripts, ScriptRef, SyncGroup, TrackedInterface, TrackedScript, VirtualIp, VrrpInstance, VrrpScript,
} from '../model.js';
import { ConfigErrClass } from '../diagnostics.js';
import { parseInteger } from '../values.js';
import { type BlockLocs, type Ctx, type KwDef, newLocs, recognised, recognisedBlock, section } from './spec.js';
import { routeLines, ruleLines } from './routes.js';
import { CODES, missingParameter } from './walk.js';

/** Instance draft: the model plus what was explicitly written (defaults resolve at the end). */
export interface InstanceDraft extends VrrpInstance {
  locs: BlockLocs;
  stateSet: boolean;
  prioritySet: boolean;
  versionSet: boolean;
  advertIntSet: boolean;
  smtpAlertSet: boolean | null;
  accept: boolean | null;
  strictModeSet: boolean | null;
  auth: { type: 'PASS' | 'AH' | null; pass: string | null } | null;
  /** Interface names referenced by non-modelled lines (virtual_routes…): checked by validate. */
  otherIfRefs: { name: string; what: string; at: ConfNode['at'] }[];
}

export interface ScriptDraft extends VrrpScript {
  locs: BlockLocs;
  timeoutSet: boolean;
  /** `user` may come before or after `script`: applied at the end. */
  user: { user: string; group: string | null } | null;
}
export interface SyncGroupDraft extends Omit<SyncGroup, 'smtpAlert'> { locs: BlockLocs; smtpAlert: boolean | null }

export const emptyNotify = (): NotifyScripts => ({ master: null, backup: null, fault: null, stop: null, deleted: null, any: null });

/** Instance defaults; GARP settings come from global_defs as it stands when the block opens (§1.4). */
export function newInstance(name: string, at: ConfNode['at'], g: GlobalDefs): InstanceDraft {
  return {
    name, state: 'BACKUP', interface: null, virtualRouterId: null, priority: 100, advertIntMs: 1000, version: g.vrrpVersion,
    authentication: null, virtualIpaddresses: [], virtualIpaddressesExcluded: [], unicastSrcIp: null, unicastPeers: [],
    mcastDstIp: null, trackInterfaces: [], trackScripts: [], dontTrackPrimary: false, nopreempt: false, preemptDelayMs: 0,
    accept: null, strictMode: g.vrrpStrict, skipCheckAdvAddr: g.vrrpSkipCheckAdvAddr,
    garpMasterDelayMs: g.vrrpGarpMasterDelayMs, garpMasterRepeat: g.vrrpGarpMasterRepeat,
    garpMasterRefreshMs: g.vrrpGarpMasterRefreshMs, garpMasterRefreshRepeat: g.vrrpGarpMasterRefreshRepeat,
    garpLowerPrioDelayMs: g.vrrpGarpLowerPrioDelayMs ?? g.vrrpGarpMasterDelayMs,
    garpLowerPrioRepeat: g.vrrpGarpLowerPrioRepeat ?? g.vrrpGarpMasterRepeat,
    downTimerAdverts: g.vrrpDownTimerAdverts, notify: emptyNotify(), smtpAlert: false,
    locs: newLocs(at), stateSet: false, prioritySet: false, versionSet: false, advertIntSet: false, smtpAlertSet: null,
    strictModeSet: null, auth: null, otherIfRefs: [],
  };
}

const VIP_FLAGS = new Set(['home', '-nodad', 'nodad', 'mngtmpaddr', 'noprefixroute', 'autojoin', 'use_vmac']);
const VIP_OPTS = new Set(['brd', 'dev', 'scope', 'label', 'peer', 'preferred_lft']);

/** One `virtual_ipaddress` line: `ADDR[/LEN] [brd X] [dev IF] [scope S] [label L] …`. */
export function parseVipLine(line: ConfNode, ctx: Ctx): VirtualIp | null {
  const words = [line.keyword, ...line.args];
  const p = parsePrefix(words[0]!);
  if (!p) {
    ctx.error(line.at, CODES.invalidValue, `VRRP parsed invalid IP ${words[0]}. skipping IP...`);
    return null;
  }
  const vip: VirtualIp = { address: formatIp(p.bytes), prefix: p.prefix, dev: null, label: null, brd: null, scope: null, noTrack: false };
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'no_track') { vip.noTrack = true; continue; }
    if (VIP_FLAGS.has(w)) continue;
    if (VIP_OPTS.has(w)) {
      const v = words[i + 1];
      if (v === undefined) { ctx.error(line.at, CODES.invalidValue, `No value specified for ${w} in address ${words[0]}`); break; }
      i++;
      if (w === 'dev') vip.dev = v;
      else if (w === 'label') vip.label = v;
      else if (w === 'brd') vip.brd = v;
      else if (w === 'scope') vip.scope = v;
      continue;
    }
    ctx.error(line.at, CODES.invalidValue, `Unknown configuration entry '${w}' for ip address - ignoring`);
  }
  return vip;
}

function parseTrackInterface(line: ConfNode, ctx: Ctx, owner: string): TrackedInterface | null {
  const t: TrackedInterface = { name: line.keyword, weight: 0, reverse: false };
  if (line.args[0] === 'weight') {
    const w = trackWeight(line, line.args[1], ctx, `(${owner}) weight ${line.args[1] ?? ''} for ${line.keyword} must be between [-253..253] inclusive. Ignoring...`);
    if (w === null) return t;
    t.weight = w;
    if (line.args[2] === 'reverse') t.reverse = true;
  }
  return t;
}

/** Tracker weights: keepalived reads [-254, 254] then insists on [-253, 253]. */
function trackWeight(line: ConfNode, raw: string | undefined, ctx: Ctx, msg: string): number | null {
  if (raw === undefined) { ctx.error(line.at, CODES.invalidValue, msg); return null; }
  const r = parseInteger(raw, -254, 254);
  if (!r.ok) {
    ctx.report(line.at, ConfigErrClass.INVALID_NUMBER, r.msg.startsWith('number') ? CODES.range : CODES.invalidNumber, r.msg);
    ctx.error(line.at, CODES.range, msg);
    return null;
  }
  if (Math.abs(r.value) > 253) { ctx.error(line.at, CODES.range, msg); return null; }
  return r.value;
}

function parseTrackScript(line: ConfNode, ctx: Ctx, owner: string): TrackedScript {
  const t: TrackedScript = { name: line.keyword, weight: null, reverse: null };
  for (let i = 0; i < line.args.length; i++) {
    const w = line.args[i]!;
    if (w === 'weight') {
      const n = trackWeight(line, line.args[++i], ctx, `(${owner}) track script ${line.keyword}: weight must be between [-253..253] inclusive, ignoring...`);
      if (n !== null) t.weight = n;
    } else if (w === 'reverse') t.reverse = true;
    else if (w === 'noreverse') t.reverse = false;
  }
  return t;
}

type Notifiable = { notify: NotifyScripts };
const notifyKw = <T extends Notifiable>(slot: keyof NotifyScripts, doc: string): KwDef<T> =>
  ({ kind: 'script', support: 'supported', doc, dflt: 'none', set: (t, s: ScriptRef) => { t.notify[slot] = s; } });

type I = KwDef<InstanceDraft>;
const P2 = (doc: string): I => recognised<InstanceDraft>(doc);
const bool = (doc: string, dflt: string, set: (d: InstanceDraft, b: boolean) => void): I =>
  ({ kind: 'bool', support: 'supported', doc, dflt, set: (d, b) => set(d, b) });
const garpSecs = (doc: string, dflt: string, set: (d: InstanceDraft, ms: number) => void): I =>
  ({ kind: 'uint', support: 'supported', doc, dflt, min: 0, max: 2_147_483, set: (d, s) => set(d, s * 1000) });
const count = (doc: string, dflt: string, set: (d: InstanceDraft, n: number) => void): I =>
  ({ kind: 'uint', support: 'supported', doc, dflt, min: 0, max: 2_147_483_647, set: (d, n) => set(d, n) });
const ipWord = (doc: string, set: (d: InstanceDraft, a: string) => void): I => ({
  kind: 'word', support: 'supported', doc, dflt: 'none',
  set: (d, w, node, ctx) => {
    const ip = parseIp(w);
    if (!ip) { ctx.error(node.argAt[0] ?? node.at, CODES.invalidValue, `(${d.name}) VRRP error: invalid ${node.keyword} ${w}`); return; }
    set(d, formatIp(ip.bytes));
  },
});

export const authSection = section<InstanceDraft & { auth: NonNullable<InstanceDraft['auth']> }>('authentication', {
  auth_type: { kind: 'enum', support: 'supported', doc: 'PASS (simple password) or AH', values: ['PASS', 'AH'],
    badMsg: (raw, d) => `(${d.name}) unknown authentication type '${raw}'`, set: (d, v) => { d.auth.type = v as 'PASS' | 'AH'; } },
  auth_pass: {
    kind: 'word', support: 'supported', doc: 'password (at most 8 characters)',
    set: (d, w, node, ctx) => {
      if (w.length > 8) ctx.warn(node.at, CODES.invalidValue, 'Truncating auth_pass to 8 characters');
      d.auth.pass = w.slice(0, 8);
    },
  },
});

export const instanceSection = section<InstanceDraft>('vrrp_instance', {
  state: {
    kind: 'enum', support: 'supported', doc: 'initial state MASTER|BACKUP', dflt: 'from priority', values: ['MASTER', 'BACKUP'],
    set: (d, v) => { d.state = v as 'MASTER' | 'BACKUP'; d.stateSet = true; },
    badMsg: (raw, d) => `(${d.name}) unknown state '${raw}', defaulting to BACKUP`,
  },
  interface: {
    kind: 'word', support: 'supported', doc: 'interface for adverts and VIPs',
    set: (d, w, node, ctx) => {
      if (w === 'lo') { ctx.error(node.at, CODES.invalidValue, `(${d.name}) cannot use a loopback interface (${w}) for vrrp - ignoring`); return; }
      d.interface = w;
    },
  },
  virtual_router_id: {
    kind: 'uint', support: 'supported', doc: 'VRID (required)', min: 1, max: 255, set: (d, n) => { d.virtualRouterId = n; },
    badMsg: (raw, d) => `(${d.name}): VRID '${raw}' not valid - must be between 1 & 255`,
  },
  priority: {
    kind: 'uint', support: 'supported', doc: 'election priority (255 = owner)', dflt: '100 (255 if state MASTER)', min: 1, max: 255,
    set: (d, n) => { d.priority = n; d.prioritySet = true; },
    badMsg: (_raw, d) => `(${d.name}) Priority not valid! must be between 1 & 255. Using default 100`,
    onBad: (d) => { d.priority = 100; d.prioritySet = true; },
  },
  advert_int: {
    kind: 'timer', support: 'supported', doc: 'advert interval (s)', dflt: '1', minS: 0.01, maxS: 255,
    set: (d, ms) => { d.advertIntMs = ms; d.advertIntSet = true; },
    badMsg: (raw, d) => `(${d.name}) Advert interval (${raw}) not valid! Must be > 0 - ignoring`,
  },
  authentication: {
    kind: 'block', support: 'supported', doc: 'auth_type PASS|AH, auth_pass', dflt: 'none', section: () => authSection,
    open: (d) => { d.auth = { type: null, pass: null }; return d; },
  },
  virtual_ipaddress: {
    kind: 'lines', support: 'supported', doc: 'VIPs carried in adverts (ADDR[/LEN] [dev IF] [label L] [brd B] [scope S])',
    line: (d, l, ctx) => {
      const v = parseVipLine(l, ctx);
      if (!v) return false;
      // Adverts carry one family: the first VIP decides (excluded addresses may mix).
      const first = d.virtualIpaddresses[0];
      if (first && first.address.includes(':') !== v.address.includes(':')) {
        ctx.error(l.at, CODES.invalidValue, `(${d.name}): address family must match VRRP instance [${v.address}] - ignoring`);
        return false;
      }
      d.virtualIpaddresses.push(v);
      return true;
    },
  },
  virtual_ipaddress_excluded: {
    kind: 'lines', support: 'supported', doc: 'addresses moved with mastership but not advertised',
    line: (d, l, ctx) => { const v = parseVipLine(l, ctx); if (v) d.virtualIpaddressesExcluded.push(v); return v !== null; },
  },
  no_virtual_ipaddress: P2('suppress the no-VIP warning'),
  nopreempt: { kind: 'words', support: 'supported', doc: 'do not preempt a lower-priority master', dflt: 'preempt', set: (d) => { d.nopreempt = true; } },
  preempt: { kind: 'words', support: 'supported', doc: 'preempt (default)', set: (d) => { d.nopreempt = false; } },
  preempt_delay: {
    kind: 'timer', support: 'supported', doc: 'delay before preempting (s)', dflt: '0', minS: 0, maxS: 1000,
    set: (d, ms) => { d.preemptDelayMs = ms; },
    badMsg: (_raw, d) => `(${d.name}) Preempt_delay not valid! must be between 0-1000`,
  },
  unicast_src_ip: ipWord('source address of adverts', (d, a) => { d.unicastSrcIp = a; }),
  mcast_src_ip: ipWord('source address of adverts (same as unicast_src_ip)', (d, a) => { d.unicastSrcIp = a; }),
  unicast_peer: {
    kind: 'lines', support: 'supported', doc: 'send adverts unicast to these peers',
    line: (d, l, ctx) => {
      const ip = parseIp(l.keyword);
      if (!ip) { ctx.error(l.at, CODES.invalidValue, `(${d.name}) VRRP parsed invalid IP ${l.keyword}. skipping IP...`); return false; }
      d.unicastPeers.push(formatIp(ip.bytes));
      return true;
    },
  },
  unicast_fault_no_peer: P2('FAULT instead of multicast when no peer'),
  check_unicast_src: P2('drop unicast adverts not from a peer'),
  unicast_ttl: {
    kind: 'uint', support: 'supported', doc: 'TTL / hop limit of unicast adverts', dflt: '255', min: 1, max: 255,
    set: (d, n) => { d.unicastTtl = n; },
    badMsg: (raw, d) => `(${d.name}) invalid unicast_ttl ${raw} (must be 1-255) - ignoring`,
  },
  mcast_dst_ip: ipWord('non-default multicast group', (d, a) => { d.mcastDstIp = a; }),
  track_src_ip: P2('FAULT if the source address disappears'),
  version: {
    kind: 'uint', support: 'supported', doc: 'VRRP version 2|3', dflt: 'vrrp_version (2); 3 for IPv6', min: 2, max: 3,
    set: (d, n) => { d.version = n as 2 | 3; d.versionSet = true; },
  },
  native_ipv6: P2('deprecated: force IPv6'),
  old_unicast_checksum: P2('pre-1.3.6 unicast checksum'),
  v3_checksum_as_v2: P2('VRRPv3/IPv4 checksum without pseudo-header'),
  accept: { kind: 'words', support: 'supported', doc: 'accept traffic to VIPs when not owner', dflt: 'owner or !strict', set: (d) => { d.accept = true; } },
  no_accept: { kind: 'words', support: 'supported', doc: 'drop traffic to VIPs when not owner', set: (d) => { d.accept = false; } },
  strict_mode: bool('RFC strict mode for this instance', 'vrrp_strict', (d, b) => { d.strictMode = b; d.strictModeSet = b; }),
  skip_check_adv_addr: bool('skip the VIP-list check for the current master', 'vrrp_skip_check_adv_addr', (d, b) => { d.skipCheckAdvAddr = b; }),
  dont_track_primary: { kind: 'words', support: 'supported', doc: 'ignore faults of the own interface', dflt: 'off', set: (d) => { d.dontTrackPrimary = true; } },
  track_interface: {
    kind: 'lines', support: 'supported', doc: 'IF [weight -253..253 [reverse]]',
    line: (d, l, ctx) => { const t = parseTrackInterface(l, ctx, d.name); if (t) d.trackInterfaces.push(t); return t !== null; },
  },
  track_script: {
    kind: 'lines', support: 'supported', doc: 'NAME [weight -253..253] [reverse|noreverse]',
    line: (d, l, ctx) => { d.trackScripts.push(parseTrackScript(l, ctx, d.name)); return true; },
  },
  track_file: recognisedBlock('attach track_file(s)'),
  track_process: recognisedBlock('attach vrrp_track_process(es)'),
  track_bfd: recognisedBlock('attach bfd_instance(s)'),
  notify_master: notifyKw('master', 'script on MASTER'),
  notify_backup: notifyKw('backup', 'script on BACKUP'),
  notify_fault: notifyKw('fault', 'script on FAULT'),
  notify_stop: notifyKw('stop', 'script on STOP'),
  notify_deleted: notifyKw('deleted', 'script on DELETED'),
  notify: notifyKw('any', 'script on every transition (+ INSTANCE name STATE prio)'),
  notify_master_rx_lower_pri: P2('script when master hears a lower priority'),
  notify_priority_changes: P2('FIFO events for priority changes'),
  smtp_alert: bool('mail on state changes', 'smtp_alert_vrrp, smtp_alert, false', (d, b) => { d.smtpAlertSet = b; }),
  garp_master_delay: garpSecs('delay before the 2nd GARP burst (s)', 'vrrp_garp_master_delay', (d, ms) => { d.garpMasterDelayMs = ms; }),
  garp_master_repeat: count('GARPs per VIP per burst', 'vrrp_garp_master_repeat', (d, n) => { d.garpMasterRepeat = Math.max(1, n); }),
  garp_master_refresh: garpSecs('periodic GARP while master (s)', 'vrrp_garp_master_refresh', (d, ms) => { d.garpMasterRefreshMs = ms; }),
  garp_master_refresh_repeat: count('GARPs per refresh', 'vrrp_garp_master_refresh_repeat', (d, n) => { d.garpMasterRefreshRepeat = Math.max(1, n); }),
  garp_lower_prio_delay: garpSecs('GARP delay on a lower-priority advert (s)', 'vrrp_garp_lower_prio_delay', (d, ms) => { d.garpLowerPrioDelayMs = ms; }),
  garp_lower_prio_repeat: count('GARPs on a lower-priority advert', 'vrrp_garp_lower_prio_repeat', (d, n) => { d.garpLowerPrioRepeat = n; }),
  garp_extra_if: P2('extra-interface GARPs'),
  vmac_garp_intvl: P2('deprecated name of garp_extra_if'),
  down_timer_adverts: { kind: 'uint', support: 'supported', doc: 'adverts missed before master-down', dflt: 'vrrp_down_timer_adverts', min: 1, max: 100, set: (d, n) => { d.downTimerAdverts = n; } },
  lower_prio_no_advert: P2('do not answer a lower-priority advert'),
  higher_prio_send_advert: P2('advert before yielding'),
  owner_ignore_adverts: P2('address owner drops adverts'),
  timer_expired_backup: P2('revert to backup after a stall'),
  thread_timer_expired: P2('alias of timer_expired_backup'),
  use_vmac: P2('virtual MAC interface'),
  use_vmac_addr: P2('VMAC address on the base interface'),
  vmac_xmit_base: P2('send from the base interface'),
  use_ipvlan: P2('ipvlan interface'),
  vrf: P2('VRF'),
  virtual_routes: routeLines<InstanceDraft>('routes moved with mastership'),
  virtual_rules: ruleLines<InstanceDraft>('policy rules moved with mastership'),
  promote_secondaries: P2('promote_secondaries on the interface'),
  kernel_rx_buf_size: P2('receive buffer size'),
  linkbeat_use_polling: P2('deprecated here'),
  debug: P2('not implemented upstream'),
  auth_hmac: recognisedBlock('HMAC-SHA256 advert trailer'),
  lvs_sync_daemon_interface: {
    kind: 'words', support: 'recognised', doc: 'deprecated per-instance sync daemon',
    set: (d, _w, node, ctx) => ctx.report(node.at, 15, CODES.deprecated,
      `(${d.name}) Specifying lvs_sync_daemon_interface against a vrrp is deprecated. Please use global lvs_sync_daemon`),
  },
});

type S = KwDef<ScriptDraft>;
export const newScript = (name: string, at: ConfNode['at']): ScriptDraft => ({
  name, script: null, intervalMs: 1000, timeoutMs: 1000, weight: 0, weightReverse: false, rise: 1, fall: 1, initFail: false,
  locs: newLocs(at), timeoutSet: false, user: null,
});

export const scriptSection = section<ScriptDraft>('vrrp_script', {
  // keepalived reads only the command here; the user comes from the `user` keyword.
  script: { kind: 'script', whole: true, support: 'supported', doc: 'command; exit 0 = OK', set: (d, s) => { d.script = s; } },
  interval: {
    kind: 'uint', support: 'supported', doc: 'run interval (whole s)', dflt: '1', min: 0, max: 4294,
    set: (d, n, node, ctx) => {
      if (n === 0) { ctx.error(node.at, CODES.range, `(${d.name}): vrrp script interval '0' must be between 1 and 4294 - ignoring`); return; }
      d.intervalMs = n * 1000;
    },
    badMsg: (raw, d) => `(${d.name}): vrrp script interval '${raw}' must be between 1 and 4294 - ignoring`,
  },
  timeout: {
    kind: 'uint', support: 'supported', doc: 'script timeout (whole s)', dflt: 'interval', min: 0, max: 4294,
    set: (d, n, node, ctx) => {
      if (n === 0) { ctx.error(node.at, CODES.range, `(${d.name}): vrrp script timeout must be greater than 0, setting to 1`); n = 1; }
      d.timeoutMs = n * 1000;
      d.timeoutSet = true;
    },
    badMsg: (raw, d) => `(${d.name}): vrrp script timeout '${raw}' invalid - ignoring`,
  },
  weight: {
    kind: 'words', support: 'supported', doc: 'priority change -253..253 [reverse]', dflt: '0 (failure = FAULT)',
    set: (d, words, node, ctx) => {
      const w = words[0];
      if (w === undefined) { missingParameter(node, ctx); return; }
      const n = Number(w);
      if (!/^-?\d+$/.test(w) || n < -253 || n > 253) {
        ctx.error(node.at, CODES.range, `vrrp_script ${d.name} weight must be between [-253..253] inclusive, ignoring`);
        return;
      }
      d.weight = n;
      d.weightReverse = words[1] === 'reverse';
    },
  },
  rise: { kind: 'uint', support: 'supported', doc: 'successes before OK', dflt: '1', min: 1, max: 2_147_483_647, set: (d, n) => { d.rise = n; } },
  fall: { kind: 'uint', support: 'supported', doc: 'failures before KO', dflt: '1', min: 1, max: 2_147_483_647, set: (d, n) => { d.fall = n; } },
  user: { kind: 'words', support: 'supported', doc: 'run as USER [GROUP]', set: (d, w) => { if (w[0]) d.user = { user: w[0], group: w[1] ?? null }; } },
  init_fail: { kind: 'words', support: 'supported', doc: 'start in failed state', dflt: 'off', set: (d) => { d.initFail = true; } },
} satisfies Record<string, S>);

type G = KwDef<SyncGroupDraft>;
export const newSyncGroup = (name: string, at: ConfNode['at']): SyncGroupDraft => ({
  name, members: [], notify: emptyNotify(), smtpAlert: null, trackInterfaces: [], trackScripts: [], locs: newLocs(at),
});

export const syncGroupSection = section<SyncGroupDraft>('vrrp_sync_group', {
  group: { kind: 'lines', support: 'supported', doc: 'member instances', line: (d, l) => { d.members.push(l.keyword); return true; } },
  track_interface: {
    kind: 'lines', support: 'supported', doc: 'group-level tracked interfaces',
    line: (d, l, ctx) => { const t = parseTrackInterface(l, ctx, d.name); if (t) d.trackInterfaces.push(t); return t !== null; },
  },
  track_script: {
    kind: 'lines', support: 'supported', doc: 'group-level tracked scripts',
    line: (d, l, ctx) => { d.trackScripts.push(parseTrackScript(l, ctx, d.name)); return true; },
  },
  track_file: recognisedBlock('group-level track_file'),
  track_process: recognisedBlock('group-level track_process'),
  track_bfd: recognisedBlock('group-level track_bfd'),
  notify_master: notifyKw('master', 'group script on MASTER'),
  notify_backup: notifyKw('backup', 'group script on BACKUP'),
  notify_fault: notifyKw('fault', 'group script on FAULT'),
  notify_stop: notifyKw('stop', 'group script on STOP'),
  notify: notifyKw('any', 'group script on every transition'),
  smtp_alert: { kind: 'bool', support: 'supported', doc: 'group mails', dflt: 'smtp_alert_vrrp, smtp_alert, false', set: (d, b) => { d.smtpAlert = b; } },
  global_tracking: recognised('deprecated'),
  sync_group_tracking_weight: recognised('allow member tracker weights'),
  notify_priority_changes: recognised('FIFO priority events'),
} satisfies Record<string, G>);

export { missingParameter };
