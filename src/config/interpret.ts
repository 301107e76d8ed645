/**
 * ConfNode tree → typed Config. Applies the keyword tables (keywords/*), then keepalived's
 * completion step: defaults that depend on other keywords and values keepalived rewrites with a
 * message (semantics §2.1, §7.1, §8.1). Checks that do not change values live in validate.ts.
 */
import { parseIp } from '../common/ip.js';
import type { ConfNode } from './ast.js';
import { splitScriptArgs } from './script-args.js';
import type { Diagnostic, SrcLoc } from './diagnostics.js';
import type { Checker, Config, RealServer, SyncGroup, VirtualServer, VrrpInstance, VrrpScript, VsKey } from './model.js';
import { CHECKER_DEFAULTS, type CheckerDraft } from './keywords/checkers.js';
import { checkExtensions, defaultExtensions } from './keywords/extensions.js';
import { defaultGlobalDefs, type GlobalDraft } from './keywords/global.js';
import { rootSection, type RootDraft } from './keywords/root.js';
import { type BlockLocs, Ctx, newLocs } from './keywords/spec.js';
import { type InstanceDraft } from './keywords/vrrp.js';
import type { RealServerDraft, VirtualServerDraft } from './keywords/virtual-server.js';
import { applySection, applyStatement, CODES } from './keywords/walk.js';

/**
 * Decided (issue 6): VRRP state-change mails are on by default; they still need notification_email
 * and smtp_server, and `smtp_alert false` (global, smtp_alert_vrrp or per instance) turns them off.
 * keepalived's default is off.
 */
export const VRRP_SMTP_ALERT_DEFAULT = true;

/** Where every block of the Config was written (parallel to the Config's arrays). */
export interface ConfigLocations {
  /** Top-level keywords (e.g. net_namespace, which moves interface checks elsewhere). */
  root: BlockLocs;
  globalDefs: BlockLocs | null;
  vrrpScripts: BlockLocs[];
  syncGroups: BlockLocs[];
  vrrpInstances: BlockLocs[];
  virtualServerGroups: BlockLocs[];
  /** children = real servers, their children = checkers. */
  virtualServers: BlockLocs[];
  /** Interfaces named by lines the model does not keep (routes, static addresses). */
  otherIfRefs: { name: string; what: string; at: SrcLoc }[];
  /** Per instance: interfaces named by its virtual_routes / virtual_rules. */
  instanceIfRefs: { name: string; what: string; at: SrcLoc }[][];
}

export interface InterpretOptions {
  /** Re-splits a script keyword's raw text (default: keepalived's quote/escape rules); null = malformed. */
  splitScript?: (raw: string) => string[] | null;
}

export interface Interpreted { config: Config; locs: ConfigLocations; diags: Diagnostic[] }

const defaultSplit = (raw: string): string[] | null => {
  const r = splitScriptArgs(raw);
  return r.ok ? r.value : null;
};

/** Hands each top-level statement to `each`, in file order (buildTree's onStatement). */
export type StatementFeed = (each: (node: ConfNode) => void) => void;

