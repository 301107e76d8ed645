/**
 * A point-in-time picture of the running daemon as plain JSON: what `keepalived-ts status` shows,
 * what the SIGUSR1/SIGUSR2/JSON dumps are formatted from (dumps.ts). Read-only: it copies from the
 * VRRP instances and the health model and never calls anything that changes them.
 *
 * Times: `takeSnapshot`'s `now` is wall-clock ms (Date.now); the engine's timestamps are on the
 * monotonic Clock (performance.now) and are converted with `monotonicNow`.
 */
import { formatIp } from '../common/ip.js';
import type { Config, VirtualIp } from '../config/model.js';
import type { CheckerReport } from '../check/runner.js';
import type { HealthService } from '../check/service.js';
import { aliveWeight } from '../check/virtualserver.js';
import { isAlive } from '../check/realserver.js';
import type { InstanceStats, VrrpInstance } from '../vrrp/instance.js';
import { downIntervalMs } from '../vrrp/fsm.js';

export const SNAPSHOT_FORMAT = 1;

export interface VipSnapshot {
  address: string;
  prefix: number;
  dev: string;
  scope: string | null;
  label: string | null;
  brd: string | null;
}

export interface VrrpInstanceSnapshot {
  name: string;
  state: 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';
  wantState: 'MASTER' | 'BACKUP';
  vrid: number;
  version: 2 | 3;
  family: 4 | 6;
  interface: string;
  basePriority: number;
  effectivePriority: number;
  /** The current master: ourselves when MASTER; in BACKUP the one we last accepted an advert from. */
  master: { address: string; priority: number; self: boolean } | null;
  /** The VIPs are installed (state MASTER). */
  vipsSet: boolean;
  vips: VipSnapshot[];
  excludedVips: VipSnapshot[];
  srcIp: string;
  /** null for unicast instances. */
  mcastGroup: string | null;
  unicastPeers: string[];
  advertIntervalMs: number;
  /** Master_Adver_Interval (learned from the master in VRRPv3). */
  masterAdvertIntervalMs: number;
  masterDownIntervalMs: number;
  nopreempt: boolean;
  preemptDelayMs: number;
  downTimerAdverts: number;
  authType: 'none' | 'PASS';
  faulted: boolean;
  garp: {
    masterDelayMs: number;
    masterRepeat: number;
    masterRefreshMs: number;
    masterRefreshRepeat: number;
    lowerPrioDelayMs: number;
    lowerPrioRepeat: number;
  };
  lowerPrioNoAdvert: boolean;
  higherPrioSendAdvert: boolean;
  skipCheckAdvAddr: boolean;
  /** State changes since start (kept across a reload). */
  transitions: number;
  /** Wall-clock ms of the last state change; null when the engine does not expose it. */
  lastTransition: number | null;
  stats: InstanceStats;
}

export interface CheckerSnapshot {
  key: string;
  kind: string;
  up: boolean;
  /** The last completed probe, when known. */
  lastCheck: { ok: boolean; reason: string; at: number; durationMs: number } | null;
}

export interface RealServerSnapshot {
  key: string;
  address: string;
  port: number;
  alive: boolean;
  /** Weight while alive (configured, or the last misc_dynamic value). */
  weight: number;
  configuredWeight: number;
  inhibitOnFailure: boolean;
  /** In an open maintenance window: kept in IPVS with weight 0 (absent = not drained). */
  drained?: true;
  checkers: CheckerSnapshot[];
}

export interface VirtualServerSnapshot {
  key: string;
  quorum: number;
  hysteresis: number;
  quorumUp: boolean;
  aliveWeight: number;
  sorryServer: { address: string; port: number; weight: number; active: boolean } | null;
  realServers: RealServerSnapshot[];
}

export interface DaemonSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  /** Wall-clock ms when taken. */
  takenAt: number;
  pid: number | null;
  vrrp: VrrpInstanceSnapshot[];
  /** Received VRRP packets no instance saw, per interface and reason (absent when not known). */
  vrrpInterfaceDrops?: { intf: string; family: 4 | 6; reasons: Record<string, number> }[];
  virtualServers: VirtualServerSnapshot[];
}

