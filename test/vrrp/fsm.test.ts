import { describe, expect, it } from 'vitest';
import { instanceConfig, type InstanceConfig } from '../../src/vrrp/config.js';
import { initialRuntime, step, type Effect, type VrrpEvent, type VrrpRuntime } from '../../src/vrrp/fsm.js';
import type { Advert } from '../../src/vrrp/packet.js';

const ip = (d: number) => Uint8Array.from([10, 0, 0, d]);
const base = instanceConfig({ name: 'VI_1', vrid: 51, srcIp: ip(5), priority: 100, vips: [ip(100)] });
const adv = (priority: number, intervalCs = 100, version: 2 | 3 = 2): Advert =>
  ({ version, vrid: 51, priority, intervalCs, addrs: [ip(100)], authType: 0, authData: new Uint8Array(8) });

/** Runs events in order, returning the final runtime and the effects of the last event. */
function run(cfg: InstanceConfig, events: VrrpEvent[], from: VrrpRuntime = initialRuntime(cfg)) {
  let s = from;
  let effects: Effect[] = [];
  for (const ev of events) ({ state: s, effects } = step(s, ev, cfg));
  return { s, effects };
}
const kinds = (fx: Effect[]) => fx.filter((e) => e.t !== 'log' && e.t !== 'transition' && e.t !== 'stat')
  .map((e) => (e.t === 'arm' || e.t === 'disarm' ? `${e.t}:${e.timer}` : e.t === 'sendAdvert' ? `advert:${e.priority}`
    : e.t === 'garp' ? `garp:${e.burst}` : e.t === 'notify' ? `notify:${e.state}` : e.t));
const arm = (fx: Effect[], timer: string) => fx.find((e): e is Extract<Effect, { t: 'arm' }> => e.t === 'arm' && e.timer === timer)?.at;
const backupAt0 = (cfg = base) => run(cfg, [{ t: 'start', now: 0, faulted: false }]).s;
const masterAt = (now: number, cfg = base) => run(cfg, [{ t: 'masterDownTimer', now }], backupAt0(cfg)).s;

describe('RFC 5798 §6.4.1 Initialize', () => {
  it('priority < 255: BACKUP, VIPs removed, Master_Down_Interval armed, notify BACKUP', () => {
    const { s, effects } = run(base, [{ t: 'start', now: 1000, faulted: false }]);
    expect(s.state).toBe('BACKUP');
    expect(kinds(effects)).toEqual(['delVips', 'arm:masterDown', 'notify:BACKUP']);
    expect(arm(effects, 'masterDown')).toBe(1000 + 3609.375);
    expect(effects).toContainEqual({ t: 'log', level: 'info', msg: 'Entering BACKUP STATE (init)' });
  });
  it('state MASTER with priority < 255 still waits the full down interval', () => {
    const { s, effects } = run({ ...base, initialState: 'MASTER' }, [{ t: 'start', now: 0, faulted: false }]);
    expect(s.state).toBe('BACKUP');
    expect(arm(effects, 'masterDown')).toBe(3609.375);
  });
  it('address owner (255, state MASTER): MASTER without announcing BACKUP, then advert first, VIPs, GARP, timer', () => {
    const owner = { ...base, priority: 255, initialState: 'MASTER' as const };
    const start = run(owner, [{ t: 'start', now: 0, faulted: false }]);
    expect(kinds(start.effects)).toEqual(['delVips', 'arm:masterDown']);
    expect(arm(start.effects, 'masterDown')).toBeLessThan(0.01);
    const m = run(owner, [{ t: 'masterDownTimer', now: 0.001 }], start.s);
    expect(m.s.state).toBe('MASTER');
    expect(kinds(m.effects)).toEqual(['advert:255', 'disarm:masterDown', 'addVips', 'garp:master', 'notify:MASTER', 'arm:adver']);
    expect(arm(m.effects, 'adver')).toBe(1000.001);
    expect(m.effects).toContainEqual({ t: 'stat', counter: 'become_master' });
  });
  it('an interface or weight-0 tracker fault at start: FAULT (init), no timers', () => {
    const { s, effects } = run(base, [{ t: 'start', now: 0, faulted: true }]);
    expect(s.state).toBe('FAULT');
    expect(kinds(effects)).toEqual(['delVips', 'notify:FAULT']);
    expect(effects).toContainEqual({ t: 'log', level: 'info', msg: 'Entering FAULT STATE (init)' });
  });
});

