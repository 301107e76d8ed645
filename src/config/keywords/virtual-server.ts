/** virtual_server, real_server and virtual_server_group keywords (keepalived-features.md §4). */
import { formatIp, parseIp, parsePrefix } from '../../common/ip.js';
import type { ConfNode } from '../ast.js';
import { LB_ALGOS, type CheckerType, type LbAlgo, type LbKind, type Protocol, type ScriptRef, type VirtualServer, type VsGroupEntry, type VsKey } from '../model.js';
import { type CheckerDraft, newChecker, RECOGNISED_CHECKERS, SUPPORTED_CHECKERS } from './checkers.js';
import { addChild, type BlockLocs, type Ctx, type KwDef, newLocs, recognised, recognisedBlock, section } from './spec.js';
import { isCanonicalIPv4 } from '../values.js';
import { CODES, missingParameter } from './walk.js';

export interface RealServerDraft {
  locs: BlockLocs;
  address: string;
  port: number | null;
  weight: number | null;
  lbKind: LbKind | null;
  inhibitOnFailure: boolean | null;
  alpha: boolean | null;
  connectTimeoutMs: number | null;
  retry: number | null;
  delayBeforeRetryMs: number | null;
  warmupMs: number | null;
  delayLoopMs: number | null;
  notifyUp: ScriptRef | null;
  notifyDown: ScriptRef | null;
  smtpAlert: boolean | null;
  uthreshold: number;
  lthreshold: number;
  checkers: CheckerDraft[];
}

/**
 * A virtual_server while its block is read: the model's shape, except that what keepalived
 * defaults only at the end (with a warning) stays null until then, and the inherited checker
 * timings are kept for the real servers.
 */
export type VirtualServerDraft = Omit<VirtualServer, 'lbAlgo' | 'lbKind' | 'protocol' | 'smtpAlert' | 'realServers'> & {
  locs: BlockLocs;
  lbAlgo: LbAlgo | null;
  lbKind: LbKind | null;
  protocol: Protocol | null;
  retry: number | null;
  delayBeforeRetryMs: number | null;
  warmupMs: number | null;
  smtpAlert: boolean | null;
  realServers: RealServerDraft[];
};

export interface VsGroupDraft { locs: BlockLocs; name: string; entries: VsGroupEntry[] }

const MAX_S = 2_147_483;
const LB_KINDS: readonly LbKind[] = ['NAT', 'DR', 'TUN'];

/** `lb_kind`/`lvs_method` words: NAT|DR|TUN [tunnel options] (case-sensitive). */
function lbKindOf(words: string[], node: ConfNode, ctx: Ctx, what: string): LbKind | null {
  const w = words[0];
  if (w === undefined) { missingParameter(node, ctx); return null; }
  if ((LB_KINDS as readonly string[]).includes(w)) return w as LbKind;
  ctx.error(node.argAt[0] ?? node.at, CODES.invalidValue, `PARSER : unknown [${w}] routing method for ${what}.`);
  return null;
}

function portOf(word: string | undefined, node: ConfNode, ctx: Ctx): number | null {
  if (word === undefined) return null;
  if (!/^\d+$/.test(word) || Number(word) > 65535) {
    ctx.error(node.at, CODES.invalidValue, `Invalid port '${word}'`);
    return null;
  }
  return Number(word);
}

/** Opens a `virtual_server IP [PORT] | fwmark N | group NAME` block; null (reported) if the header is bad. */
export function newVirtualServer(node: ConfNode, ctx: Ctx): VirtualServerDraft | null {
  const [a, b] = node.args;
  let key: VsKey;
  if (a === undefined) { missingParameter(node, ctx); return null; }
  if (a === 'fwmark' || a === 'group') {
    if (b === undefined) { missingParameter(node, ctx); return null; }
    if (a === 'group') key = { kind: 'group', group: b };
    else {
      if (!/^\d+$/.test(b) || Number(b) < 1 || Number(b) > 0xffffffff) { ctx.error(node.at, CODES.invalidValue, `virtual server fwmark '${b}' is invalid`); return null; }
      key = { kind: 'fwmark', fwmark: Number(b) };
    }
  } else {
    const ip = parseIp(a);
    if (!ip) { ctx.error(node.at, CODES.invalidValue, `Invalid virtual server IP address '${a}' - skipping`); return null; }
    const port = portOf(b, node, ctx);
    key = { kind: 'ip', address: formatIp(ip.bytes), port: port ?? 0 };
  }
  return {
    locs: newLocs(node.at), key, delayLoopMs: 60_000, lbAlgo: null, lbKind: null, protocol: null, persistenceTimeoutS: 0,
    persistenceGranularity: null, connectTimeoutMs: 5000, retry: null, delayBeforeRetryMs: null, warmupMs: null, weight: 1,
    inhibitOnFailure: false, alpha: false, omega: false, quorum: 1, hysteresis: 0, quorumUp: null, quorumDown: null,
    sorryServer: null, sorryServerInhibit: false, haSuspend: false, ops: false, virtualhost: null, smtpAlert: null, realServers: [],
  };
}

