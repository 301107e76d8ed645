/**
 * The VRRP state machine of one instance as a pure step function: (state, event, config) →
 * (state, effects). Effects are data; `instance.ts` carries them out with a Clock and ports.
 * Time enters only through `event.now` (ms) and leaves as absolute timer deadlines.
 *
 * Behaviour follows keepalived (semantics §2), which follows RFC 3768 §6.4 / RFC 5798 §6.4 with
 * these documented differences: equal priority is accepted by a BACKUP regardless of address;
 * a MASTER hearing a lower priority re-asserts (advert + GARP) instead of ignoring it; the first
 * advert is sent before the VIPs are added.
 */
import { compareIp, formatIp } from '../common/ip.js';
import type { InstanceConfig } from './config.js';
import type { Advert } from './packet.js';
import { advertIntervalMs, masterDownMs, skewMs, skewPriority } from './timers.js';

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';
export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';
export type TimerName = 'masterDown' | 'adver';
export type StatCounter = 'become_master' | 'release_master' | 'pri_zero_sent';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface VrrpRuntime {
  state: VrrpState;
  /** keepalived's wantstate: MASTER once our down timer ran out, BACKUP while we accept a master. */
  wantState: 'MASTER' | 'BACKUP';
  effectivePriority: number;
  /** Master_Adver_Interval, cs: learned from the master's adverts in v3, else our own. */
  masterAdverIntCs: number;
  /** BACKUP: when the master is declared down (ms). */
  downAt?: number | undefined;
  /** MASTER: when the next advert is due (ms). */
  adverAt?: number | undefined;
  /** preempt_delay: lower-priority adverts are still accepted until this time (ms). */
  preemptAt?: number | undefined;
  /** The master we last accepted an advert from. */
  master?: { ip: Uint8Array; priority: number } | undefined;
  /** A fault condition (interface down, weight-0 tracker) is present. */
  faulted: boolean;
}

export type VrrpEvent =
  | {
    t: 'start'; now: number; faulted: boolean;
    /** Sync-group member: does the group start as MASTER (every member an owner with state MASTER)? */
    group?: { startsMaster: boolean } | undefined;
  }
  | { t: 'masterDownTimer'; now: number; /** sync group: may we become MASTER? (default yes) */ groupAllowsMaster?: boolean }
  | { t: 'adverTimer'; now: number }
  | { t: 'advert'; now: number; advert: Advert; src: Uint8Array }
  | { t: 'fault'; now: number }
  | { t: 'faultCleared'; now: number }
  | { t: 'priority'; now: number; effective: number }
  | { t: 'syncTo'; now: number; state: 'MASTER' | 'BACKUP' | 'FAULT' }
  /** Someone else deleted one of our VIPs while MASTER (netlink monitor): fall back to BACKUP. */
  | { t: 'vipDeleted'; now: number }
  | { t: 'shutdown'; now: number };

export type Effect =
  | { t: 'sendAdvert'; priority: number }
  | { t: 'arm'; timer: TimerName; at: number }
  | { t: 'disarm'; timer: TimerName }
  | { t: 'addVips' }
  | { t: 'delVips' }
  | { t: 'garp'; burst: 'master' | 'lowerPrio' }
  /** A MASTER kept across a reload: a burst only if VIPs were added; the refresh restarts. */
  | { t: 'garpReload'; vipsAdded: boolean }
  | { t: 'cancelGarp' }
  /** Unicast instance leaving FAULT: one GARP/NA for our own source so the master can reach us. */
  | { t: 'announceSelf' }
  | { t: 'notify'; from: VrrpState; state: NotifyState; priority: number }
  | { t: 'notifyMasterRxLowerPri'; priority: number }
  | { t: 'transition'; from: VrrpState; to: VrrpState }
  | { t: 'stat'; counter: StatCounter }
  | { t: 'log'; level: LogLevel; msg: string };

export interface StepResult { state: VrrpRuntime; effects: Effect[] }

export function initialRuntime(cfg: InstanceConfig): VrrpRuntime {
  return {
    state: 'INIT', wantState: cfg.initialState, effectivePriority: cfg.priority,
    masterAdverIntCs: cfg.advertIntervalCs, faulted: false,
  };
}

/** Master_Down_Interval for the current runtime (ms). */
export function downIntervalMs(s: VrrpRuntime, cfg: InstanceConfig): number {
  return masterDownMs(cfg.version, skewPriority(cfg.priority, s.effectivePriority), s.masterAdverIntCs, cfg.downTimerAdverts);
}