describe('RFC 5798 §6.4.2 Backup', () => {
  it('Master_Down_Timer fires: advert, MASTER, VIPs, GARP, notify, Adver_Timer', () => {
    const { s, effects } = run(base, [{ t: 'masterDownTimer', now: 3609.375 }], backupAt0());
    expect(s.state).toBe('MASTER');
    expect(kinds(effects)).toEqual(['advert:100', 'disarm:masterDown', 'addVips', 'garp:master', 'notify:MASTER', 'arm:adver']);
    expect(effects).toContainEqual({ t: 'transition', from: 'BACKUP', to: 'MASTER' });
  });
  it('priority 0 advert: Master_Down_Timer = Skew_Time', () => {
    const { s, effects } = run(base, [{ t: 'advert', now: 500, advert: adv(0), src: ip(9) }], backupAt0());
    expect(s.downAt).toBe(500 + 609.375);
    expect(kinds(effects)).toEqual(['arm:masterDown']);
  });
  it('priority >= ours: accept, reset Master_Down_Timer, remember the master', () => {
    for (const p of [100, 200]) {
      const { s, effects } = run(base, [{ t: 'advert', now: 2000, advert: adv(p), src: ip(1) }], backupAt0());
      expect(arm(effects, 'masterDown')).toBe(2000 + 3609.375);
      expect(s.master).toEqual({ ip: ip(1), priority: p });
    }
  });
  it('equal priority is accepted regardless of the sender address (tie-break only in MASTER)', () => {
    const { effects } = run(base, [{ t: 'advert', now: 10, advert: adv(100), src: ip(1) }], backupAt0());
    expect(kinds(effects)).toEqual(['arm:masterDown']);
  });
  it('lower priority with preemption: discarded, the timer keeps running', () => {
    const b = backupAt0();
    const { s, effects } = run(base, [{ t: 'advert', now: 2000, advert: adv(50), src: ip(9) }], b);
    expect(s.downAt).toBe(b.downAt);
    expect(effects).toEqual([{ t: 'log', level: 'info', msg: 'received lower priority (50) advert from 10.0.0.9 - discarding' }]);
  });
  it('nopreempt: a lower priority master is accepted', () => {
    const cfg = { ...base, nopreempt: true };
    const { effects } = run(cfg, [{ t: 'advert', now: 2000, advert: adv(50), src: ip(9) }], backupAt0(cfg));
    expect(arm(effects, 'masterDown')).toBe(2000 + 3609.375);
  });
  it('preempt_delay: lower priority accepted until the delay (started by the first one) has passed', () => {
    const cfg = { ...base, preemptDelayMs: 10_000 };
    let s = backupAt0(cfg);
    s = run(cfg, [{ t: 'advert', now: 1000, advert: adv(50), src: ip(9) }], s).s;
    expect(s.preemptAt).toBe(11_000);
    s = run(cfg, [{ t: 'advert', now: 5000, advert: adv(50), src: ip(9) }], s).s;
    expect(s.preemptAt).toBe(11_000); // not restarted
    expect(s.downAt).toBe(5000 + 3609.375);
    const late = run(cfg, [{ t: 'advert', now: 11_000, advert: adv(50), src: ip(9) }], s);
    expect(late.s.downAt).toBe(5000 + 3609.375); // ignored now
    const cancel = run(cfg, [{ t: 'advert', now: 6000, advert: adv(150), src: ip(9) }], s);
    expect(cancel.s.preemptAt).toBeUndefined();
  });
  it('v3: the backup adopts the master advertised interval for its down timer', () => {
    const cfg = { ...base, version: 3 as const, advertIntervalCs: 100 };
    const { s } = run(cfg, [{ t: 'advert', now: 0, advert: adv(200, 10, 3), src: ip(1) }], backupAt0(cfg));
    expect(s.masterAdverIntCs).toBe(10);
    expect(s.downAt).toBe(360.937);
    const again = run(cfg, [{ t: 'advert', now: 100, advert: adv(200, 10, 3), src: ip(1) }], s);
    expect(kinds(again.effects)).toEqual(['arm:masterDown']); // logged only when it changes
    expect(run(cfg, [{ t: 'advert', now: 0, advert: adv(200, 10, 3), src: ip(1) }], backupAt0(cfg)).effects[0])
      .toEqual({ t: 'log', level: 'info', msg: 'advertisement interval updated from 1000ms to 100ms by master' });
    const m = run(cfg, [{ t: 'masterDownTimer', now: 400 }], s);
    expect(m.s.masterAdverIntCs).toBe(100); // own interval again as MASTER
    expect(arm(m.effects, 'adver')).toBe(1400);
  });
  it('shutdown while BACKUP: STOP, no advert', () => {
    const { s, effects } = run(base, [{ t: 'shutdown', now: 1 }], backupAt0());
    expect(s.state).toBe('STOP');
    expect(kinds(effects)).toEqual(['disarm:adver', 'disarm:masterDown', 'notify:STOP']);
  });
  it('adverts in FAULT and after STOP are ignored', () => {
    const f = run(base, [{ t: 'start', now: 0, faulted: true }]).s;
    expect(step(f, { t: 'advert', now: 1, advert: adv(0), src: ip(1) }, base)).toEqual({ state: f, effects: [] });
  });
});