/** What the snapshot reads from a VRRP instance (VrrpInstance fits; `lastTransitionAt` once it exists). */
export type InstanceView = Pick<VrrpInstance, 'name' | 'state' | 'runtime' | 'cfg' | 'stats'> & {
  /** Monotonic-clock ms of the last state change. */
  readonly lastTransitionAt?: number | undefined;
};

export interface VrrpView {
  readonly instances: ReadonlyMap<string, InstanceView>;
  interfaceDrops?(): { intf: string; family: 4 | 6; reasons: Record<string, number> }[];
}

export interface LvsView {
  readonly checkers: Pick<HealthService, 'state'>;
  /** Checker key → its last report (HealthServiceOptions.onReport), once the service keeps them. */
  readonly lastChecks?: ReadonlyMap<string, Pick<CheckerReport, 'finishedAt' | 'startedAt' | 'result'>> | undefined;
  /** `addr:port` of real servers an open maintenance window drains. */
  readonly drained?: ReadonlySet<string> | undefined;
}

export interface SnapshotOptions {
  /** The running configuration: VIP prefixes, devices, scopes and labels come from it. */
  config?: Pick<Config, 'vrrpInstances'> | undefined;
  /** The engine's clock (default performance.now, as systemClock). */
  monotonicNow?: (() => number) | undefined;
  pid?: number | undefined;
}

export function takeSnapshot(
  vrrp: VrrpView | null,
  lvs: LvsView | null,
  now: () => number,
  opts: SnapshotOptions = {},
): DaemonSnapshot {
  const wall = now();
  const mono = (opts.monotonicNow ?? (() => performance.now()))();
  const toWall = (t: number): number => Math.round(wall - (mono - t));
  return {
    format: SNAPSHOT_FORMAT,
    takenAt: wall,
    pid: opts.pid ?? null,
    vrrp: vrrp ? [...vrrp.instances.values()].map((i) => instanceSnapshot(i, opts.config, toWall)) : [],
    ...(vrrp?.interfaceDrops ? { vrrpInterfaceDrops: vrrp.interfaceDrops() } : {}),
    virtualServers: lvs ? lvsSnapshot(lvs, toWall) : [],
  };
}

function vipsOf(list: readonly VirtualIp[] | undefined, bytes: readonly Uint8Array[], ifname: string): VipSnapshot[] {
  // The engine's list is authoritative (normalised); the model adds prefix/dev/scope/label.
  const byAddr = new Map((list ?? []).map((v) => [v.address, v]));
  return bytes.map((b) => {
    const address = formatIp(b);
    const v = byAddr.get(address);
    return {
      address,
      prefix: v?.prefix ?? (b.length === 4 ? 32 : 128),
      dev: v?.dev ?? ifname,
      scope: v?.scope ?? null,
      label: v?.label ?? null,
      brd: v?.brd ?? null,
    };
  });
}

