/**
 * Runs one vrrp_instance: feeds events into the pure `step` and carries out its effects with a
 * Clock and the ports (transport, VIPs, GARP/NA, notifications). Validation and per-instance
 * statistics (keepalived.stats categories) live here too. No Node I/O.
 */
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import { normaliseInstanceConfig, type InstanceConfig } from './config.js';
import { initialRuntime, step, type Effect, type TimerName, type VrrpEvent, type VrrpRuntime, type VrrpState } from './fsm.js';
import { burstPackets, lowerPrioBursts, masterBursts, masterRefresh, reloadBursts, reloadRefresh, type Burst, type Refresh } from './garp-schedule.js';
import { nextIpId } from './ipv4.js';
import { AUTH_PASS, checkAdvert, countsAsReceived, encodeAdvert, type Advert, type CheckContext, type DropReason } from './packet.js';
import type { Announcer, Notifier, RxPacket, VipManager, VrrpTransport } from './ports.js';
import { resumeStep, type Handover } from './reload.js';
import type { MemberView, SyncGroup, SyncMember } from './sync-group.js';
import type { PriorityOutcome } from './track.js';

/** keepalived.stats counters (first block) plus the drop reasons keepalived does not print. */
export interface InstanceStats {
  advert_rcvd: number;
  advert_sent: number;
  become_master: number;
  release_master: number;
  packet_len_err: number;
  advert_interval_err: number;
  ip_ttl_err: number;
  invalid_type_rcvd: number;
  addr_list_err: number;
  invalid_authtype: number;
  authtype_mismatch: number;
  auth_failure: number;
  pri_zero_rcvd: number;
  pri_zero_sent: number;
  version_err: number;
  chk_err: number;
  cast_mismatch: number;
  owner_ignore: number;
  not_unicast_peer: number;
  peer_ttl: number;
  /** State changes (FRR trans_cnt). */
  transitions: number;
}

export const emptyStats = (): InstanceStats => ({
  advert_rcvd: 0, advert_sent: 0, become_master: 0, release_master: 0, packet_len_err: 0, advert_interval_err: 0,
  ip_ttl_err: 0, invalid_type_rcvd: 0, addr_list_err: 0, invalid_authtype: 0, authtype_mismatch: 0, auth_failure: 0,
  pri_zero_rcvd: 0, pri_zero_sent: 0, version_err: 0, chk_err: 0, cast_mismatch: 0, owner_ignore: 0,
  not_unicast_peer: 0, peer_ttl: 0, transitions: 0,
});

export { reloadKey } from './reload.js';

/** State handed to a reload successor (see reload.ts) with what only the runner keeps. */
export interface InstanceHandover extends Handover {
  stats: InstanceStats;
  lastTransitionAt: number;
  ipId: number;
  oldUnicastChecksum: boolean;
}

export interface InstanceDeps {
  clock: Clock;
  transport: VrrpTransport;
  vips: VipManager;
  announcer: Announcer;
  notifier: Notifier;
  log: Logger;
}

export class VrrpInstance implements SyncMember {
  readonly stats: InstanceStats = emptyStats();
  /** Clock time of the last state change (start-up until the first one). */
  lastTransitionAt: number;
  private rt: VrrpRuntime;
  private readonly timers = new Map<TimerName, () => void>();
  private readonly garpTimers = new Set<() => void>();
  private ipId = 0;
  /** VRRPv3 unicast: checksum with the multicast group as destination (old keepalived peers). */
  private oldUnicastChecksum: boolean;
  /** Drop reasons already logged since the last state change or accepted advert (keepalived rate limit). */
  private readonly loggedDrops = new Set<DropReason>();
  /** Resolves when the last VIP add finished (GARPs wait for it). */
  private vipsAdded: Promise<void> | null = null;
  private group: SyncGroup | undefined;
  /** Handed over to a reload successor: ignores every further event. */
  private detached = false;
  private readonly log: Logger;

  readonly cfg: InstanceConfig;

