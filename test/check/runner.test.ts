import { describe, expect, it } from 'vitest';
import { CheckRunner, type CheckerReport, type RunnerChecker } from '../../src/check/runner.js';
import type { CheckTiming, Probe, ProbeResult, ProbeSpec } from '../../src/check/types.js';
import { silentLogger } from '../../src/common/log.js';
import { FakeClock } from '../fakes/clock.js';
import { runFor } from './async-clock.js';

/** A fake world: per port, whether it answers and how long an attempt takes (fake ms). */
class FakeTargets {
  healthy = new Map<number, boolean>();
  durationMs = new Map<number, number>();
  aborted: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(private clock: FakeClock) {}

  probeFor = (spec: ProbeSpec): Probe => {
    const port = spec.kind === 'MISC_CHECK' ? 0 : spec.connectPort;
    return (signal) =>
      new Promise<ProbeResult>((resolve) => {
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        const finish = (r: ProbeResult): void => {
          this.inFlight--;
          resolve(r);
        };
        const answer = (): ProbeResult =>
          this.healthy.get(port) ?? true ? { ok: true, reason: 'connected' } : { ok: false, reason: 'refused' };
        const d = this.durationMs.get(port) ?? 0;
        if (d === 0) return finish(answer());
        const cancel = this.clock.after(d, () => finish(answer()));
        signal.addEventListener('abort', () => {
          cancel();
          this.aborted.push(port);
          finish({ ok: false, reason: 'aborted' });
        });
      });
  };
}

const timing: CheckTiming = { delayLoopMs: 10_000, retry: 1, delayBeforeRetryMs: 1000, warmupMs: 0, alpha: false };
const checker = (port: number, t: Partial<CheckTiming> = {}): RunnerChecker => ({
  key: `rs:${port}`,
  timing: { ...timing, ...t },
  spec: { kind: 'TCP_CHECK', connectIp: '127.0.0.1', connectPort: port, connectTimeoutMs: 5000 },
});

function setup(checkers: RunnerChecker[], opts: { maxConcurrent?: number; random?: () => number; coalesceMs?: number } = {}) {
  const clock = new FakeClock();
  const world = new FakeTargets(clock);
  const reports: CheckerReport[] = [];
  const runner = new CheckRunner(checkers, {
    clock,
    makeProbe: world.probeFor,
    onReport: (r) => reports.push(r),
    random: opts.random ?? (() => 0),
    ...(opts.maxConcurrent ? { maxConcurrent: opts.maxConcurrent } : {}),
    ...(opts.coalesceMs ? { coalesceMs: opts.coalesceMs } : {}),
  });
  return { clock, world, reports, runner };
}

/** Deterministic [0,1) sequence (LCG), so spreading is reproducible. */
function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