function instanceSnapshot(i: InstanceView, config: SnapshotOptions['config'], toWall: (t: number) => number): VrrpInstanceSnapshot {
  const c = i.cfg;
  const rt = i.runtime;
  const model = config?.vrrpInstances.find((m) => m.name === i.name);
  // Only BACKUP knows a (remote) master; in FAULT/INIT the last one heard may be long gone.
  const master = rt.state === 'MASTER'
    ? { address: formatIp(c.srcIp), priority: rt.effectivePriority, self: true }
    : rt.state === 'BACKUP' && rt.master ? { address: formatIp(rt.master.ip), priority: rt.master.priority, self: false } : null;
  const g = c.garp;
  return {
    name: i.name,
    state: rt.state,
    wantState: rt.wantState,
    vrid: c.vrid,
    version: c.version,
    family: c.family,
    interface: c.ifname,
    basePriority: c.priority,
    effectivePriority: rt.effectivePriority,
    master,
    vipsSet: rt.state === 'MASTER',
    vips: vipsOf(model?.virtualIpaddresses, c.vips, c.ifname),
    excludedVips: vipsOf(model?.virtualIpaddressesExcluded, c.excludedVips, c.ifname),
    srcIp: formatIp(c.srcIp),
    mcastGroup: c.unicastPeers.length > 0 ? null : formatIp(c.mcastGroup),
    unicastPeers: c.unicastPeers.map(formatIp),
    advertIntervalMs: c.advertIntervalCs * 10,
    masterAdvertIntervalMs: rt.masterAdverIntCs * 10,
    masterDownIntervalMs: downIntervalMs(rt, c),
    nopreempt: c.nopreempt,
    preemptDelayMs: c.preemptDelayMs,
    downTimerAdverts: c.downTimerAdverts,
    authType: c.authType === 1 ? 'PASS' : 'none',
    faulted: rt.faulted,
    garp: {
      masterDelayMs: g.masterDelayMs, masterRepeat: g.masterRepeat, masterRefreshMs: g.masterRefreshMs,
      masterRefreshRepeat: g.masterRefreshRepeat, lowerPrioDelayMs: g.lowerPrioDelayMs, lowerPrioRepeat: g.lowerPrioRepeat,
    },
    lowerPrioNoAdvert: c.lowerPrioNoAdvert,
    higherPrioSendAdvert: c.higherPrioSendAdvert,
    skipCheckAdvAddr: c.skipCheckAdvAddr,
    transitions: i.stats.transitions,
    lastTransition: i.lastTransitionAt === undefined ? null : toWall(i.lastTransitionAt),
    stats: { ...i.stats },
  };
}

/** Drained keys are `addr:port` with a bare IPv6 address, as the config writes them. */
function isDrained(lvs: LvsView, key: string): boolean {
  if (!lvs.drained || lvs.drained.size === 0) return false;
  const { address, port } = splitEndpoint(key);
  return lvs.drained.has(`${address}:${port}`);
}

function splitEndpoint(key: string): { address: string; port: number } {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(key);
  return m ? { address: m[1]!, port: Number(m[2]) } : { address: key, port: 0 };
}

function lvsSnapshot(lvs: LvsView, toWall: (t: number) => number): VirtualServerSnapshot[] {
  const model = lvs.checkers.state;
  // Checker keys by position (health.ts names them; refs maps key → position).
  const keyAt = new Map<string, string>();
  for (const ref of model.refs.values()) keyAt.set(`${ref.vs}/${ref.rs}/${ref.checker}`, ref.key);
  return model.vss.map((vs, vi) => {
    const alive = aliveWeight(vs);
    const realServers = vs.rs.map((rs, ri): RealServerSnapshot => ({
      key: rs.key,
      ...splitEndpoint(rs.key),
      alive: isAlive(rs),
      weight: rs.weight,
      configuredWeight: rs.cfg.weight,
      inhibitOnFailure: rs.cfg.inhibitOnFailure,
      ...(isDrained(lvs, rs.key) ? { drained: true as const } : {}),
      checkers: rs.cfg.checkers.map((c, ci) => {
        const key = keyAt.get(`${vi}/${ri}/${ci}`) ?? '';
        const last = lvs.lastChecks?.get(key);
        return {
          key,
          kind: c.probe.kind,
          up: rs.checkersUp[ci] ?? false,
          lastCheck: last
            ? { ok: last.result.ok, reason: last.result.reason, at: toWall(last.finishedAt), durationMs: Math.round(last.finishedAt - last.startedAt) }
            : null,
        };
      }),
    }));
    const s = vs.cfg.sorryServer;
    return {
      key: vs.cfg.key,
      quorum: vs.cfg.quorum,
      hysteresis: vs.cfg.hysteresis,
      quorumUp: vs.quorumUp,
      aliveWeight: alive,
      sorryServer: s ? { address: s.addr, port: s.port, weight: s.weight, active: !vs.quorumUp } : null,
      realServers,
    };
  });
}