/** With a StatementFeed, statements are applied as they arrive (their nodes need not be kept). */
export function interpretTree(nodes: readonly ConfNode[] | StatementFeed, opts: InterpretOptions = {}): Interpreted {
  const ctx = new Ctx(opts.splitScript ?? defaultSplit);
  const streamed = typeof nodes === 'function';
  // A streamed config's first location is only known when its first statement arrives.
  const at: SrcLoc = (streamed ? undefined : nodes[0]?.at) ?? { file: '', line: 0, col: 0 };
  const g: GlobalDraft = { ...defaultGlobalDefs(), locs: newLocs(at) };
  const root: RootDraft = {
    locs: newLocs(at), globalDefs: g, globalSeen: false, vrrpScripts: [], syncGroups: [], vrrpInstances: [],
    vsGroups: [], virtualServers: [], otherIfRefs: [],
    extensions: { ...defaultExtensions(), locs: newLocs(at), windowLocs: [] },
  };
  if (streamed) {
    let first = true;
    nodes((node) => {
      if (first) Object.assign(at, node.at);
      first = false;
      applyStatement(node, rootSection, root, ctx, root.locs);
    });
  } else applySection(nodes, rootSection, root, ctx, root.locs);
  zeroSyncGroupWeights(root, ctx);
  // Only maintenance windows look real servers up: no set of 10,000 keys for a config without any.
  const realServers = root.extensions.maintenanceWindows.length === 0 ? new Set<string>()
    : new Set(root.virtualServers.flatMap((v) => v.realServers.map((r) => `${r.address}:${r.port}`)));
  checkExtensions(root.extensions, realServers, ctx);
  const { locs: _extLocs, windowLocs: _windowLocs, ...extensions } = root.extensions;

  const { locs: gLocs, ...globalDefs } = g;
  const config: Config = {
    globalDefs,
    vrrpScripts: root.vrrpScripts.map(({ locs: _l, timeoutSet, user, ...s }): VrrpScript => ({
      ...s, script: s.script && user ? { ...s.script, ...user } : s.script, timeoutMs: timeoutSet ? s.timeoutMs : s.intervalMs,
    })),
    syncGroups: root.syncGroups.map(({ locs: _l, smtpAlert, ...s }): SyncGroup =>
      ({ ...s, smtpAlert: smtpAlert ?? globalDefs.smtpAlertVrrp ?? globalDefs.smtpAlert ?? VRRP_SMTP_ALERT_DEFAULT })),
    vrrpInstances: root.vrrpInstances.map((d) => completeInstance(d, globalDefs, ctx)),
    virtualServerGroups: root.vsGroups.map(({ locs: _l, ...v }) => v),
    virtualServers: root.virtualServers.map((d) => completeVirtualServer(d, globalDefs, ctx)),
    extensions,
  };
  const locs: ConfigLocations = {
    root: root.locs,
    globalDefs: root.globalSeen ? gLocs : null,
    vrrpScripts: root.vrrpScripts.map((s) => s.locs),
    syncGroups: root.syncGroups.map((s) => s.locs),
    vrrpInstances: root.vrrpInstances.map((s) => s.locs),
    virtualServerGroups: root.vsGroups.map((s) => s.locs),
    virtualServers: root.virtualServers.map((s) => s.locs),
    otherIfRefs: root.otherIfRefs,
    instanceIfRefs: root.vrrpInstances.map((s) => s.otherIfRefs),
  };
  return { config, locs, diags: ctx.diags };
}

/** Members of a sync group track with weight 0 unless the group allows weights (vrrp_sync.c). */
function zeroSyncGroupWeights(root: RootDraft, ctx: Ctx): void {
  for (const sg of root.syncGroups) {
    if (sg.locs.kw.sync_group_tracking_weight !== undefined) continue;
    for (const member of sg.members) {
      const d = root.vrrpInstances.find((v) => v.name === member);
      if (!d) continue;
      for (const t of d.trackInterfaces) {
        if (t.weight === 0 || t.name === d.interface) continue; // own interface: dropped with its own message
        ctx.error(d.locs.at, CODES.invalidValue, `(${d.name}) ignoring ${t.name} tracked interface weight due to SYNC group`);
        t.weight = 0;
      }
    }
  }
}

/** keepalived `vrrp_complete_instance`, the parts that rewrite values (semantics §2.1). */
function completeInstance(d: InstanceDraft, g: Config['globalDefs'], ctx: Ctx): VrrpInstance {
  const at = d.locs.at;
  const n = `(${d.name})`;
  if (!d.prioritySet) d.priority = d.stateSet && d.state === 'MASTER' ? 255 : 100;
  if (!d.stateSet) d.state = d.priority === 255 ? 'MASTER' : 'BACKUP';
  if (d.strictMode && d.state === 'MASTER' && d.priority !== 255) {
    ctx.error(at, CODES.invalidValue, `${n} State MASTER must match being address owner`);
    d.state = 'BACKUP';
  }
  if (d.nopreempt && d.priority === 255) {
    ctx.error(at, CODES.invalidValue, `${n} nopreempt is incompatible with priority 255. resetting nopreempt`);
    d.nopreempt = false;
  }
  if (d.state === 'MASTER' && d.preemptDelayMs > 0) {
    ctx.error(at, CODES.invalidValue, `${n} Warning - preempt delay will not work with initial state MASTER - clearing`);
    d.preemptDelayMs = 0;
  }
  if (d.state === 'MASTER' && d.nopreempt) {
    ctx.error(at, CODES.invalidValue, `${n} Warning - nopreempt will not work with initial state MASTER - clearing`);
    d.nopreempt = false;
  }
  const v6 = d.virtualIpaddresses.some((v) => parseIp(v.address)?.family === 6);
  if (v6 && (!d.versionSet || d.strictMode)) d.version = 3;
  if (d.version === 2) {
    if (d.advertIntMs % 1000 !== 0) {
      ctx.error(at, CODES.invalidValue, `${n} VRRPv2 advertisement interval ${(d.advertIntMs / 1000).toFixed(6)}s must be an integer. rounding`);
      d.advertIntMs = Math.max(1000, Math.round(d.advertIntMs / 1000) * 1000);
    }
  } else {
    const cs = Math.round(d.advertIntMs / 10);
    d.advertIntMs = Math.min(4095, Math.max(1, cs)) * 10;
  }
  if (d.auth) {
    const { type, pass } = d.auth;
    if (d.version === 3) ctx.error(at, CODES.invalidValue, `${n} VRRP version 3 does not support authentication. Ignoring.`);
    else if (d.strictMode) ctx.error(at, CODES.invalidValue, `${n} Strict mode does not support authentication. Ignoring.`);
    else if (pass === null || pass === '' || type === null) ctx.error(at, CODES.invalidValue, `${n} Authentication specified but no password given. Ignoring`);
    else if (type === 'AH' && d.state === 'MASTER') {
      ctx.error(at, CODES.invalidValue, `${n} Initial state master is incompatible with AH authentication - clearing`);
      d.state = 'BACKUP';
      d.authentication = { type, pass };
    } else d.authentication = { type, pass };
  }
  const own = d.trackInterfaces.filter((t) => t.name === d.interface);
  if (own.length > 0) {
    ctx.error(at, CODES.invalidValue, `${n} Ignoring track_interface ${d.interface} since own interface`);
    d.trackInterfaces = d.trackInterfaces.filter((t) => t.name !== d.interface);
  }
  if (d.accept === true && d.strictMode && d.version === 2) {
    ctx.error(at, CODES.invalidValue, `${n} warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting`);
    d.accept = false;
  }
  const {
    locs: _l, stateSet: _s, prioritySet: _p, versionSet: _v, advertIntSet: _a, smtpAlertSet, strictModeSet: _m, auth: _au,
    otherIfRefs: _o, ...inst
  } = d;
  return { ...inst, smtpAlert: smtpAlertSet ?? g.smtpAlertVrrp ?? g.smtpAlert ?? VRRP_SMTP_ALERT_DEFAULT };
}