describe('CheckRunner', () => {
  it('runs the keepalived timeline: quick refusals, retry after delay_before_retry, down edge', async () => {
    const { clock, world, reports, runner } = setup([checker(80)]);
    runner.start();
    await runFor(clock, 5000);
    world.healthy.set(80, false);
    await runFor(clock, 30_000);
    expect(reports.map((r) => [r.startedAt, r.result.ok, r.edge ?? '-'])).toEqual([
      [1000, true, '-'],
      [11000, false, '-'],
      [12000, false, 'down'],
      [22000, false, '-'],
      [32000, false, '-'],
    ]);
    world.healthy.set(80, true);
    await runFor(clock, 10_000);
    expect(reports.at(-1)).toMatchObject({ startedAt: 42000, edge: 'up', state: { up: true } });
  });

  it('slow failures (connect timeout) keep keepalived’s retry gap: down after T + retry×(dbr + T)', async () => {
    const { clock, world, reports, runner } = setup([checker(80, { retry: 2 })]);
    world.durationMs.set(80, 5000);
    world.healthy.set(80, false);
    runner.start();
    await runFor(clock, 1000 + 5000); // first attempt: fails, down at once (first run)
    world.healthy.set(80, true);
    await runFor(clock, 15_000); // 11000: success after 5 s → up at 16000
    world.healthy.set(80, false);
    await runFor(clock, 40_000);
    const fin = reports.map((r) => [r.startedAt, r.finishedAt, r.edge ?? '-']);
    expect(fin.slice(0, 5)).toEqual([
      [1000, 6000, 'down'],
      [11000, 16000, 'up'],
      [21000, 26000, '-'], // planned at 11000 + 10000: the 5 s probe does not push the round
      [27000, 32000, '-'], // retry: 26000 + 1000
      [33000, 38000, 'down'], // 21000 + 5000 + 2 × (1000 + 5000) = 38000
    ]);
  });

  it('spreads 2,000 checkers over warmup and keeps every one on its grid (no drift) with bounded concurrency', async () => {
    const n = 2000;
    const rnd = seeded(42);
    const checkers = Array.from({ length: n }, (_, i) => checker(10_000 + i, { delayLoopMs: 1000, warmupMs: 1000 }));
    const { clock, world, reports, runner } = setup(checkers, { maxConcurrent: 64, random: rnd });
    for (let i = 0; i < n; i++) world.durationMs.set(10_000 + i, Math.floor(rnd() * 25));
    runner.start();
    await runFor(clock, 20_000);
    runner.stop();

    const byKey = new Map<string, CheckerReport[]>();
    for (const r of reports) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
    expect(byKey.size).toBe(n);
    let maxLag = 0;
    const firstSlots = new Map<number, number>();
    for (const rs of byKey.values()) {
      const first = rs[0]!.plannedAt;
      firstSlots.set(Math.floor(first / 10), (firstSlots.get(Math.floor(first / 10)) ?? 0) + 1);
      expect(first).toBeGreaterThanOrEqual(1000);
      expect(first).toBeLessThan(2000);
      // every later attempt is planned exactly k × delay_loop after the first
      rs.forEach((r, k) => expect(r.plannedAt).toBe(first + k * 1000));
      for (const r of rs) maxLag = Math.max(maxLag, r.startedAt - r.plannedAt);
      expect(rs.length).toBeGreaterThanOrEqual(18);
    }
    expect(world.maxInFlight).toBeLessThanOrEqual(64);
    expect(maxLag).toBeLessThan(100); // queueing is visible but bounded, and never accumulates
    expect(Math.max(...firstSlots.values())).toBeLessThan(60); // not all at once: ~20 per 10 ms
    expect(clock.pending()).toBe(0);
  });

  it('bounds concurrency: due checkers wait for a slot in FIFO order', async () => {
    const checkers = Array.from({ length: 7 }, (_, i) => checker(100 + i));
    const { clock, world, reports, runner } = setup(checkers, { maxConcurrent: 3 });
    for (let i = 0; i < 7; i++) world.durationMs.set(100 + i, 100);
    runner.start();
    await runFor(clock, 1500);
    expect(world.maxInFlight).toBe(3);
    expect(reports.map((r) => r.startedAt)).toEqual([1000, 1000, 1000, 1100, 1100, 1100, 1200]);
    expect(reports.every((r) => r.plannedAt === 1000)).toBe(true);
    expect(runner.stats().probesStarted).toBe(7);
  });

  it('stop() aborts probes in flight and leaves no timer; start() resumes with the kept state', async () => {
    const { clock, world, reports, runner } = setup([checker(80), checker(81)]);
    world.durationMs.set(81, 3000);
    world.healthy.set(80, false);
    runner.start();
    await runFor(clock, 2000); // 80 failed (down), 81 in flight
    runner.stop();
    expect(world.aborted).toEqual([81]);
    expect(clock.pending()).toBe(0);
    const count = reports.length;
    await runFor(clock, 30_000);
    expect(reports.length).toBe(count);
    expect(runner.stateOf('rs:80')).toEqual({ up: false, hasRun: true, retryIt: 0 });
    world.healthy.set(80, true);
    runner.start();
    await runFor(clock, 1000);
    expect(reports.at(-1)).toMatchObject({ key: 'rs:80', edge: 'up' });
  });

  it('reconfigure keeps unchanged checkers (state and plan), drops removed ones and starts new ones', async () => {
    const { clock, world, reports, runner } = setup([checker(80), checker(81)]);
    world.healthy.set(80, false);
    world.durationMs.set(81, 4000);
    runner.start();
    await runFor(clock, 2000); // 80 down at 1000; 81 in flight until 5000
    runner.reconfigure([checker(80, { delayLoopMs: 20_000 }), checker(82)]);
    expect(world.aborted).toEqual([81]);
    expect(runner.stateOf('rs:81')).toBeUndefined();
    expect(runner.stateOf('rs:80')).toEqual({ up: false, hasRun: true, retryIt: 0 });
    await runFor(clock, 30_000);
    const starts = (key: string) => reports.filter((r) => r.key === key).map((r) => r.startedAt);
    expect(starts('rs:80')).toEqual([1000, 11000, 31000]); // kept plan, then the new delay_loop
    expect(starts('rs:81')).toEqual([]);
    expect(starts('rs:82')).toEqual([3000, 13000, 23000]); // new: 1 s after the reload
    expect(reports.some((r) => r.edge === 'down' && r.key === 'rs:80' && r.startedAt > 1000)).toBe(false);
    expect(() => runner.reconfigure([checker(1), checker(1)])).toThrow(/duplicate/);
  });

  it('a probe that throws counts as a failure and does not stop the schedule', async () => {
    const clock = new FakeClock();
    const reports: CheckerReport[] = [];
    const runner = new CheckRunner([checker(80)], {
      clock,
      makeProbe: () => () => {
        throw new Error('boom');
      },
      onReport: (r) => reports.push(r),
      random: () => 0,
    });
    runner.start();
    await runFor(clock, 12_000);
    expect(reports.map((r) => [r.startedAt, r.result.ok])).toEqual([
      [1000, false],
      [11000, false],
    ]);
    expect(reports[0]!.result.reason).toMatch(/boom/);
    runner.stop();
  });
});

