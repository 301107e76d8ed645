/**
 * Schedules checkers on one Clock. It only decides *when*: the policy (policy.ts) decides what a
 * result means, probes (tcp/http/misc) answer ok/fail, and the caller gets one report per attempt.
 *
 * Timing rules:
 *  - first attempt at 1 s + random(0..warmup) (keepalived BOOTSTRAP_DELAY + warmup), which also
 *    spreads thousands of checkers;
 *  - every attempt has a planned time. Lateness (event-loop lag, waiting for a concurrency slot)
 *    never moves later plans: after a steady delay_loop step the next plan is planned + delay_loop;
 *    a probe's own duration only counts when it overruns that slot. Retries keep keepalived's gap:
 *    planned + probe duration + delay_before_retry, so the down timeline is
 *    connect_timeout + retry × (delay_before_retry + connect_timeout) as in check_tcp.c;
 *  - at most `maxConcurrent` probes in flight; due checkers wait in FIFO order.
 */
import type { Clock } from '../common/clock.js';
import { silentLogger, type Logger } from '../common/log.js';
import { DueHeap } from './dueheap.js';
import { afterHttpProbe, initialHttpState } from './http-policy.js';
import { afterProbe, firstDelayMs, initialState, type CheckState, type Step, type StepNote } from './policy.js';
import type { CheckTiming, Edge, Probe, ProbeResult, ProbeSpec } from './types.js';

export interface RunnerChecker {
  /** Unique and stable across reloads for "the same" checker (see types.ts probeIdentity). */
  key: string;
  timing: CheckTiming;
  spec: ProbeSpec;
}

export interface CheckerReport {
  key: string;
  plannedAt: number;
  startedAt: number;
  finishedAt: number;
  result: ProbeResult;
  note: StepNote;
  edge?: Edge;
  state: CheckState;
}

export interface RunnerOptions {
  clock: Clock;
  makeProbe: (spec: ProbeSpec) => Probe;
  onReport: (r: CheckerReport) => void;
  maxConcurrent?: number;
  /** [0,1) source for warmup spreading; injectable for reproducible tests. */
  random?: () => number;
  log?: Logger;
  /**
   * Wake-ups land on multiples of this many ms (0 = exactly when due): attempts due within one
   * slot start together, so a thousand checkers a second cost tens of event-loop wake-ups instead
   * of a thousand, each attempt starting at most this late (bench/checkers.ts).
   */
  coalesceMs?: number;
}

interface Entry {
  key: string;
  timing: CheckTiming;
  spec: ProbeSpec;
  probe: Probe;
  state: CheckState;
  plannedAt: number;
  /** Bumped on every (re)schedule or cancel: stale heap items and stale results are ignored. */
  gen: number;
  /** The probe in flight (a fresh object per launch; stale results compare unequal). */
  inFlight?: object;
  /**
   * Reused by every probe of this checker until cancel() aborts one in flight: a new controller
   * per attempt, plus an abort listener added and removed on it, cost ~10 µs of user CPU per
   * attempt (bench/checkers.ts); with a long-lived signal tcp.ts keeps one listener per signal.
   */
  ac?: AbortController;
}

/**
 * keepalived has no cap; ours protects the fd table (one socket or child per probe) while leaving
 * room for many dead servers sitting in connect_timeout without delaying the healthy ones.
 */
export const DEFAULT_MAX_CONCURRENT = 2048;

export class CheckRunner {
  private readonly entries = new Map<string, Entry>();
  private readonly heap = new DueHeap<{ entry: Entry; gen: number }>();
  private ready: { entry: Entry; gen: number }[] = [];
  private readyHead = 0;
  private inFlight = 0;
  private running = false;
  private armed?: { at: number; cancel: () => void };
  private readonly clock: Clock;
  private readonly maxConcurrent: number;
  private readonly random: () => number;
  private readonly coalesceMs: number;
  private readonly log: Logger;
  private probesStarted = 0;

