import { describe, expect, it } from 'vitest';
import { afterProbe, firstDelayMs, initialState, type StepNote } from '../../src/check/policy.js';
import type { CheckTiming, Edge } from '../../src/check/types.js';
import { FakeClock } from '../fakes/clock.js';

interface Trace {
  probes: number[];
  edges: { at: number; edge: Edge }[];
  notes: StepNote[];
}

/**
 * Drives the pure policy on a FakeClock like the runner does (probes take no time here):
 * `healthy(t)` says whether the server answers at time t.
 */
function simulate(t: CheckTiming, healthy: (at: number) => boolean, untilMs: number, rand01 = 0): Trace {
  const clock = new FakeClock();
  const trace: Trace = { probes: [], edges: [], notes: [] };
  let s = initialState(t);
  const run = (): void => {
    const at = clock.now();
    trace.probes.push(at);
    const step = afterProbe(s, healthy(at), t);
    s = step.s;
    trace.notes.push(step.note);
    if (step.edge) trace.edges.push({ at, edge: step.edge });
    clock.after(step.delayMs, run);
  };
  clock.after(firstDelayMs(t, rand01), run);
  clock.advance(untilMs);
  return trace;
}

const tcp: CheckTiming = { delayLoopMs: 6000, retry: 1, delayBeforeRetryMs: 1000, warmupMs: 0, alpha: false };

describe('check policy timelines (keepalived tcp_epilog)', () => {
  it('start-down: the very first failure marks an up (non-alpha) checker down, then probes every delay_loop', () => {
    const tr = simulate({ ...tcp, retry: 3 }, () => false, 20_000);
    expect(tr.probes).toEqual([1000, 7000, 13000, 19000]);
    expect(tr.edges).toEqual([{ at: 1000, edge: 'down' }]);
    expect(tr.notes).toEqual(['failed', 'still-down', 'still-down', 'still-down']);
  });

  it('start-up without alpha: no edge (already in the pool), first result is logged as success', () => {
    const tr = simulate(tcp, () => true, 14_000);
    expect(tr.probes).toEqual([1000, 7000, 13000]);
    expect(tr.edges).toEqual([]);
    expect(tr.notes).toEqual(['success', 'still-up', 'still-up']);
  });

  it('start-up with alpha: the first success is an up edge', () => {
    const tr = simulate({ ...tcp, alpha: true }, () => true, 8000);
    expect(tr.edges).toEqual([{ at: 1000, edge: 'up' }]);
  });

  it('alpha start-down: the first failure gives no edge (it already counts as down)', () => {
    const tr = simulate({ ...tcp, alpha: true, retry: 2 }, () => false, 8000);
    expect(tr.probes).toEqual([1000, 7000]);
    expect(tr.edges).toEqual([]);
    expect(tr.notes).toEqual(['failed', 'still-down']);
  });

  it('up → down with retry 3 and delay_before_retry 2 s: retry+1 failures, spaced by delay_before_retry', () => {
    const t = { ...tcp, retry: 3, delayBeforeRetryMs: 2000 };
    const tr = simulate(t, (at) => at < 10_000, 30_000);
    // ok 1000, ok 7000, fail 13000, retries 15000/17000/19000 → down at 19000, then delay_loop.
    expect(tr.probes).toEqual([1000, 7000, 13000, 15000, 17000, 19000, 25000]);
    expect(tr.edges).toEqual([{ at: 19000, edge: 'down' }]);
    expect(tr.notes.slice(2)).toEqual(['retrying', 'retrying', 'retrying', 'failed-after-retries', 'still-down']);
  });

  it('retry 0 (MISC_CHECK default): one failure takes an up checker down', () => {
    const tr = simulate({ ...tcp, retry: 0 }, (at) => at < 5000, 14_000);
    expect(tr.probes).toEqual([1000, 7000, 13000]);
    expect(tr.edges).toEqual([{ at: 7000, edge: 'down' }]);
    expect(tr.notes[1]).toBe('failed');
  });

  it('flapping: a success during the retries resets the counter, so it takes retry+1 fresh failures', () => {
    const t = { ...tcp, retry: 2, delayBeforeRetryMs: 1000 };
    // fails at 7000 and 8000, answers at 9000, fails again from 15000 on.
    const healthy = (at: number): boolean => at < 7000 || at === 9000;
    const tr = simulate(t, healthy, 24_000);
    expect(tr.probes).toEqual([1000, 7000, 8000, 9000, 15000, 16000, 17000, 23000]);
    expect(tr.edges).toEqual([{ at: 17000, edge: 'down' }]);
  });

  it('recovery: a down checker comes up on the first success; no retries while down', () => {
    const t = { ...tcp, retry: 1 };
    const tr = simulate(t, (at) => at < 6000 || at > 20_000, 40_000);
    // up at 1000; fail 7000, retry 8000 → down; 14000, 20000 still down; 26000 up.
    expect(tr.probes).toEqual([1000, 7000, 8000, 14000, 20000, 26000, 32000, 38000]);
    expect(tr.edges).toEqual([
      { at: 8000, edge: 'down' },
      { at: 26000, edge: 'up' },
    ]);
    expect(tr.probes.length).toBe(8);
  });

  it('warmup: first probe at 1 s + random share of warmup; warmup 0 starts after exactly 1 s', () => {
    expect(simulate({ ...tcp, warmupMs: 4000 }, () => true, 10_000, 0.5).probes[0]).toBe(3000);
    expect(firstDelayMs({ ...tcp, warmupMs: 6000 }, 0.999)).toBe(6994);
    expect(firstDelayMs({ ...tcp, warmupMs: 0 }, 0.7)).toBe(1000);
  });

  it('an up checker survives exactly `retry` failures in a row', () => {
    for (let retry = 0; retry <= 5; retry++) {
      const t = { ...tcp, retry };
      let s = afterProbe(initialState(t), true, t).s;
      for (let i = 0; i < retry; i++) {
        const step = afterProbe(s, false, t);
        expect(step.edge).toBeUndefined();
        expect(step.delayMs).toBe(t.delayBeforeRetryMs);
        s = step.s;
      }
      expect(afterProbe(s, false, t).edge).toBe('down');
    }
  });
});