describe('RFC 5798 §6.4.3 Master', () => {
  const m = masterAt(3609.375);
  it('Adver_Timer: send an advert with the effective priority and re-arm', () => {
    const { effects } = run(base, [{ t: 'adverTimer', now: 4609.375 }], m);
    expect(kinds(effects)).toEqual(['advert:100', 'arm:adver']);
    expect(arm(effects, 'adver')).toBe(5609.375);
  });
  it('shutdown: priority 0 advert, VIPs removed, STOP', () => {
    const { s, effects } = run(base, [{ t: 'shutdown', now: 5000 }], m);
    expect(s.state).toBe('STOP');
    expect(kinds(effects)).toEqual(['advert:0', 'cancelGarp', 'delVips', 'disarm:adver', 'disarm:masterDown', 'notify:STOP']);
    expect(effects).toContainEqual({ t: 'stat', counter: 'pri_zero_sent' });
  });
  it('priority 0 advert: send an advert at once and reset the Adver_Timer', () => {
    const { s, effects } = run(base, [{ t: 'advert', now: 4000, advert: adv(0), src: ip(9) }], m);
    expect(s.state).toBe('MASTER');
    expect(kinds(effects)).toEqual(['advert:100', 'arm:adver']);
    expect(arm(effects, 'adver')).toBe(5000);
  });
  it('higher priority: BACKUP with Master_Down_Interval, VIPs removed, no priority-0 advert', () => {
    const { s, effects } = run(base, [{ t: 'advert', now: 4000, advert: adv(150), src: ip(1) }], m);
    expect(s.state).toBe('BACKUP');
    expect(kinds(effects)).toEqual(['disarm:adver', 'cancelGarp', 'delVips', 'arm:masterDown', 'notify:BACKUP']);
    expect(arm(effects, 'masterDown')).toBe(4000 + 3609.375);
    expect(effects).toContainEqual({ t: 'stat', counter: 'release_master' });
    expect(effects).toContainEqual({ t: 'log', level: 'info', msg: 'Master received advert from 10.0.0.1 with higher priority 150, ours 100' });
  });
  it('equal priority, higher sender IP: yields; lower sender IP: re-asserts (tie-break by primary IP)', () => {
    const hi = run(base, [{ t: 'advert', now: 4000, advert: adv(100), src: ip(6) }], m);
    expect(hi.s.state).toBe('BACKUP');
    expect(hi.effects).toContainEqual({ t: 'log', level: 'info', msg: 'Master received advert from 10.0.0.6 with same priority 100 but higher IP address than ours' });
    const lo = run(base, [{ t: 'advert', now: 4000, advert: adv(100), src: ip(4) }], m);
    expect(lo.s.state).toBe('MASTER');
    expect(kinds(lo.effects)).toEqual(['advert:100', 'arm:adver', 'garp:lowerPrio', 'notifyMasterRxLowerPri']);
  });
  it('tie-break compares addresses as unsigned big-endian numbers', () => {
    const cfg = { ...base, srcIp: Uint8Array.from([10, 0, 0, 200]) };
    const mm = masterAt(4000, cfg);
    expect(run(cfg, [{ t: 'advert', now: 4100, advert: adv(100), src: Uint8Array.from([9, 255, 255, 255]) }], mm).s.state).toBe('MASTER');
    expect(run(cfg, [{ t: 'advert', now: 4100, advert: adv(100), src: Uint8Array.from([10, 0, 1, 0]) }], mm).s.state).toBe('BACKUP');
  });
  it('lower priority: keepalived re-asserts with an advert and a GARP burst (split-brain heal)', () => {
    const { s, effects } = run(base, [{ t: 'advert', now: 4000, advert: adv(50), src: ip(9) }], m);
    expect(s.state).toBe('MASTER');
    expect(kinds(effects)).toEqual(['advert:100', 'arm:adver', 'garp:lowerPrio', 'notifyMasterRxLowerPri']);
    expect(arm(effects, 'adver')).toBe(5000); // the forced advert restarts the advert timer
    expect(effects[0]).toEqual({ t: 'log', level: 'info', msg: 'Received advert from 10.0.0.9 with lower priority 50, ours 100, forcing new election' });
  });
  it('lower_prio_no_advert and garp_lower_prio_repeat 0 silence the re-assertion', () => {
    const cfg = { ...base, lowerPrioNoAdvert: true, garp: { ...base.garp, lowerPrioRepeat: 0 } };
    expect(kinds(run(cfg, [{ t: 'advert', now: 4000, advert: adv(50), src: ip(9) }], masterAt(3609.375, cfg)).effects)).toEqual(['notifyMasterRxLowerPri']);
  });
  it('higher_prio_send_advert: one advert before yielding', () => {
    const cfg = { ...base, higherPrioSendAdvert: true };
    const { effects } = run(cfg, [{ t: 'advert', now: 4000, advert: adv(150), src: ip(1) }], masterAt(3609.375, cfg));
    expect(kinds(effects)[0]).toBe('advert:100');
  });
  it('equal priority from our own address: warning, stays MASTER', () => {
    const { s, effects } = run(base, [{ t: 'advert', now: 4000, advert: adv(100), src: ip(5) }], m);
    expect(s.state).toBe('MASTER');
    expect(effects).toEqual([{ t: 'log', level: 'warn', msg: 'WARNING - equal priority advert received from remote host with our IP address.' }]);
  });
  it('two address owners: the lower address yields with a configuration error', () => {
    const owner = { ...base, priority: 255, initialState: 'MASTER' as const };
    const om = run(owner, [{ t: 'start', now: 0, faulted: false }, { t: 'masterDownTimer', now: 0.001 }]).s;
    const { s, effects } = run(owner, [{ t: 'advert', now: 10, advert: adv(255), src: ip(7) }], om);
    expect(s.state).toBe('BACKUP');
    expect(effects).toContainEqual({ t: 'log', level: 'error', msg: 'CONFIGURATION ERROR: local instance and 10.0.0.7 are both configured as address owner, please resolve' });
  });
});