export function skewTimeMs(s: VrrpRuntime, cfg: InstanceConfig): number {
  return skewMs(cfg.version, skewPriority(cfg.priority, s.effectivePriority), s.masterAdverIntCs);
}

const log = (level: LogLevel, msg: string): Effect => ({ t: 'log', level, msg });

/**
 * The one place that changes `state`: logs `from -> to`, emits the transition (for sync groups
 * and transition counters) and the become/release stats.
 */
function changeState(s: VrrpRuntime, to: VrrpState, fx: Effect[], why: string): VrrpRuntime {
  const from = s.state;
  fx.push(log('debug', `${from} -> ${to} (${why})`), { t: 'transition', from, to });
  if (to === 'MASTER') fx.push({ t: 'stat', counter: 'become_master' });
  if (from === 'MASTER' && to !== 'MASTER' && to !== 'STOP') fx.push({ t: 'stat', counter: 'release_master' });
  return { ...s, state: to };
}

// ---- entry/exit sequences --------------------------------------------------------------------

function gotoMaster(s: VrrpRuntime, cfg: InstanceConfig, now: number, fx: Effect[], why: string): VrrpRuntime {
  // Advert first, so the old master drops its VIPs before our GARPs (vrrp_state_master_tx).
  fx.push({ t: 'sendAdvert', priority: s.effectivePriority });
  let n = changeState(s, 'MASTER', fx, why);
  n = { ...n, wantState: 'MASTER', masterAdverIntCs: cfg.advertIntervalCs, downAt: undefined, preemptAt: undefined, master: undefined };
  n.adverAt = now + advertIntervalMs(cfg.advertIntervalCs);
  fx.push(
    log('info', 'Entering MASTER STATE'),
    { t: 'disarm', timer: 'masterDown' },
    { t: 'addVips' },
    { t: 'garp', burst: 'master' },
    { t: 'notify', from: s.state, state: 'MASTER', priority: n.effectivePriority },
    { t: 'arm', timer: 'adver', at: n.adverAt },
  );
  return n;
}

/** Leaves MASTER without a priority-0 advert (RFC: a higher priority took over). */
function leaveMasterToBackup(s: VrrpRuntime, cfg: InstanceConfig, now: number, fx: Effect[], why: string): VrrpRuntime {
  fx.push({ t: 'disarm', timer: 'adver' }, { t: 'cancelGarp' }, { t: 'delVips' });
  return enterBackup(s, cfg, now, fx, why);
}

function enterBackup(s: VrrpRuntime, cfg: InstanceConfig, now: number, fx: Effect[], why: string): VrrpRuntime {
  let n = changeState(s, 'BACKUP', fx, why);
  n = { ...n, adverAt: undefined };
  n.downAt = now + downIntervalMs(n, cfg);
  fx.push(
    log('info', why === 'init' ? 'Entering BACKUP STATE (init)' : 'Entering BACKUP STATE'),
    { t: 'arm', timer: 'masterDown', at: n.downAt },
    { t: 'notify', from: s.state, state: 'BACKUP', priority: n.effectivePriority },
  );
  return n;
}

function enterFault(s: VrrpRuntime, fx: Effect[], why: string, init = false): VrrpRuntime {
  if (s.state === 'MASTER') {
    // Going to FAULT from MASTER: tell the backups at once (priority 0), then drop the VIPs.
    // keepalived 2.2.7 puts two priority-0 adverts on the wire here and counts one in pri_zero_sent
    // (test/fixtures/packets/keepalived-2.2.7-fault.txt); we do the same so stats and wire match.
    fx.push({ t: 'sendAdvert', priority: 0 }, { t: 'sendAdvert', priority: 0 }, { t: 'stat', counter: 'pri_zero_sent' },
      { t: 'disarm', timer: 'adver' }, { t: 'cancelGarp' }, { t: 'delVips' });
  }
  if (s.state === 'BACKUP') fx.push({ t: 'disarm', timer: 'masterDown' });
  const n = changeState(s, 'FAULT', fx, why);
  fx.push(log('info', init ? 'Entering FAULT STATE (init)' : 'Entering FAULT STATE'),
    { t: 'notify', from: s.state, state: 'FAULT', priority: n.effectivePriority });
  return { ...n, downAt: undefined, adverAt: undefined, master: undefined };
}