  constructor(cfg: InstanceConfig, private readonly deps: InstanceDeps) {
    this.log = deps.log.child({ inst: cfg.name, vrid: cfg.vrid, ifname: cfg.ifname });
    const n = normaliseInstanceConfig(cfg);
    for (const w of n.warnings) this.log.warn(w);
    this.cfg = n.cfg;
    this.rt = initialRuntime(this.cfg);
    this.lastTransitionAt = deps.clock.now();
    this.oldUnicastChecksum = this.cfg.oldUnicastChecksum === 'always';
  }

  get name(): string { return this.cfg.name; }
  get state(): VrrpState { return this.rt.state; }
  get runtime(): Readonly<VrrpRuntime> { return this.rt; }

  joinGroup(g: SyncGroup): void {
    this.group = g;
    g.add(this);
  }

  view(): MemberView {
    return {
      name: this.name, state: this.rt.state, wantState: this.rt.wantState, faulted: this.rt.faulted,
      owner: this.cfg.priority === 255 && this.cfg.initialState === 'MASTER',
    };
  }

  start(faulted = false): void {
    const group = this.group ? { startsMaster: this.group.startsMaster() } : undefined;
    this.dispatch({ t: 'start', now: this.deps.clock.now(), faulted, group });
  }
  shutdown(): void { this.dispatch({ t: 'shutdown', now: this.deps.clock.now() }); }
  syncTo(state: 'MASTER' | 'BACKUP' | 'FAULT'): void { this.dispatch({ t: 'syncTo', now: this.deps.clock.now(), state }); }

  setFault(faulted: boolean): void {
    if (faulted === this.rt.faulted) return;
    this.dispatch({ t: faulted ? 'fault' : 'faultCleared', now: this.deps.clock.now() });
  }

  /** The netlink monitor saw one of our VIPs deleted by someone else. */
  vipDeleted(): void { this.dispatch({ t: 'vipDeleted', now: this.deps.clock.now() }); }

  setEffectivePriority(p: number): void { this.dispatch({ t: 'priority', now: this.deps.clock.now(), effective: p }); }

  /** Applies the outcome of track.ts: priority first, then the fault condition. */
  applyTracking(o: PriorityOutcome): void {
    this.setEffectivePriority(o.priority);
    this.setFault(o.fault);
  }

  /** A datagram the router matched to this instance by (ifindex, family, VRID). */
  receive(pkt: RxPacket): void {
    if (this.detached) return;
    const r = checkAdvert({ payload: pkt.payload, src: pkt.src, dst: pkt.dst, ttl: pkt.ttl }, this.checkContext());
    if (countsAsReceived(r)) this.stats.advert_rcvd++;
    if (!r.ok) {
      this.stats[r.reason.reason]++;
      if (!this.loggedDrops.has(r.reason.reason)) {
        this.loggedDrops.add(r.reason.reason);
        this.log.info({ reason: r.reason.reason, verdict: r.reason.verdict }, `(${this.name}) ${r.reason.msg}`);
      }
      return;
    }
    this.loggedDrops.clear();
    const { advert, warnings, msgs } = r.value;
    if (warnings.includes('addr_list_err')) this.stats.addr_list_err++;
    if (warnings.includes('old_unicast_checksum') && !this.oldUnicastChecksum) {
      this.oldUnicastChecksum = true;
      this.log.info(`(${this.name}) Setting unicast VRRPv3 checksum to old version`);
    }
    for (const m of msgs) this.log.info(`(${this.name}) ${m}`);
    if (advert.priority === 0) this.stats.pri_zero_rcvd++;
    this.dispatch({ t: 'advert', now: this.deps.clock.now(), advert, src: pkt.src });
  }

  private checkContext(): CheckContext {
    const c = this.cfg;
    return {
      family: c.family, version: c.version, authType: c.authType, authData: c.authData, intervalCs: c.advertIntervalCs,
      vips: c.vips, checksumMode: c.checksumMode, unicast: c.unicastPeers.length > 0, unicastPeers: c.unicastPeers,
      oldUnicastChecksum: c.oldUnicastChecksum === 'never' ? 'never' : 'auto', mcastGroup: c.mcastGroup,
      checkUnicastSrc: c.checkUnicastSrc, peerTtlRanges: c.peerTtlRanges, ownerIgnoresAdverts: c.ownerIgnoreAdverts && c.priority === 255,
      skipCheckAdvAddr: c.skipCheckAdvAddr, currentMaster: this.rt.master?.ip,
    };
  }