function newRealServer(node: ConfNode, ctx: Ctx): RealServerDraft | null {
  const [a, b] = node.args;
  if (a === undefined) { missingParameter(node, ctx); return null; }
  // Fast path for the usual dotted quad: a large farm has thousands of these.
  const ip = isCanonicalIPv4(a) ? null : parseIp(a);
  if (!ip && !isCanonicalIPv4(a)) { ctx.error(node.at, CODES.invalidValue, `Invalid real server ip address/port ${a} - skipping`); return null; }
  return {
    locs: newLocs(node.at), address: ip ? formatIp(ip.bytes) : a, port: portOf(b, node, ctx), weight: null, lbKind: null,
    inhibitOnFailure: null, alpha: null, connectTimeoutMs: null, retry: null, delayBeforeRetryMs: null, warmupMs: null,
    delayLoopMs: null, notifyUp: null, notifyDown: null, smtpAlert: null, uthreshold: 0, lthreshold: 0, checkers: [],
  };
}

type R = KwDef<RealServerDraft>;
const checkerKw = (type: CheckerType): R => ({
  kind: 'block', support: 'supported', doc: `${type} health checker`, section: () => SUPPORTED_CHECKERS[type]!,
  open: (_rs, node) => newChecker(type, node.at),
  close: (rs, c: CheckerDraft) => { rs.checkers.push(c); addChild(rs.locs, c.locs); },
});

export const realServerSection = section<RealServerDraft>('real_server', {
  weight: { kind: 'uint', support: 'supported', doc: 'IPVS weight 0..2147483647', dflt: 'virtual_server weight (1)', min: 0, max: 2_147_483_647, set: (r, n) => { r.weight = n; } },
  lvs_method: { kind: 'words', support: 'supported', doc: 'NAT|DR|TUN for this real server', dflt: 'virtual_server lb_kind', set: (r, w, node, ctx) => { const k = lbKindOf(w, node, ctx, 'real server'); if (k) r.lbKind = k; } },
  inhibit_on_failure: { kind: 'bool', support: 'supported', doc: 'weight 0 instead of removal on failure', dflt: 'from virtual_server', set: (r, b) => { r.inhibitOnFailure = b; } },
  alpha: { kind: 'bool', support: 'supported', doc: 'start down until checked', dflt: 'from virtual_server', set: (r, b) => { r.alpha = b; } },
  connect_timeout: { kind: 'timer', support: 'supported', doc: 'checker connect timeout (s)', dflt: 'from virtual_server', minS: 0.000001, maxS: MAX_S, set: (r, ms) => { r.connectTimeoutMs = ms; } },
  retry: { kind: 'uint', support: 'supported', doc: 'checker retries', dflt: 'from virtual_server', min: 1, max: 2_147_483_647, set: (r, n) => { r.retry = n; } },
  delay_before_retry: { kind: 'timer', support: 'supported', doc: 'checker retry gap (s)', dflt: 'from virtual_server', minS: 0, maxS: MAX_S, set: (r, ms) => { r.delayBeforeRetryMs = ms; } },
  warmup: { kind: 'timer', support: 'supported', doc: 'checker warmup (s)', dflt: 'from virtual_server', minS: 0, maxS: MAX_S, set: (r, ms) => { r.warmupMs = ms; } },
  delay_loop: { kind: 'timer', support: 'supported', doc: 'checker interval (s)', dflt: 'from virtual_server', minS: 0.000001, maxS: MAX_S, set: (r, ms) => { r.delayLoopMs = ms; } },
  notify_up: { kind: 'script', support: 'supported', doc: 'script when the server comes up', set: (r, s) => { r.notifyUp = s; } },
  notify_down: { kind: 'script', support: 'supported', doc: 'script when the server goes down', set: (r, s) => { r.notifyDown = s; } },
  uthreshold: { kind: 'uint', support: 'supported', doc: 'IPVS upper connection threshold', dflt: '0', min: 0, max: 2_147_483_647, set: (r, n) => { r.uthreshold = n; } },
  lthreshold: { kind: 'uint', support: 'supported', doc: 'IPVS lower connection threshold', dflt: '0', min: 0, max: 2_147_483_647, set: (r, n) => { r.lthreshold = n; } },
  smtp_alert: { kind: 'bool', support: 'supported', doc: 'mail on up/down', dflt: 'smtp_alert_checker, smtp_alert, true', set: (r, b) => { r.smtpAlert = b; } },
  virtualhost: recognised('HTTP Host default'),
  snmp_name: recognised('SNMP label'),
  TCP_CHECK: checkerKw('TCP_CHECK'),
  HTTP_GET: checkerKw('HTTP_GET'),
  SSL_GET: checkerKw('SSL_GET'),
  MISC_CHECK: checkerKw('MISC_CHECK'),
  ...Object.fromEntries(RECOGNISED_CHECKERS.map((c) => [c, recognisedBlock<RealServerDraft>(`${c} health checker`)])),
});