const isOwner = (cfg: InstanceConfig): boolean => cfg.priority === 255;

// ---- event handlers, one per event kind, each a switch on state ------------------------------

function onStart(s: VrrpRuntime, ev: Extract<VrrpEvent, { t: 'start' }>, cfg: InstanceConfig): StepResult {
  const fx: Effect[] = [{ t: 'delVips' }]; // start clean: keepalived removes configured VIPs first
  const st: VrrpRuntime = { ...s, faulted: ev.faulted };
  if (ev.faulted) return { state: enterFault(st, fx, 'init', true), effects: fx };
  const groupHolds = ev.group !== undefined && !ev.group.startsMaster;
  if (cfg.initialState === 'MASTER' && isOwner(cfg) && !groupHolds) {
    // The owner goes MASTER at once: keepalived arms a 1 µs down timer without announcing BACKUP.
    const downAt = ev.now + 0.001;
    const n = changeState(st, 'BACKUP', fx, 'init, address owner');
    fx.push({ t: 'arm', timer: 'masterDown', at: downAt });
    return { state: { ...n, wantState: 'MASTER', downAt }, effects: fx };
  }
  // Everyone else, sync-group members wanting MASTER included, waits a full Master_Down_Interval
  // (measured on keepalived 2.2.7: capture-syncstart.sh).
  return { state: enterBackup(st, cfg, ev.now, fx, 'init'), effects: fx };
}

function onMasterDown(s: VrrpRuntime, ev: Extract<VrrpEvent, { t: 'masterDownTimer' }>, cfg: InstanceConfig): StepResult {
  if (s.state !== 'BACKUP') return { state: s, effects: [] };
  const fx: Effect[] = [log('info', 'Receive advertisement timeout')];
  if (ev.groupAllowsMaster === false) {
    // Sync group: wait for every member to want MASTER; keep listening.
    const downAt = ev.now + downIntervalMs(s, cfg);
    fx.push({ t: 'arm', timer: 'masterDown', at: downAt });
    return { state: { ...s, wantState: 'MASTER', downAt }, effects: fx };
  }
  return { state: gotoMaster(s, cfg, ev.now, fx, 'master down'), effects: fx };
}

function onAdverTimer(s: VrrpRuntime, ev: Extract<VrrpEvent, { t: 'adverTimer' }>, cfg: InstanceConfig): StepResult {
  if (s.state !== 'MASTER') return { state: s, effects: [] };
  const adverAt = ev.now + advertIntervalMs(cfg.advertIntervalCs);
  return {
    state: { ...s, adverAt },
    effects: [{ t: 'sendAdvert', priority: s.effectivePriority }, { t: 'arm', timer: 'adver', at: adverAt }],
  };
}

function onAdvert(s: VrrpRuntime, ev: Extract<VrrpEvent, { t: 'advert' }>, cfg: InstanceConfig): StepResult {
  switch (s.state) {
    case 'BACKUP': return backupRx(s, ev, cfg);
    case 'MASTER': return masterRx(s, ev, cfg);
    default: return { state: s, effects: [] }; // INIT, FAULT, STOP ignore adverts
  }
}

/** v3: a backup uses the master's advertised interval (RFC 5798 §6.4.2). */
function adoptInterval(s: VrrpRuntime, a: Advert, fx: Effect[]): number {
  if (a.intervalCs !== s.masterAdverIntCs) {
    fx.push(log('info', `advertisement interval updated from ${s.masterAdverIntCs * 10}ms to ${a.intervalCs * 10}ms by master`));
  }
  return a.intervalCs;
}

function backupRx(s: VrrpRuntime, ev: Extract<VrrpEvent, { t: 'advert' }>, cfg: InstanceConfig): StepResult {
  const { advert: a, now } = ev;
  const from = formatIp(ev.src);
  if (a.priority === 0) {
    // The master is leaving: take over after Skew_Time only.
    const downAt = now + skewTimeMs(s, cfg);
    return { state: { ...s, downAt }, effects: [{ t: 'arm', timer: 'masterDown', at: downAt }] };
  }
  const lower = a.priority < s.effectivePriority;
  const delaying = cfg.preemptDelayMs > 0 && (s.preemptAt === undefined || now < s.preemptAt);
  if (cfg.nopreempt || !lower || delaying) {
    let n: VrrpRuntime = { ...s, wantState: 'BACKUP', master: { ip: ev.src, priority: a.priority } };
    const fx: Effect[] = [];
    if (cfg.version === 3) n.masterAdverIntCs = adoptInterval(s, a, fx);
    if (cfg.preemptDelayMs > 0) {
      n = { ...n, preemptAt: lower ? (s.preemptAt ?? now + cfg.preemptDelayMs) : undefined };
    }
    n.downAt = now + downIntervalMs(n, cfg);
    fx.push({ t: 'arm', timer: 'masterDown', at: n.downAt });
    return { state: n, effects: fx };
  }
  // Lower priority and we may preempt: ignore it, our down timer runs out and we take over.
  return { state: s, effects: [log('info', `received lower priority (${a.priority}) advert from ${from} - discarding`)] };
}