  private dispatch(ev: VrrpEvent): void {
    if (this.detached) return;
    if (ev.t === 'masterDownTimer' && this.group) ev = { ...ev, groupAllowsMaster: this.group.allowsMaster(this.name) };
    const { state, effects } = step(this.rt, ev, this.cfg);
    this.rt = state;
    const transitions: VrrpState[] = [];
    for (const fx of effects) {
      if (fx.t === 'transition') transitions.push(fx.to);
      else this.apply(fx);
    }
    for (const to of transitions) {
      this.stats.transitions++;
      this.lastTransitionAt = this.deps.clock.now();
      this.loggedDrops.clear();
      this.group?.onTransition(this.name, to);
    }
  }

  private apply(fx: Exclude<Effect, { t: 'transition' }>): void {
    switch (fx.t) {
      case 'sendAdvert': return this.sendAdvert(fx.priority);
      case 'arm': return this.arm(fx.timer, fx.at);
      case 'disarm': return this.disarm(fx.timer);
      case 'addVips': return this.addVips();
      case 'delVips': return this.delVips();
      case 'garp': return this.scheduleGarp(fx.burst === 'master' ? masterBursts(this.cfg.garp) : lowerPrioBursts(this.cfg.garp), fx.burst === 'master' ? masterRefresh(this.cfg.garp) : null);
      case 'garpReload': return this.scheduleGarp(reloadBursts(this.cfg.garp, fx.vipsAdded), reloadRefresh(this.cfg.garp));
      case 'cancelGarp': return this.cancelGarp();
      case 'announceSelf': return this.guard('announce', () => this.deps.announcer.announce(this.name, this.cfg.srcIp));
      case 'notify': return this.guard('notify', () => this.deps.notifier.notify({ instance: this.name, from: fx.from, state: fx.state, priority: fx.priority }));
      case 'notifyMasterRxLowerPri': return this.guard('notify', () => this.deps.notifier.masterRxLowerPri?.(this.name, fx.priority));
      case 'stat': this.stats[fx.counter]++; return;
      case 'log': this.log[fx.level](`(${this.name}) ${fx.msg}`); return;
    }
  }

  private guard(what: string, fn: () => void): void {
    try { fn(); } catch (err) { this.log.error({ err }, `(${this.name}) ${what} failed`); }
  }

  private advert(priority: number): Advert {
    const c = this.cfg;
    const a: Advert = { version: c.version, vrid: c.vrid, priority, intervalCs: c.advertIntervalCs, addrs: c.vips };
    if (c.version === 2) return { ...a, authType: c.authType, authData: c.authType === AUTH_PASS && c.authData ? c.authData : new Uint8Array(8) };
    return a;
  }

  private sendAdvert(priority: number): void {
    const c = this.cfg;
    const adv = this.advert(priority);
    const dsts = c.unicastPeers.length > 0 ? c.unicastPeers : [c.mcastGroup];
    for (const dst of dsts) {
      // The v3 checksum covers the destination, so each unicast copy is encoded separately.
      const sumDst = this.oldUnicastChecksum && c.unicastPeers.length > 0 ? c.mcastGroup : dst;
      const payload = encodeAdvert(adv, { family: c.family, src: c.srcIp, dst: sumDst, checksumMode: c.checksumMode });
      this.ipId = nextIpId(this.ipId);
      this.guard('send', () => this.deps.transport.send({ ifindex: c.ifindex, family: c.family, src: c.srcIp, dst, ttl: c.ttl, ipId: this.ipId, payload }));
    }
    this.stats.advert_sent++;
  }

  private arm(timer: TimerName, at: number): void {
    this.disarm(timer);
    const ev: VrrpEvent['t'] = timer === 'adver' ? 'adverTimer' : 'masterDownTimer';
    const cancel = this.deps.clock.after(at - this.deps.clock.now(), () => {
      this.timers.delete(timer);
      this.dispatch({ t: ev, now: this.deps.clock.now() } as VrrpEvent);
    });
    this.timers.set(timer, cancel);
  }

  private disarm(timer: TimerName): void {
    this.timers.get(timer)?.();
    this.timers.delete(timer);
  }