/** keepalived's label for a virtual server in messages: `[10.0.0.1]:tcp:80`, `FWM 1`. */
export function vsLabel(key: VsKey, protocol: string | null): string {
  if (key.kind === 'fwmark') return `FWM ${key.fwmark}`;
  if (key.kind === 'group') return `GROUP ${key.group}`;
  const addr = key.address.includes(':') ? `[${key.address}]` : `[${key.address}]`;
  return `${addr}:${protocol ? protocol.toLowerCase() : 'none'}:${key.port}`;
}

/** keepalived `validate_check_config`, the parts that rewrite values (semantics §7.1). */
function completeVirtualServer(d: VirtualServerDraft, g: Config['globalDefs'], ctx: Ctx): VirtualServer {
  const at = d.locs.at;
  if (d.key.kind !== 'fwmark' && d.protocol === null) {
    ctx.error(at, 'KA_CONF_VS_DEFAULT', `Virtual server ${vsLabel(d.key, null)}: no protocol set - defaulting to UDP`);
    d.protocol = 'UDP';
  }
  const label = vsLabel(d.key, d.protocol);
  if (d.lbKind === null) {
    ctx.error(at, 'KA_CONF_VS_DEFAULT', `Virtual server ${label}: no forwarding method set, setting default NAT`);
    d.lbKind = 'NAT';
  }
  if (d.lbAlgo === null) {
    ctx.error(at, 'KA_CONF_VS_DEFAULT', `Virtual server ${label}: no scheduler set, setting default 'wlc'`);
    d.lbAlgo = 'wlc';
  }
  if (d.key.kind === 'ip' && d.key.port === 0 && d.persistenceTimeoutS === 0) {
    ctx.error(at, 'KA_CONF_VS_DEFAULT', `Virtual server ${label}: zero port only valid for persistent services - setting persistence to 360 seconds`);
    d.persistenceTimeoutS = 360;
  }
  const realServers: RealServer[] = [];
  const seen = new Set<string>();
  const keptLocs: BlockLocs[] = [];
  d.realServers.forEach((rs) => {
    const r = completeRealServer(rs, d, g, ctx, label);
    const id = `${r.address}:${r.port}`;
    if (seen.has(id)) {
      ctx.error(rs.locs.at, CODES.invalidValue, `Virtual server ${label}: real server [${r.address}]:${r.port} is duplicated - removing`);
      return;
    }
    seen.add(id);
    realServers.push(r);
    keptLocs.push(rs.locs);
  });
  d.locs.children = keptLocs;
  const total = realServers.reduce((s, r) => s + r.weight, 0);
  if (realServers.length > 0 && d.quorum > total) {
    ctx.warn(at, 'KA_CONF_VS_QUORUM', `Warning - quorum ${d.quorum} for ${label} exceeds total weight of real servers ${total}, reducing quorum to ${total}`);
    d.quorum = Math.max(1, total);
  }
  if (d.hysteresis >= d.quorum) {
    ctx.error(at, 'KA_CONF_VS_QUORUM', `Virtual server ${label}: hysteresis ${d.hysteresis} >= quorum ${d.quorum}; setting hysteresis to ${d.quorum - 1}`);
    d.hysteresis = d.quorum - 1;
  }
  const { locs: _l, retry: _r, delayBeforeRetryMs: _d, warmupMs: _w, smtpAlert, lbAlgo, lbKind, protocol, ...rest } = d;
  // Completed in the destructured copy (no second copy by spread): assignments in this order give
  // the same key order as `{ ...rest, lbAlgo, lbKind, protocol, realServers, smtpAlert }`.
  const vs = rest as Omit<typeof rest, 'realServers'> & Partial<VirtualServer>;
  vs.lbAlgo = lbAlgo;
  vs.lbKind = lbKind;
  vs.protocol = protocol ?? 'TCP';
  vs.realServers = realServers;
  vs.smtpAlert = smtpAlert ?? g.smtpAlertChecker ?? g.smtpAlert ?? false;
  return vs as VirtualServer;
}

