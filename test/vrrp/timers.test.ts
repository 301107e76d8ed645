import { describe, expect, it } from 'vitest';
import { kaMasterDownUs } from '../fixtures/packets/keepalived-2.2.7-timers.js';
import { masterDownMs, skewMinMs, skewMs, skewPriority, skewUs } from '../../src/vrrp/timers.js';

describe('Skew_Time and Master_Down_Interval (keepalived integer µs)', () => {
  it('v2: (256 - p) / 256 s, independent of the advert interval', () => {
    expect(skewMs(2, 100, 100)).toBe(609.375);
    expect(skewMs(2, 100, 500)).toBe(609.375);
    expect(masterDownMs(2, 100, 100)).toBe(3609.375);
    expect(skewUs(2, 150, 100)).toBe(414062); // 414062.5 truncated
    expect(masterDownMs(2, 150, 100)).toBe(3414.062);
    expect(masterDownMs(2, 150, 300)).toBe(9414.062); // advert_int 3: 3 x 3 s + skew
    expect(skewUs(2, 1, 100)).toBe(996093);
    expect(skewMinMs(2, 100)).toBe(3.906);
  });
  it('v3: (256 - p) x Master_Adver_Interval / 256', () => {
    expect(skewMs(3, 100, 100)).toBe(609.375); // same as v2 at 1 s
    expect(skewUs(3, 100, 10)).toBe(60937); // advert_int 0.1 s: 60937.5 µs truncated
    expect(masterDownMs(3, 100, 10)).toBe(360.937);
    expect(masterDownMs(3, 200, 50)).toBe(1500 + 109.375);
    expect(skewUs(3, 255, 50)).toBe(1953);
    expect(masterDownMs(3, 100, 4095)).toBe(147803.906); // 3 x 40.95 s + skew 24953906.25 µs truncated
  });
  it('down_timer_adverts scales the interval part only', () => {
    expect(masterDownMs(2, 100, 100, 1)).toBe(1609.375);
    expect(masterDownMs(3, 100, 100, 10)).toBe(10609.375);
  });
  it('the owner always uses 255 for the skew; others their effective priority', () => {
    expect(skewPriority(255, 200)).toBe(255);
    expect(skewPriority(100, 90)).toBe(90);
  });
});

describe('matches keepalived 2.2.7 (values read from its SIGUSR1 dump)', () => {
  for (const k of kaMasterDownUs) {
    it(`v${k.version} priority ${k.priority} advert_int ${k.advertIntervalCs} cs -> ${k.masterDownUs} µs`, () => {
      expect(Math.round(masterDownMs(k.version, k.priority, k.advertIntervalCs) * 1000)).toBe(k.masterDownUs);
    });
  }
});