  private addVips(): void {
    try {
      const r = this.deps.vips.add(this.name);
      this.vipsAdded = r instanceof Promise
        ? r.catch((err: unknown) => { this.log.error({ err }, `(${this.name}) adding VIPs failed`); })
        : null;
    } catch (err) {
      this.log.error({ err }, `(${this.name}) adding VIPs failed`);
    }
  }

  private delVips(): void {
    this.vipsAdded = null;
    try {
      const r = this.deps.vips.remove(this.name);
      if (r instanceof Promise) r.catch((err: unknown) => this.log.error({ err }, `(${this.name}) removing VIPs failed`));
    } catch (err) {
      this.log.error({ err }, `(${this.name}) removing VIPs failed`);
    }
  }

  private scheduleGarp(bursts: Burst[], refresh: Refresh | null): void {
    const start = (): void => {
      // A burst due now goes out at once: a timer would cost at least one more event-loop turn.
      for (const b of bursts) {
        if (b.atMs <= 0) this.sendBurst(b.repeat);
        else this.garpAt(b.atMs, () => this.sendBurst(b.repeat));
      }
      if (refresh) {
        const tick = (): void => { this.sendBurst(refresh.repeat); this.garpAt(refresh.periodMs, tick); };
        this.garpAt(refresh.firstAtMs, tick);
      }
    };
    // GARPs follow the VIPs: wait for an asynchronous add to finish.
    if (this.vipsAdded) {
      const pending = this.vipsAdded;
      pending.then(() => { if (this.vipsAdded === pending && this.rt.state === 'MASTER') start(); }, () => {});
    } else start();
  }

  private sendBurst(repeat: number): void {
    if (this.rt.state !== 'MASTER') return; // only while the VIPs are set
    const addrs = [...this.cfg.vips, ...this.cfg.excludedVips];
    for (const p of burstPackets(addrs, repeat, this.cfg.garp)) {
      this.garpAt(p.offsetMs, () => this.guard('announce', () => this.deps.announcer.announce(this.name, p.addr)));
    }
  }

  /** Runs fn now (delay 0) or after delay ms, cancellable by cancelGarp. */
  private garpAt(delayMs: number, fn: () => void): void {
    if (delayMs <= 0) return fn();
    const cancel = this.deps.clock.after(delayMs, () => { this.garpTimers.delete(cancel); fn(); });
    this.garpTimers.add(cancel);
  }

  private cancelGarp(): void {
    for (const c of this.garpTimers) c();
    this.garpTimers.clear();
  }

  /** Stops timers and GARPs without any protocol action, handing state and stats to a reload successor. */
  detach(): InstanceHandover {
    this.detached = true;
    for (const t of [...this.timers.keys()]) this.disarm(t);
    this.cancelGarp();
    return {
      cfg: this.cfg, runtime: this.rt, stats: { ...this.stats }, lastTransitionAt: this.lastTransitionAt,
      ipId: this.ipId, oldUnicastChecksum: this.oldUnicastChecksum,
    };
  }

  /**
   * Reload: continue from a predecessor matched by `reloadKey` (keepalived keeps matched instances
   * running): same state, stats and Master_Down deadline; a MASTER advertises `effectivePriority`
   * at once and announces its addresses if some were added (reload.ts). The VIP difference itself
   * is the caller's to apply first (it knows their devices). No notification: the state is unchanged.
   */
  resume(prev: InstanceHandover, effectivePriority = this.cfg.priority): void {
    Object.assign(this.stats, prev.stats);
    this.lastTransitionAt = prev.lastTransitionAt;
    this.ipId = prev.ipId;
    if (this.cfg.oldUnicastChecksum !== 'never') this.oldUnicastChecksum ||= prev.oldUnicastChecksum;
    const { state, effects } = resumeStep(prev, this.cfg, this.deps.clock.now(), effectivePriority);
    this.rt = state;
    for (const fx of effects) if (fx.t !== 'transition') this.apply(fx);
  }

  /** Timers and GARPs still pending (for leak checks in tests and on teardown). */
  pendingTimers(): number {
    return this.timers.size + this.garpTimers.size;
  }
}
