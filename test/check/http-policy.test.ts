import { describe, expect, it } from 'vitest';
import { afterHttpProbe, initialHttpState } from '../../src/check/http-policy.js';
import { firstDelayMs } from '../../src/check/policy.js';
import type { CheckTiming, Edge } from '../../src/check/types.js';
import { FakeClock } from '../fakes/clock.js';

interface Trace {
  probes: [at: number, url: number][];
  edges: [at: number, edge: Edge][];
}

/** Drives the HTTP policy on a FakeClock; `healthy(at, url)` answers each attempt instantly. */
function simulate(t: CheckTiming, urls: number, healthy: (at: number, url: number) => boolean, untilMs: number, fastRecovery = false): Trace {
  const clock = new FakeClock();
  const trace: Trace = { probes: [], edges: [] };
  let s = initialHttpState(t);
  const run = (): void => {
    const at = clock.now();
    const url = s.url ?? 0;
    trace.probes.push([at, url]);
    const step = afterHttpProbe(s, healthy(at, url), t, { urlCount: urls, fastRecovery });
    s = step.s;
    if (step.edge) trace.edges.push([at, step.edge]);
    clock.after(step.delayMs, run);
  };
  clock.after(firstDelayMs(t, 0), run);
  clock.advance(untilMs);
  return trace;
}

const http: CheckTiming = { delayLoopMs: 6000, retry: 1, delayBeforeRetryMs: 3000, warmupMs: 0, alpha: false };

describe('HTTP_GET policy (keepalived check_http.c epilog)', () => {
  it('single url: same down timeline as TCP; while down the gap is max(delay_before_retry, delay_loop)', () => {
    const tr = simulate(http, 1, (at) => at < 10_000, 30_000);
    // ok 1000, 7000; fail 13000 (retry) → 16000 fail → down; then every 6000 (max(3000, 6000))
    expect(tr.probes.map((p) => p[0])).toEqual([1000, 7000, 13000, 16000, 22000, 28000]);
    expect(tr.edges).toEqual([[16000, 'down']]);
  });

  it('single url recovery needs two successes: the first clears the failed url, the next full pass brings it up', () => {
    const tr = simulate(http, 1, (at) => at < 5000 || at > 20_000, 40_000);
    expect(tr.edges).toEqual([
      [10000, 'down'],
      [28000, 'up'], // 22000 clears the failed url, 28000 completes a clean pass
    ]);
  });

  it('fast_recovery brings a recovered server up on the very next attempt', () => {
    const tr = simulate(http, 1, (at) => at < 5000 || at > 20_000, 40_000, true);
    expect(tr.edges).toEqual([
      [10000, 'down'],
      [22000, 'up'],
    ]);
    expect(tr.probes.filter(([at]) => at >= 22000 && at < 23000)).toEqual([[22000, 0], [22000, 0]]);
  });

  it('several urls: one per attempt, delay_loop apart; a failing url is retried, then marks down and is re-polled', () => {
    // url 1 breaks at 12000
    const tr = simulate(http, 3, (at, url) => url !== 1 || at < 12_000, 40_000);
    expect(tr.probes.slice(0, 8)).toEqual([
      [1000, 0],
      [7000, 1],
      [13000, 2],
      [19000, 0],
      [25000, 1], // fails
      [28000, 1], // retry after delay_before_retry → down
      [34000, 1], // down: same url every max(dbr, delay_loop)
      [40000, 1],
    ]);
    expect(tr.edges).toEqual([[28000, 'down']]);
  });

  it('the first pass is strict: a failure on a later url before the first full pass marks down at once', () => {
    const tr = simulate({ ...http, retry: 3 }, 2, (_at, url) => url === 0, 20_000);
    expect(tr.probes.slice(0, 2)).toEqual([[1000, 0], [7000, 1]]);
    expect(tr.edges).toEqual([[7000, 'down']]);
  });

  it('alpha: up only after every url answered once', () => {
    const tr = simulate({ ...http, alpha: true }, 3, () => true, 20_000);
    expect(tr.edges).toEqual([[13000, 'up']]);
  });
});