  constructor(
    checkers: readonly RunnerChecker[],
    private readonly opts: RunnerOptions,
  ) {
    this.clock = opts.clock;
    this.maxConcurrent = Math.max(1, opts.maxConcurrent ?? DEFAULT_MAX_CONCURRENT);
    this.random = opts.random ?? Math.random;
    this.coalesceMs = Math.max(0, opts.coalesceMs ?? 0);
    this.log = opts.log ?? silentLogger;
    for (const c of checkers) this.add(c);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const e of this.entries.values()) this.scheduleFirst(e);
  }

  /** Cancels timers and aborts probes in flight; checker states are kept for a later start(). */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.armed?.cancel();
    this.armed = undefined;
    this.heap.clear();
    this.ready = [];
    this.readyHead = 0;
    for (const e of this.entries.values()) this.cancel(e);
  }

  /**
   * Applies a new checker set: checkers whose key is unchanged keep their state and their schedule
   * (keepalived migrates unchanged checkers on reload); removed ones are cancelled; new ones start
   * as at start-up.
   */
  reconfigure(checkers: readonly RunnerChecker[]): void {
    const wanted = new Map(checkers.map((c) => [c.key, c]));
    if (wanted.size !== checkers.length) throw new RangeError('duplicate checker keys');
    for (const [key, e] of this.entries) {
      if (wanted.has(key)) continue;
      this.cancel(e);
      this.entries.delete(key);
    }
    for (const c of checkers) {
      const e = this.entries.get(c.key);
      if (!e) {
        const added = this.add(c);
        if (this.running) this.scheduleFirst(added);
        continue;
      }
      e.timing = c.timing;
      if (JSON.stringify(e.spec) !== JSON.stringify(c.spec)) {
        e.spec = c.spec;
        e.probe = this.opts.makeProbe(c.spec);
      }
    }
  }

  stateOf(key: string): CheckState | undefined {
    return this.entries.get(key)?.state;
  }

  stats(): { checkers: number; inFlight: number; queued: number; probesStarted: number } {
    return {
      checkers: this.entries.size,
      inFlight: this.inFlight,
      queued: this.ready.length - this.readyHead,
      probesStarted: this.probesStarted,
    };
  }

  private add(c: RunnerChecker): Entry {
    if (this.entries.has(c.key)) throw new RangeError(`duplicate checker key ${c.key}`);
    const e: Entry = {
      key: c.key,
      timing: c.timing,
      spec: c.spec,
      probe: this.opts.makeProbe(c.spec),
      state: initialStateFor(c.spec, c.timing),
      plannedAt: 0,
      gen: 0,
    };
    this.entries.set(c.key, e);
    return e;
  }

  private cancel(e: Entry): void {
    e.gen++;
    if (e.inFlight) {
      e.ac?.abort();
      e.ac = undefined;
    }
    e.inFlight = undefined;
  }

  private scheduleFirst(e: Entry): void {
    this.schedule(e, this.clock.now() + firstDelayMs(e.timing, this.random()));
  }

  private schedule(e: Entry, at: number): void {
    e.gen++;
    e.plannedAt = at;
    this.heap.push(at, { entry: e, gen: e.gen });
    this.arm();
  }

  /** Keeps exactly one clock timer, for the earliest planned attempt. */
  private arm(): void {
    const top = this.heap.peek();
    if (!top || !this.running) return;
    const q = this.coalesceMs;
    const at = q > 0 ? Math.ceil(top.at / q) * q : top.at;
    if (this.armed && this.armed.at <= at) return;
    this.armed?.cancel();
    this.armed = { at, cancel: this.clock.after(at - this.clock.now(), () => this.onTimer(at)) };
  }

  private onTimer(at: number): void {
    if (this.armed?.at === at) this.armed = undefined;
    const now = this.clock.now();
    for (let top = this.heap.peek(); top && top.at <= now; top = this.heap.peek()) {
      this.heap.pop();
      if (top.value.gen === top.value.entry.gen) this.ready.push(top.value);
    }
    this.pump();
    this.arm();
  }

  private pump(): void {
    while (this.running && this.inFlight < this.maxConcurrent && this.readyHead < this.ready.length) {
      const item = this.ready[this.readyHead++]!;
      if (item.gen === item.entry.gen && this.entries.get(item.entry.key) === item.entry) this.launch(item.entry);
    }
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
  }

  private launch(e: Entry): void {
    const gen = e.gen;
    const ac = (e.ac ??= new AbortController());
    const token = {};
    e.inFlight = token;
    this.inFlight++;
    this.probesStarted++;
    const startedAt = this.clock.now();
    let probing: Promise<ProbeResult>;
    try {
      probing = e.probe(ac.signal, { url: e.state.url ?? 0 });
    } catch (err) {
      probing = Promise.reject(err);
    }
    probing
      .catch((err: unknown): ProbeResult => ({ ok: false, reason: `probe error: ${String(err)}` }))
      .then((result) => {
        this.inFlight--;
        try {
          if (e.gen === gen && e.inFlight === token) {
            e.inFlight = undefined;
            this.complete(e, startedAt, result);
          }
        } catch (err) {
          this.log.error({ err, checker: e.key }, 'checker report handler failed');
        } finally {
          this.pump();
        }
      });
  }

  private complete(e: Entry, startedAt: number, result: ProbeResult): void {
    const finishedAt = this.clock.now();
    const step = stepFor(e.spec, e.state, result.ok, e.timing);
    e.state = step.s;
    const plannedAt = e.plannedAt;
    const nominalEnd = plannedAt + (finishedAt - startedAt);
    const next = step.note === 'retrying' ? nominalEnd + step.delayMs : Math.max(plannedAt + step.delayMs, nominalEnd);
    // Overloaded (or the clock jumped): start from now rather than bursting to catch up.
    this.schedule(e, Math.max(next, finishedAt));
    this.opts.onReport({
      key: e.key,
      plannedAt,
      startedAt,
      finishedAt,
      result,
      note: step.note,
      ...(step.edge ? { edge: step.edge } : {}),
      state: step.s,
    });
  }
}

/** HTTP_GET/SSL_GET walk their urls (http-policy.ts); every other checker uses check_tcp's rules. */
function initialStateFor(spec: ProbeSpec, t: CheckTiming): CheckState {
  return spec.kind === 'HTTP_GET' || spec.kind === 'SSL_GET' ? initialHttpState(t) : initialState(t);
}

function stepFor(spec: ProbeSpec, s: CheckState, ok: boolean, t: CheckTiming): Step {
  if (spec.kind === 'HTTP_GET' || spec.kind === 'SSL_GET') {
    return afterHttpProbe(s, ok, t, { urlCount: spec.urls.length, fastRecovery: spec.fastRecovery ?? false });
  }
  return afterProbe(s, ok, t);
}
