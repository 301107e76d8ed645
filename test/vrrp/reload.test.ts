import { describe, expect, it } from 'vitest';
import { DEFAULT_GARP, instanceConfig, type InstanceConfig } from '../../src/vrrp/config.js';
import { initialRuntime, type VrrpRuntime } from '../../src/vrrp/fsm.js';
import { reloadBursts, reloadRefresh } from '../../src/vrrp/garp-schedule.js';
import { addressDiff, reloadKey, resumeStep } from '../../src/vrrp/reload.js';
import { formatIp } from '../../src/common/ip.js';

const ip = (d: number) => Uint8Array.from([10, 0, 0, d]);
const cfg = (p: Partial<InstanceConfig> = {}) => instanceConfig({ name: 'VI_1', vrid: 51, srcIp: ip(1), priority: 150, vips: [ip(100)], ...p });
const runtime = (c: InstanceConfig, p: Partial<VrrpRuntime>): VrrpRuntime => ({ ...initialRuntime(c), ...p });

describe('reloadKey: keepalived matches by VRID, family, interface, cast and source/group, not by name', () => {
  it('ignores the name, priority, interval and VIPs; any identity field changes it', () => {
    const k = reloadKey(cfg());
    expect(reloadKey(cfg({ name: 'other', priority: 10, advertIntervalCs: 300, vips: [] }))).toBe(k);
    expect(reloadKey(cfg({ vrid: 52 }))).not.toBe(k);
    expect(reloadKey(cfg({ ifname: 'eth1' }))).not.toBe(k);
    expect(reloadKey(cfg({ mcastGroup: Uint8Array.of(224, 0, 0, 19) }))).not.toBe(k);
    expect(reloadKey(cfg({ unicastPeers: [ip(2)] }))).not.toBe(k);
    // Unicast: the source counts, the multicast group no longer does.
    const u = reloadKey(cfg({ unicastPeers: [ip(2)] }));
    expect(reloadKey(cfg({ unicastPeers: [ip(3)], mcastGroup: Uint8Array.of(224, 0, 0, 19) }))).toBe(u);
    expect(reloadKey(cfg({ unicastPeers: [ip(2)], srcIp: ip(9) }))).not.toBe(u);
    // Multicast: the source does not count.
    expect(reloadKey(cfg({ srcIp: ip(9) }))).toBe(k);
  });
});

describe('addressDiff', () => {
  it('reports VIPs and excluded VIPs added and dropped, by address', () => {
    const d = addressDiff(cfg({ vips: [ip(100), ip(101)], excludedVips: [ip(110)] }), cfg({ vips: [ip(100), ip(102)], excludedVips: [ip(111)] }));
    expect(d.added.map(formatIp)).toEqual(['10.0.0.102', '10.0.0.111']);
    expect(d.removed.map(formatIp)).toEqual(['10.0.0.101', '10.0.0.110']);
    expect(addressDiff(cfg(), cfg({ priority: 10 }))).toEqual({ added: [], removed: [] });
  });
});

describe('resumeStep', () => {
  const master = (c: InstanceConfig) => runtime(c, { state: 'MASTER', wantState: 'MASTER', adverAt: 10_400 });

  it('a MASTER stays MASTER and advertises the new priority at once, then on the new interval; no transition, no notify, no VIP removal', () => {
    const old = cfg();
    const next = cfg({ priority: 140, advertIntervalCs: 200 });
    const r = resumeStep({ cfg: old, runtime: master(old) }, next, 10_000, 140);
    expect(r.state).toMatchObject({ state: 'MASTER', wantState: 'MASTER', effectivePriority: 140, masterAdverIntCs: 200, adverAt: 12_000 });
    expect(r.effects.filter((f) => f.t !== 'log')).toEqual([
      { t: 'sendAdvert', priority: 140 }, { t: 'arm', timer: 'adver', at: 12_000 }, { t: 'garpReload', vipsAdded: false },
    ]);
    expect(r.effects).toContainEqual({ t: 'log', level: 'info', msg: 'Changing effective priority from 150 to 140 (reload)' });
  });

  it('a MASTER with an added VIP announces (the caller added it); a dropped one alone does not', () => {
    const old = cfg();
    expect(resumeStep({ cfg: old, runtime: master(old) }, cfg({ vips: [ip(100), ip(101)] }), 0, 150).effects).toContainEqual({ t: 'garpReload', vipsAdded: true });
    const two = cfg({ vips: [ip(100), ip(101)] });
    expect(resumeStep({ cfg: two, runtime: master(two) }, old, 0, 150).effects).toContainEqual({ t: 'garpReload', vipsAdded: false });
  });

  it('the effective priority comes from the caller (trackers), clamped; the owner keeps 255', () => {
    const old = cfg();
    expect(resumeStep({ cfg: old, runtime: master(old) }, cfg({ priority: 200 }), 0, 300).state.effectivePriority).toBe(254);
    expect(resumeStep({ cfg: old, runtime: master(old) }, cfg({ priority: 255 }), 0, 235).state.effectivePriority).toBe(255);
  });

  it('a BACKUP keeps its Master_Down deadline and the master it follows; v2 times with its own new interval, v3 keeps the learnt one', () => {
    const old = cfg({ priority: 100 });
    const master = { ip: ip(2), priority: 150 };
    const b = runtime(old, { state: 'BACKUP', wantState: 'BACKUP', downAt: 12_345, master, masterAdverIntCs: 100 });
    const r = resumeStep({ cfg: old, runtime: b }, cfg({ priority: 120, advertIntervalCs: 300 }), 11_000, 120);
    expect(r.state).toMatchObject({ state: 'BACKUP', downAt: 12_345, master, effectivePriority: 120, masterAdverIntCs: 300 });
    expect(r.effects.filter((f) => f.t !== 'log')).toEqual([{ t: 'arm', timer: 'masterDown', at: 12_345 }]);
    const v3 = cfg({ priority: 100, version: 3 });
    const r3 = resumeStep({ cfg: v3, runtime: { ...b, masterAdverIntCs: 50 } }, cfg({ priority: 100, version: 3, advertIntervalCs: 300 }), 11_000, 100);
    expect(r3.state.masterAdverIntCs).toBe(50);
    expect(r3.effects).toEqual([{ t: 'arm', timer: 'masterDown', at: 12_345 }]);
  });

  it('FAULT stays FAULT with nothing armed', () => {
    const old = cfg();
    const f = runtime(old, { state: 'FAULT', faulted: true });
    expect(resumeStep({ cfg: old, runtime: f }, cfg({ priority: 140 }), 0, 140)).toMatchObject({ state: { state: 'FAULT', faulted: true }, effects: [{ t: 'log' }] });
  });
});

describe('GARP after a reload', () => {
  it('one garp_master_repeat burst only when VIPs were added; the refresh restarts from now', () => {
    expect(reloadBursts(DEFAULT_GARP, false)).toEqual([]);
    expect(reloadBursts(DEFAULT_GARP, true)).toEqual([{ atMs: 0, repeat: 5 }]);
    expect(reloadBursts({ ...DEFAULT_GARP, minGarp: true }, true)).toEqual([{ atMs: 0, repeat: 1 }]);
    expect(reloadRefresh(DEFAULT_GARP)).toBeNull();
    expect(reloadRefresh({ ...DEFAULT_GARP, masterRefreshMs: 60_000, masterRefreshRepeat: 2 })).toEqual({ firstAtMs: 60_000, periodMs: 60_000, repeat: 2 });
  });
});