describe('FAULT and priority changes', () => {
  it('MASTER -> FAULT sends priority 0 and drops the VIPs; recovery goes to BACKUP with a fresh timer', () => {
    const m = masterAt(3609.375);
    const f = run(base, [{ t: 'fault', now: 5000 }], m);
    expect(f.s.state).toBe('FAULT');
    expect(kinds(f.effects)).toEqual(['advert:0', 'advert:0', 'disarm:adver', 'cancelGarp', 'delVips', 'notify:FAULT']);
    expect(step(f.s, { t: 'adverTimer', now: 6000 }, base).effects).toEqual([]);
    const r = run(base, [{ t: 'faultCleared', now: 7000 }], f.s);
    expect(r.s.state).toBe('BACKUP');
    expect(arm(r.effects, 'masterDown')).toBe(7000 + 3609.375);
  });
  it('BACKUP -> FAULT disarms the down timer; an owner leaves FAULT straight to MASTER', () => {
    expect(kinds(run(base, [{ t: 'fault', now: 1 }], backupAt0()).effects)).toEqual(['disarm:masterDown', 'notify:FAULT']);
    const owner = { ...base, priority: 255, initialState: 'MASTER' as const };
    const f = run(owner, [{ t: 'start', now: 0, faulted: true }]).s;
    expect(run(owner, [{ t: 'faultCleared', now: 50 }], f).s.state).toBe('MASTER');
  });
  it('a priority change in BACKUP shifts the pending expiry by the change in Master_Down_Interval', () => {
    const b = backupAt0(); // expires at 3609.375 with priority 100
    const { s, effects } = run(base, [{ t: 'priority', now: 1000, effective: 150 }], b);
    expect(s.effectivePriority).toBe(150);
    expect(s.downAt).toBe(3609.375 - (609.375 - 414.062));
    expect(effects[0]).toEqual({ t: 'log', level: 'info', msg: 'Changing effective priority from 100 to 150' });
    // shifted into the past: due at once
    expect(run(base, [{ t: 'priority', now: 3500, effective: 250 }], b).s.downAt).toBe(3500);
  });
  it('MASTER adverts carry the new effective priority; the owner never changes priority', () => {
    const m = run(base, [{ t: 'priority', now: 4000, effective: 80 }], masterAt(3609.375)).s;
    expect(kinds(run(base, [{ t: 'adverTimer', now: 4609.375 }], m).effects)[0]).toBe('advert:80');
    expect(step(m, { t: 'priority', now: 4000, effective: 0 }, base).state.effectivePriority).toBe(1);
    expect(step(m, { t: 'priority', now: 4000, effective: 300 }, base).state.effectivePriority).toBe(254);
    const owner = { ...base, priority: 255 };
    const o = initialRuntime(owner);
    expect(step(o, { t: 'priority', now: 0, effective: 200 }, owner).state.effectivePriority).toBe(255);
  });
});

