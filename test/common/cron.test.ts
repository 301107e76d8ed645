import fc from 'fast-check';
import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { cronMatches, lastMatch, localWallClock, parseCron, windowOpen, zoneWallClock, type CronExpr } from '../../src/common/cron.js';

const parsed = (s: string): CronExpr => {
  const r = parseCron(s);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

describe('parseCron', () => {
  it('reads numbers, ranges, steps, lists and names', () => {
    const e = parsed('*/15 2-4 1,15 jan-mar MON-fri');
    expect([...e.minute]).toEqual([0, 15, 30, 45]);
    expect([...e.hour]).toEqual([2, 3, 4]);
    expect([...e.dayOfMonth]).toEqual([1, 15]);
    expect([...e.month]).toEqual([1, 2, 3]);
    expect([...e.dayOfWeek]).toEqual([1, 2, 3, 4, 5]);
  });
  it('reads an optional seconds field first; five fields mean second 0', () => {
    const e = parsed('*/20 5 * * * *');
    expect([...e.second]).toEqual([0, 20, 40]);
    expect([...e.minute]).toEqual([5]);
    expect([...parsed('5 * * * *').second]).toEqual([0]);
  });
  it('treats weekday 7 as Sunday and a start/step as running to the end', () => {
    expect([...parsed('0 0 * * 7').dayOfWeek]).toEqual([0]);
    expect([...parsed('50/5 * * * *').minute]).toEqual([50, 55]);
  });
  it.each([
    ['0 2 * *', /4 fields/], ['0 0 0 2 * * *', /7 fields/], ['60 0 2 * * *', /second '60'/], ['60 * * * *', /minute '60'/], ['* 24 * * *', /hour/],
    ['* * 0 * *', /dayOfMonth/], ['* * * 13 *', /month/], ['* * * * 8', /dayOfWeek/], ['5-1 * * * *', /backwards/],
    ['*/0 * * * *', /step/], ['0 0 30 2 *', /never occurs/], ['a * * * *', /minute/], ['1-2-3 * * * *', /range/],
  ])('rejects %s', (s, why) => {
    const r = parseCron(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(why);
  });
});

describe('matching agrees with node-cron', () => {
  const field = (min: number, max: number) => fc.oneof(
    fc.constant('*'),
    fc.integer({ min, max }).map(String),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.integer({ min: 1, max: 7 }).map((n) => `*/${n}`),
    fc.array(fc.integer({ min, max }), { minLength: 2, maxLength: 3 }).map((a) => a.join(',')),
  );
  // Only what both accept: node-cron refuses a day no chosen month has, as parseCron does.
  const expr = fc.tuple(fc.option(field(0, 59)), field(0, 59), field(0, 23), field(1, 31), field(1, 12), field(0, 7))
    .map(([sec, ...f]) => (sec === null ? f : [sec, ...f]).join(' '))
    .filter((s) => parseCron(s).ok);
  it('on random expressions and minutes (local zone)', () => {
    fc.assert(fc.property(expr, fc.integer({ min: 0, max: 4 * 365 * 1440 }), fc.integer({ min: 0, max: 59 }), (s, minutes, sec) => {
      const at = new Date(Date.UTC(2025, 0, 1) + minutes * 60_000 + sec * 1000);
      const task = cron.createTask(s, () => undefined);
      expect(cronMatches(parsed(s), localWallClock(at))).toBe(task.match(at));
    }), { numRuns: 400 });
  });
  it('in a named time zone', () => {
    const wall = zoneWallClock('America/New_York');
    fc.assert(fc.property(expr, fc.integer({ min: 0, max: 365 * 1440 }), (s, minutes) => {
      const at = new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);
      const task = cron.createTask(s, () => undefined, { timezone: 'America/New_York' });
      expect(cronMatches(parsed(s), wall(at))).toBe(task.match(at));
    }), { numRuns: 200 });
  });
});

describe('lastMatch and windowOpen', () => {
  const utc = zoneWallClock('UTC');
  const at = (iso: string) => new Date(iso);
  const DAY = 86_400_000;
  it('finds the latest matching minute within the look-back', () => {
    expect(lastMatch(parsed('30 2 * * *'), at('2026-11-23T10:00:20Z'), DAY, utc)).toEqual(at('2026-11-23T02:30:00Z'));
    expect(lastMatch(parsed('30 2 * * *'), at('2026-11-23T02:30:59Z'), DAY, utc)).toEqual(at('2026-11-23T02:30:00Z'));
    expect(lastMatch(parsed('0 3 * * 0'), at('2026-11-23T10:00:00Z'), DAY, utc)).toBeNull();
    expect(lastMatch(parsed('0 3 * * 0'), at('2026-11-23T10:00:00Z'), 7 * DAY, utc)).toEqual(at('2026-11-22T03:00:00Z'));
  });
  it('picks the matching second inside a minute, never one in the future', () => {
    expect(lastMatch(parsed('*/20 * * * * *'), at('2026-11-23T10:00:39.5Z'), DAY, utc)).toEqual(at('2026-11-23T10:00:20Z'));
    expect(lastMatch(parsed('50 * * * * *'), at('2026-11-23T10:00:39Z'), DAY, utc)).toEqual(at('2026-11-23T09:59:50Z'));
    expect(lastMatch(parsed('50 * * * * *'), at('2026-11-23T10:00:39Z'), 30_000, utc)).toBeNull();
  });
  it('says a nightly window is open only between its start and end', () => {
    const open = parsed('0 2 * * *'); const close = parsed('0 4 * * *');
    expect(windowOpen(open, close, at('2026-11-23T01:59:00Z'), 7 * DAY, utc)).toBe(false);
    expect(windowOpen(open, close, at('2026-11-23T02:00:00Z'), 7 * DAY, utc)).toBe(true);
    expect(windowOpen(open, close, at('2026-11-23T03:59:59Z'), 7 * DAY, utc)).toBe(true);
    expect(windowOpen(open, close, at('2026-11-23T04:00:00Z'), 7 * DAY, utc)).toBe(false);
  });
  it('handles a window across midnight and one longer than the look-back', () => {
    expect(windowOpen(parsed('0 22 * * *'), parsed('0 2 * * *'), at('2026-11-23T01:00:00Z'), 7 * DAY, utc)).toBe(true);
    expect(windowOpen(parsed('0 0 1 * *'), parsed('0 0 28 * *'), at('2026-11-20T00:00:00Z'), 7 * DAY, utc)).toBe(false);
  });
});