function completeRealServer(rs: RealServerDraft, vs: VirtualServerDraft, g: Config['globalDefs'], ctx: Ctx, label: string): RealServer {
  const lbKind = rs.lbKind ?? vs.lbKind ?? 'NAT';
  const vsPort = vs.key.kind === 'ip' ? vs.key.port : 0;
  let port = rs.port ?? vsPort;
  if (vs.key.kind === 'ip' && lbKind !== 'NAT' && port !== vsPort) {
    ctx.warn(rs.locs.at, CODES.invalidValue, `WARNING - virtual server ${label} and real server [${rs.address}]:${port} ports don't match - resetting`);
    port = vsPort;
  }
  return {
    address: rs.address, port, weight: rs.weight ?? vs.weight, lbKind, inhibitOnFailure: rs.inhibitOnFailure ?? vs.inhibitOnFailure,
    notifyUp: rs.notifyUp, notifyDown: rs.notifyDown, smtpAlert: rs.smtpAlert ?? g.smtpAlertChecker ?? g.smtpAlert ?? true,
    uthreshold: rs.uthreshold, lthreshold: rs.lthreshold, checkers: rs.checkers.map((c) => completeChecker(c, rs, vs)),
  };
}

/** Inheritance chain of §8.1: checker ← real_server ← virtual_server ← checker-type default. */
function completeChecker(c: CheckerDraft, rs: RealServerDraft, vs: VirtualServerDraft): Checker {
  const dflt = CHECKER_DEFAULTS[c.type];
  const delayLoopMs = c.delayLoopMs ?? rs.delayLoopMs ?? vs.delayLoopMs;
  const { locs: _l, miscUser, ...rest } = c;
  if (rest.miscPath && miscUser) rest.miscPath = { ...rest.miscPath, ...miscUser };
  const miscTimeoutMs = c.type === 'MISC_CHECK' ? (c.miscTimeoutMs ?? delayLoopMs) : null;
  // Completed in the destructured copy, one object per checker instead of two (10,000 on
  // bench/parse's config); the order of these assignments is the model's key order.
  const out = rest as Omit<typeof rest, Inherited> & Partial<Pick<Checker, Inherited>>;
  // MISC_CHECK has no connection: its time limit is the script timeout.
  out.connectTimeoutMs = miscTimeoutMs ?? c.connectTimeoutMs ?? rs.connectTimeoutMs ?? vs.connectTimeoutMs;
  out.retry = c.retry ?? rs.retry ?? vs.retry ?? dflt.retry;
  out.delayBeforeRetryMs = c.delayBeforeRetryMs ?? rs.delayBeforeRetryMs ?? vs.delayBeforeRetryMs ?? dflt.delayBeforeRetryMs ?? delayLoopMs;
  out.delayLoopMs = delayLoopMs;
  out.warmupMs = c.warmupMs ?? rs.warmupMs ?? vs.warmupMs ?? delayLoopMs;
  out.alpha = c.alpha ?? rs.alpha ?? vs.alpha;
  out.miscTimeoutMs = miscTimeoutMs;
  return out satisfies Omit<Checker, Inherited> as Checker;
}

/** Checker fields completeChecker fills in from the inheritance chain. */
type Inherited = 'connectTimeoutMs' | 'retry' | 'delayBeforeRetryMs' | 'delayLoopMs' | 'warmupMs' | 'alpha' | 'miscTimeoutMs';