type V = KwDef<VirtualServerDraft>;
const vsBool = (doc: string, set: (v: VirtualServerDraft, b: boolean) => void): V =>
  ({ kind: 'bool', support: 'supported', doc, dflt: 'off', set: (v, b) => set(v, b) });
const lbAlgoKw: V = {
  kind: 'enum', support: 'supported', doc: `IPVS scheduler ${LB_ALGOS.join('|')}`, dflt: 'wlc', values: LB_ALGOS,
  set: (v, a) => { v.lbAlgo = a as LbAlgo; }, badMsg: (raw) => `Invalid lvs_scheduler '${raw}' - ignoring`,
};
const lbKindKw: V = {
  kind: 'words', support: 'supported', doc: 'forwarding method NAT|DR|TUN', dflt: 'NAT',
  set: (v, w, node, ctx) => { const k = lbKindOf(w, node, ctx, 'virtual server'); if (k) v.lbKind = k; },
};
const P2 = (doc: string): V => recognised<VirtualServerDraft>(doc);

export const virtualServerSection = section<VirtualServerDraft>('virtual_server', {
  delay_loop: { kind: 'timer', support: 'supported', doc: 'check interval (s)', dflt: '60', minS: 0.000001, maxS: MAX_S, set: (v, ms) => { v.delayLoopMs = ms; } },
  lb_algo: lbAlgoKw,
  lvs_sched: lbAlgoKw,
  lb_kind: lbKindKw,
  lvs_method: lbKindKw,
  protocol: {
    kind: 'enum', support: 'supported', doc: 'TCP|UDP|SCTP (any case)', dflt: 'UDP (with a warning)', values: ['TCP', 'UDP', 'SCTP'], caseInsensitive: true,
    set: (v, p) => { v.protocol = p as Protocol; }, badMsg: (raw) => `Unknown protocol ${raw} - ignoring`,
  },
  persistence_timeout: {
    kind: 'uint', support: 'supported', doc: 'persistence (s); bare keyword = 360', dflt: '0 (none)', min: 1, max: 2_678_400, bare: 360,
    set: (v, n) => { v.persistenceTimeoutS = n; }, badMsg: () => 'persistence_timeout invalid',
  },
  persistence_granularity: { kind: 'word', support: 'supported', doc: 'persistence netmask or prefix length', dflt: '/32 (/128)', set: (v, w) => { v.persistenceGranularity = w; } },
  persistence_engine: P2('persistence engine (sip)'),
  connect_timeout: { kind: 'timer', support: 'supported', doc: 'default checker connect timeout (s)', dflt: '5', minS: 0.000001, maxS: MAX_S, set: (v, ms) => { v.connectTimeoutMs = ms; } },
  retry: { kind: 'uint', support: 'supported', doc: 'default checker retries', dflt: 'per checker type', min: 1, max: 2_147_483_647, set: (v, n) => { v.retry = n; } },
  delay_before_retry: { kind: 'timer', support: 'supported', doc: 'default checker retry gap (s)', dflt: 'per checker type', minS: 0, maxS: MAX_S, set: (v, ms) => { v.delayBeforeRetryMs = ms; } },
  warmup: { kind: 'timer', support: 'supported', doc: 'default checker warmup (s)', dflt: 'delay_loop', minS: 0, maxS: MAX_S, set: (v, ms) => { v.warmupMs = ms; } },
  weight: { kind: 'uint', support: 'supported', doc: 'default real server weight', dflt: '1', min: 1, max: 2_147_483_647, set: (v, n) => { v.weight = n; } },
  inhibit_on_failure: vsBool('failed real servers kept with weight 0', (v, b) => { v.inhibitOnFailure = b; }),
  alpha: vsBool('real servers start down', (v, b) => { v.alpha = b; }),
  omega: vsBool('run quorum_down/notify_down at shutdown', (v, b) => { v.omega = b; }),
  quorum: { kind: 'uint', support: 'supported', doc: 'minimum sum of live weights', dflt: '1', min: 1, max: 2_147_483_647, set: (v, n) => { v.quorum = n; } },
  hysteresis: { kind: 'uint', support: 'supported', doc: 'quorum flap damping', dflt: '0', min: 0, max: 2_147_483_647, set: (v, n) => { v.hysteresis = n; } },
  quorum_up: { kind: 'script', support: 'supported', doc: 'script on quorum gain', set: (v, s) => { v.quorumUp = s; } },
  quorum_down: { kind: 'script', support: 'supported', doc: 'script on quorum loss', set: (v, s) => { v.quorumDown = s; } },
  sorry_server: {
    kind: 'words', support: 'supported', doc: 'fallback server IP [PORT]', dflt: 'none',
    set: (v, w, node, ctx) => {
      if (w[0] === undefined) { missingParameter(node, ctx); return; }
      const ip = parseIp(w[0]);
      if (!ip) { ctx.error(node.at, CODES.invalidValue, `Invalid sorry_server address ${w[0]}`); return; }
      v.sorryServer = { address: formatIp(ip.bytes), port: portOf(w[1], node, ctx) ?? 0 };
    },
  },
  sorry_server_inhibit: vsBool('inhibit the sorry server', (v, b) => { v.sorryServerInhibit = b; }),
  sorry_server_lvs_method: P2('sorry server forwarding method'),
  ha_suspend: vsBool('suspend checks while the VIP is absent', (v, b) => { v.haSuspend = b; }),
  ops: vsBool('one-packet scheduling', (v, b) => { v.ops = b; }),
  ...Object.fromEntries(['hashed', 'flag-1', 'flag-2', 'flag-3', 'sh-port', 'sh-fallback', 'mh-port', 'mh-fallback'].map((f) => [f, P2('scheduler flag')])),
  ip_family: P2('address family of fwmark services'),
  smtp_alert: { kind: 'bool', support: 'supported', doc: 'mail on quorum change', dflt: 'smtp_alert_checker, smtp_alert, false', set: (v, b) => { v.smtpAlert = b; } },
  virtualhost: { kind: 'word', support: 'supported', doc: 'default HTTP Host', set: (v, w) => { v.virtualhost = w; } },
  snmp_name: P2('SNMP label'),
  real_server: {
    kind: 'block', support: 'supported', doc: 'real server IP [PORT] { … }', section: () => realServerSection,
    open: (_v, node, ctx) => newRealServer(node, ctx),
    close: (v, rs: RealServerDraft) => { v.realServers.push(rs); addChild(v.locs, rs.locs); },
  },
});