function masterRx(s: VrrpRuntime, ev: Extract<VrrpEvent, { t: 'advert' }>, cfg: InstanceConfig): StepResult {
  const { advert: a, now } = ev;
  const from = formatIp(ev.src);
  const ours = s.effectivePriority;
  const fx: Effect[] = [];
  if (a.priority === 0) {
    // Another master is leaving: assert ourselves at once.
    const adverAt = now + advertIntervalMs(cfg.advertIntervalCs);
    fx.push({ t: 'sendAdvert', priority: ours }, { t: 'arm', timer: 'adver', at: adverAt });
    return { state: { ...s, adverAt }, effects: fx };
  }
  const addrCmp = compareIp(ev.src, cfg.srcIp);
  const higher = a.priority > ours || (a.priority === ours && addrCmp > 0);
  if (cfg.higherPrioSendAdvert && higher) fx.push({ t: 'sendAdvert', priority: ours });
  if (a.priority === ours && addrCmp === 0) {
    fx.push(log('warn', 'WARNING - equal priority advert received from remote host with our IP address.'));
    return { state: s, effects: fx };
  }
  if (!higher) {
    // Split brain or a returning lower-priority router: re-assert (keepalived, not RFC 5798 §6.4.3).
    fx.push(log('info', `Received advert from ${from} with lower priority ${a.priority}, ours ${ours}, forcing new election`));
    let n = s;
    if (!cfg.lowerPrioNoAdvert) {
      // The forced advert restarts the advert timer (seen on the wire from keepalived 2.2.7).
      const adverAt = now + advertIntervalMs(cfg.advertIntervalCs);
      n = { ...s, adverAt };
      fx.push({ t: 'sendAdvert', priority: ours }, { t: 'arm', timer: 'adver', at: adverAt });
    }
    if (cfg.garp.lowerPrioRepeat > 0) fx.push({ t: 'garp', burst: 'lowerPrio' });
    fx.push({ t: 'notifyMasterRxLowerPri', priority: ours });
    return { state: n, effects: fx };
  }
  if (a.priority === 255 && ours === 255) {
    fx.push(log('error', `CONFIGURATION ERROR: local instance and ${from} are both configured as address owner, please resolve`));
  } else if (a.priority === ours) {
    fx.push(log('info', `Master received advert from ${from} with same priority ${a.priority} but higher IP address than ours`));
  } else {
    fx.push(log('info', `Master received advert from ${from} with higher priority ${a.priority}, ours ${ours}`));
  }
  let n: VrrpRuntime = { ...s, wantState: 'BACKUP', master: { ip: ev.src, priority: a.priority } };
  if (cfg.version === 3) n.masterAdverIntCs = adoptInterval(s, a, fx);
  n = leaveMasterToBackup(n, cfg, now, fx, 'higher priority advert');
  return { state: n, effects: fx };
}

function onFault(s: VrrpRuntime): StepResult {
  const st = { ...s, faulted: true };
  if (s.state === 'MASTER' || s.state === 'BACKUP') {
    const fx: Effect[] = [];
    return { state: enterFault(st, fx, 'fault'), effects: fx };
  }
  return { state: st, effects: [] };
}

function onFaultCleared(s: VrrpRuntime, now: number, cfg: InstanceConfig): StepResult {
  const st = { ...s, faulted: false };
  if (s.state !== 'FAULT') return { state: st, effects: [] };
  const fx: Effect[] = [];
  // An owner that wants MASTER goes straight there (vrrp_state_leave_fault).
  if (isOwner(cfg) && cfg.initialState === 'MASTER') return { state: gotoMaster(st, cfg, now, fx, 'fault cleared'), effects: fx };
  const n = enterBackup({ ...st, masterAdverIntCs: cfg.advertIntervalCs }, cfg, now, fx, 'fault cleared');
  if (cfg.unicastPeers.length > 0) fx.push({ t: 'announceSelf' });
  return { state: n, effects: fx };
}