describe('VIP deleted externally, unicast fault recovery', () => {
  it('a MASTER whose VIP was deleted by someone else goes BACKUP and removes the rest', () => {
    const { s, effects } = run(base, [{ t: 'vipDeleted', now: 5000 }], masterAt(3609.375));
    expect(s.state).toBe('BACKUP');
    expect(kinds(effects)).toEqual(['disarm:adver', 'cancelGarp', 'delVips', 'arm:masterDown', 'notify:BACKUP']);
    expect(step(s, { t: 'vipDeleted', now: 5001 }, base).effects).toEqual([]);
  });
  it('a unicast instance leaving FAULT announces its own source address once', () => {
    const cfg = { ...base, unicastPeers: [ip(6)] };
    const f = run(cfg, [{ t: 'start', now: 0, faulted: true }]).s;
    expect(kinds(run(cfg, [{ t: 'faultCleared', now: 10 }], f).effects)).toEqual(['arm:masterDown', 'notify:BACKUP', 'announceSelf']);
    expect(kinds(run(base, [{ t: 'faultCleared', now: 10 }], run(base, [{ t: 'start', now: 0, faulted: true }]).s).effects)).not.toContain('announceSelf');
  });
});

describe('sync group commands', () => {
  it('start in a group that is not all owners: the owner is held in BACKUP; everyone waits the full interval', () => {
    const wantsMaster = { ...base, initialState: 'MASTER' as const };
    const g = { startsMaster: false };
    expect(arm(run(wantsMaster, [{ t: 'start', now: 0, faulted: false, group: g }]).effects, 'masterDown')).toBe(3609.375);
    const owner = { ...base, priority: 255, initialState: 'MASTER' as const };
    const held = run(owner, [{ t: 'start', now: 0, faulted: false, group: g }]);
    expect(held.effects).toContainEqual({ t: 'log', level: 'info', msg: 'Entering BACKUP STATE (init)' });
    expect(arm(held.effects, 'masterDown')).toBe(3003.906);
    expect(arm(run(owner, [{ t: 'start', now: 0, faulted: false, group: { startsMaster: true } }]).effects, 'masterDown')).toBeLessThan(0.01);
  });
  it('a blocked takeover re-arms the timer and records wantState MASTER', () => {
    const { s, effects } = run(base, [{ t: 'masterDownTimer', now: 3609.375, groupAllowsMaster: false }], backupAt0());
    expect(s.state).toBe('BACKUP');
    expect(s.wantState).toBe('MASTER');
    expect(arm(effects, 'masterDown')).toBe(7218.75);
  });
  it('syncTo moves MASTER->BACKUP, BACKUP->MASTER, any->FAULT, and FAULT->BACKUP only without an own fault', () => {
    const m = masterAt(3609.375);
    expect(run(base, [{ t: 'syncTo', now: 4000, state: 'BACKUP' }], m).s.state).toBe('BACKUP');
    expect(run(base, [{ t: 'syncTo', now: 10, state: 'MASTER' }], backupAt0()).s.state).toBe('MASTER');
    const f = run(base, [{ t: 'syncTo', now: 4000, state: 'FAULT' }], m).s;
    expect(f.state).toBe('FAULT');
    expect(run(base, [{ t: 'syncTo', now: 5000, state: 'BACKUP' }], f).s.state).toBe('BACKUP');
    const own = run(base, [{ t: 'fault', now: 1 }], backupAt0()).s;
    expect(run(base, [{ t: 'syncTo', now: 5000, state: 'BACKUP' }], own).s.state).toBe('FAULT');
  });
});