/** One virtual_server_group line: `IP[-END|/LEN] [PORT]` or `fwmark N [inet|inet6]`. */
export function parseGroupLine(l: ConfNode, ctx: Ctx): VsGroupEntry | null {
  if (l.keyword === 'fwmark') {
    const n = l.args[0];
    if (n === undefined || !/^\d+$/.test(n)) { ctx.error(l.at, CODES.invalidValue, `Invalid fwmark '${n ?? ''}' in virtual_server_group`); return null; }
    const fam = l.args[1];
    return { kind: 'fwmark', fwmark: Number(n), family: fam === 'inet' || fam === 'inet6' ? fam : null };
  }
  const text = l.keyword;
  const dash = text.indexOf('-');
  const first = dash < 0 ? text : text.slice(0, dash);
  const ok = dash < 0 ? parsePrefix(first) : parseIp(first);
  const end = dash < 0 ? '' : text.slice(dash + 1);
  if (!ok || (dash >= 0 && !/^[0-9a-fA-F]{1,4}$/.test(end))) {
    ctx.error(l.at, CODES.invalidValue, `Invalid virtual_server_group IP address/range ${text} - skipping`);
    return null;
  }
  const range = dash < 0 && !text.includes('/') ? formatIp(ok.bytes) : text;
  const port = portOf(l.args[0], l, ctx);
  return { kind: 'ip', range, port: port ?? 0 };
}