function onPriority(s: VrrpRuntime, ev: Extract<VrrpEvent, { t: 'priority' }>, cfg: InstanceConfig): StepResult {
  const effective = Math.min(254, Math.max(1, Math.round(ev.effective))); // 0 and 255 have protocol meanings
  if (isOwner(cfg) || effective === s.effectivePriority) return { state: s, effects: [] };
  const fx: Effect[] = [log('info', `Changing effective priority from ${s.effectivePriority} to ${effective}`)];
  const n: VrrpRuntime = { ...s, effectivePriority: effective };
  if (s.state === 'BACKUP' && s.downAt !== undefined) {
    // Shift the pending expiry by the change of Master_Down_Interval (vrrp_set_effective_priority).
    // A higher priority may move it into the past: then it is due now.
    n.downAt = Math.max(ev.now, s.downAt + downIntervalMs(n, cfg) - downIntervalMs(s, cfg));
    fx.push({ t: 'arm', timer: 'masterDown', at: n.downAt });
  }
  return { state: n, effects: fx };
}

function onSyncTo(s: VrrpRuntime, ev: Extract<VrrpEvent, { t: 'syncTo' }>, cfg: InstanceConfig): StepResult {
  const fx: Effect[] = [];
  switch (ev.state) {
    case 'MASTER':
      if (s.state === 'BACKUP') return { state: gotoMaster(s, cfg, ev.now, fx, 'sync group'), effects: fx };
      break;
    case 'BACKUP':
      if (s.state === 'MASTER') return { state: leaveMasterToBackup({ ...s, wantState: 'BACKUP' }, cfg, ev.now, fx, 'sync group'), effects: fx };
      if (s.state === 'FAULT' && !s.faulted) return { state: enterBackup(s, cfg, ev.now, fx, 'sync group'), effects: fx };
      break;
    case 'FAULT':
      if (s.state === 'MASTER' || s.state === 'BACKUP') return { state: enterFault(s, fx, 'sync group'), effects: fx };
      break;
  }
  return { state: s, effects: fx };
}

function onVipDeleted(s: VrrpRuntime, now: number, cfg: InstanceConfig): StepResult {
  if (s.state !== 'MASTER') return { state: s, effects: [] };
  const fx: Effect[] = [log('info', 'VIP deleted externally - going to BACKUP')];
  return { state: leaveMasterToBackup({ ...s, wantState: 'BACKUP' }, cfg, now, fx, 'VIP deleted'), effects: fx };
}

function onShutdown(s: VrrpRuntime): StepResult {
  if (s.state === 'STOP') return { state: s, effects: [] };
  const fx: Effect[] = [];
  if (s.state === 'MASTER') {
    // Release: priority 0 so a backup takes over after Skew_Time, then drop the VIPs.
    fx.push({ t: 'sendAdvert', priority: 0 }, { t: 'stat', counter: 'pri_zero_sent' }, { t: 'cancelGarp' }, { t: 'delVips' });
  }
  fx.push({ t: 'disarm', timer: 'adver' }, { t: 'disarm', timer: 'masterDown' });
  const n = changeState(s, 'STOP', fx, 'shutdown');
  fx.push({ t: 'notify', from: s.state, state: 'STOP', priority: n.effectivePriority });
  return { state: { ...n, downAt: undefined, adverAt: undefined }, effects: fx };
}

export function step(s: VrrpRuntime, ev: VrrpEvent, cfg: InstanceConfig): StepResult {
  if (s.state === 'STOP') return { state: s, effects: [] };
  switch (ev.t) {
    case 'start': return s.state === 'INIT' ? onStart(s, ev, cfg) : { state: s, effects: [] };
    case 'masterDownTimer': return onMasterDown(s, ev, cfg);
    case 'adverTimer': return onAdverTimer(s, ev, cfg);
    case 'advert': return onAdvert(s, ev, cfg);
    case 'fault': return onFault(s);
    case 'faultCleared': return onFaultCleared(s, ev.now, cfg);
    case 'priority': return onPriority(s, ev, cfg);
    case 'syncTo': return onSyncTo(s, ev, cfg);
    case 'vipDeleted': return onVipDeleted(s, ev.now, cfg);
    case 'shutdown': return onShutdown(s);
  }
}