describe('CheckRunner wake-up slots (coalesceMs)', () => {
  it('attempts due within one slot start together at its end, never early, and keep their own cadence', async () => {
    // Warm-up spreads the first attempts over 1000..1099 ms (here 1000, 1031, 1050, 1079, 1099); with
    // 40 ms slots they start at the slot's end: 1000 (already on a boundary), 1040, 1080, 1080, 1120.
    const fractions = [0.005, 0.31, 0.5, 0.79, 0.99];
    let i = 0;
    const { clock, reports, runner } = setup([80, 81, 82, 83, 84].map((p) => checker(p, { warmupMs: 100 })), {
      coalesceMs: 40, random: () => fractions[i++ % fractions.length]!,
    });
    runner.start();
    await runFor(clock, 12_000);
    const firsts = reports.filter((r) => r.startedAt < 2000).map((r) => [r.key, r.startedAt]);
    expect(firsts).toEqual([['rs:80', 1000], ['rs:81', 1040], ['rs:82', 1080], ['rs:83', 1080], ['rs:84', 1120]]);
    // The next round is planned delay_loop after each start, then rounded up to its slot again.
    const seconds = reports.filter((r) => r.startedAt > 2000).map((r) => [r.key, r.startedAt]);
    expect(seconds).toEqual([['rs:80', 11000], ['rs:81', 11040], ['rs:82', 11080], ['rs:83', 11080], ['rs:84', 11120]]);
    runner.stop();
  });
});

describe('CheckRunner robustness', () => {
  it('a throwing report handler is logged and neither stops the schedule nor leaks a concurrency slot', async () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const log = { ...silentLogger, error: (o: unknown) => void errors.push(o) } as typeof silentLogger;
    let calls = 0;
    const runner = new CheckRunner([checker(80), checker(81)], {
      clock,
      makeProbe: () => async () => ({ ok: true, reason: 'ok' }),
      onReport: () => {
        calls++;
        throw new Error('handler bug');
      },
      random: () => 0,
      maxConcurrent: 1,
      log,
    });
    runner.start();
    await runFor(clock, 21_500);
    expect(calls).toBe(6); // 2 checkers × rounds at 1000, 11000, 21000
    expect(errors).toHaveLength(6);
    expect(runner.stats().inFlight).toBe(0);
    runner.stop();
  });
});

describe('CheckRunner with HTTP_GET', () => {
  it('walks the urls, one per attempt, using the HTTP policy', async () => {
    const clock = new FakeClock();
    const urls: number[] = [];
    const runner = new CheckRunner(
      [{
        key: 'web',
        timing: { ...timing, delayLoopMs: 2000 },
        spec: { kind: 'HTTP_GET', connectIp: '127.0.0.1', connectPort: 80, connectTimeoutMs: 500, urls: [{ path: '/a' }, { path: '/b' }] },
      }],
      {
        clock,
        makeProbe: () => async (_signal, attempt) => {
          urls.push(attempt?.url ?? -1);
          return { ok: true, reason: 'ok' };
        },
        onReport: () => {},
        random: () => 0,
      },
    );
    runner.start();
    await runFor(clock, 8000);
    runner.stop();
    expect(urls).toEqual([0, 1, 0, 1]); // 1000, 3000, 5000, 7000
  });
});
