import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initialScriptState, scriptResult, trackedPriority, type ScriptTrackState, type TrackedItem } from '../../src/vrrp/track.js';

const t = (name: string, weight: number, status: TrackedItem['status'], reverse = false): TrackedItem => ({ name, weight, reverse, status });

describe('trackedPriority: weight arithmetic', () => {
  it('positive weight adds while OK, negative subtracts while failed', () => {
    expect(trackedPriority(100, [t('script up', 20, 'up'), t('script down', -30, 'down')]).priority).toBe(90);
    expect(trackedPriority(100, [t('a', 20, 'down'), t('b', -30, 'up')]).priority).toBe(100);
    expect(trackedPriority(100, [t('a', 10, 'up'), t('b', 15, 'up'), t('c', -5, 'down')]).priority).toBe(120);
  });
  it('reverse swaps OK and failed', () => {
    expect(trackedPriority(100, [t('a', 20, 'down', true)]).priority).toBe(120);
    expect(trackedPriority(100, [t('a', -20, 'up', true)]).priority).toBe(80);
    expect(trackedPriority(100, [t('a', 0, 'up', true)])).toEqual({ priority: 100, fault: true, faultBy: ['a'] });
  });
  it('weight 0: failure (or still initialising) means FAULT', () => {
    expect(trackedPriority(100, [t('interface eth0', 0, 'down')])).toEqual({ priority: 100, fault: true, faultBy: ['interface eth0'] });
    expect(trackedPriority(100, [t('script chk', 0, 'init')]).fault).toBe(true);
    expect(trackedPriority(100, [t('script chk', 0, 'up')]).fault).toBe(false);
    expect(trackedPriority(100, [t('script w', 50, 'init')]).priority).toBe(100); // weighted: nothing until a result
  });
  it('clamps to 1..254 and never changes an owner', () => {
    expect(trackedPriority(250, [t('a', 50, 'up')]).priority).toBe(254);
    expect(trackedPriority(10, [t('a', -253, 'down')]).priority).toBe(1);
    expect(trackedPriority(255, [t('a', -100, 'down')]).priority).toBe(255);
    fc.assert(fc.property(fc.integer({ min: 1, max: 254 }), fc.array(fc.record({
      weight: fc.integer({ min: -253, max: 253 }), status: fc.constantFrom('up' as const, 'down' as const), reverse: fc.boolean(),
    })), (base, items) => {
      const p = trackedPriority(base, items.map((i, k) => ({ ...i, name: `t${k}` }))).priority;
      expect(p).toBeGreaterThanOrEqual(1);
      expect(p).toBeLessThanOrEqual(254);
    }));
  });
});

describe('script rise/fall', () => {
  const rf = { rise: 3, fall: 2 };
  const feed = (s: ScriptTrackState, results: boolean[]) => results.reduce((st, r) => scriptResult(st, r, rf).state, s);
  it('the first result decides at start-up; init_fail starts failed and needs rise successes', () => {
    expect(scriptResult(initialScriptState(false), true, rf)).toEqual({ state: { status: 'up', run: 0 }, changed: true });
    expect(scriptResult(initialScriptState(false), false, rf).state.status).toBe('down');
    const f = initialScriptState(true);
    expect(f.status).toBe('down');
    expect(feed(f, [true, true]).status).toBe('down');
    expect(feed(f, [true, true, true]).status).toBe('up');
  });
  it('fall consecutive failures take it down; a success in between resets the count', () => {
    const up = feed(initialScriptState(false), [true]);
    expect(feed(up, [false]).status).toBe('up');
    expect(feed(up, [false, false]).status).toBe('down');
    expect(feed(up, [false, true, false]).status).toBe('up');
    const down = feed(up, [false, false]);
    expect(feed(down, [true, true, false, true, true]).status).toBe('down');
    expect(feed(down, [true, true, false, true, true, true]).status).toBe('up');
  });
  it('reports a change exactly on the flipping result', () => {
    const up = feed(initialScriptState(false), [true]);
    expect(scriptResult(up, false, rf).changed).toBe(false);
    expect(scriptResult(scriptResult(up, false, rf).state, false, rf).changed).toBe(true);
  });
});
