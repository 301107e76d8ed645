import { describe, expect, it } from 'vitest';
import { DEFAULT_GARP } from '../../src/vrrp/config.js';
import { burstPackets, lowerPrioBursts, masterBursts, masterRefresh } from '../../src/vrrp/garp-schedule.js';

const v4 = (d: number) => Uint8Array.from([10, 0, 0, d]);
const v6 = Uint8Array.from([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

describe('GARP/NA schedule (keepalived defaults)', () => {
  it('MASTER entry: 5 at once, 5 more after 5 s, no refresh', () => {
    expect(masterBursts(DEFAULT_GARP)).toEqual([{ atMs: 0, repeat: 5 }, { atMs: 5000, repeat: 5 }]);
    expect(masterRefresh(DEFAULT_GARP)).toBeNull();
  });
  it('garp_master_delay 0: no second burst; refresh starts at delay + refresh', () => {
    expect(masterBursts({ ...DEFAULT_GARP, masterDelayMs: 0 })).toEqual([{ atMs: 0, repeat: 5 }]);
    expect(masterRefresh({ ...DEFAULT_GARP, masterRefreshMs: 60_000, masterRefreshRepeat: 2 })).toEqual({ firstAtMs: 65_000, periodMs: 60_000, repeat: 2 });
  });
  it('vrrp_min_garp: one packet per address, no second burst, no refresh', () => {
    const g = { ...DEFAULT_GARP, masterRefreshMs: 60_000, minGarp: true };
    expect(masterBursts(g)).toEqual([{ atMs: 0, repeat: 1 }]);
    expect(masterRefresh(g)).toBeNull();
  });
  it('lower-priority bursts follow garp_lower_prio_repeat/delay; 0 repeat = none', () => {
    expect(lowerPrioBursts({ ...DEFAULT_GARP, lowerPrioRepeat: 2, lowerPrioDelayMs: 3000 })).toEqual([{ atMs: 0, repeat: 2 }, { atMs: 3000, repeat: 2 }]);
    expect(lowerPrioBursts({ ...DEFAULT_GARP, lowerPrioRepeat: 0 })).toEqual([]);
  });
  it('a burst loops repeat times over all addresses; ARP and NA are paced independently', () => {
    const pk = burstPackets([v4(1), v4(2), v6], 2, { garpIntervalMs: 10, gnaIntervalMs: 3 });
    expect(pk.map((p) => [p.addr.length === 4 ? `v4.${p.addr[3]}` : 'v6', p.offsetMs])).toEqual([
      ['v4.1', 0], ['v4.2', 10], ['v6', 0], ['v4.1', 20], ['v4.2', 30], ['v6', 3],
    ]);
    expect(burstPackets([v4(1)], 3, { garpIntervalMs: 0, gnaIntervalMs: 0 }).map((p) => p.offsetMs)).toEqual([0, 0, 0]);
  });
});
