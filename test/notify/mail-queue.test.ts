import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../src/notify/format.js';
import { backoffMs, DEFAULT_RETRY, MailQueue } from '../../src/notify/mail-queue.js';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';
import { FakeMailer } from '../fakes/mailer.js';

const mail = (n: number): OutgoingMail => ({
  from: 'ka@lb1', to: ['ops@example.org'], subject: `mail ${n}`, body: 'b', date: 'Mon, 23 Nov 2026 16:00:00 +0000', xMailer: 'keepalived-ts',
});
/** Lets the fake mailer's resolved promises run (no timers involved). */
const settle = async () => { for (let i = 0; i < 10; i++) await Promise.resolve(); };
const subjects = (ms: OutgoingMail[]) => ms.map((m) => m.subject);

function setup(opts: ConstructorParameters<typeof MailQueue>[3] = {}) {
  const clock = new FakeClock();
  const mailer = new FakeMailer();
  const log = captureLogger();
  const q = new MailQueue(mailer, clock, log, opts);
  return { clock, mailer, log, q };
}

describe('backoffMs', () => {
  it('doubles from the initial delay and is capped', () => {
    const p = { initialMs: 1000, maxMs: 10_000, factor: 2 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, p))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffMs(0, p)).toBe(1000);
    expect(backoffMs(100, DEFAULT_RETRY)).toBe(DEFAULT_RETRY.maxMs);
  });
});

describe('MailQueue', () => {
  it('enqueue returns before delivery and mails go out in order, one at a time', async () => {
    const { mailer, q } = setup();
    mailer.manual = true;
    q.enqueue(mail(1)); q.enqueue(mail(2)); q.enqueue(mail(3));
    expect(mailer.delivered).toEqual([]);
    expect(mailer.pendingCount).toBe(1);
    for (let i = 0; i < 3; i++) { mailer.settle(); await settle(); }
    expect(subjects(mailer.delivered)).toEqual(['mail 1', 'mail 2', 'mail 3']);
    expect(mailer.maxInFlight).toBe(1);
    expect(q.stats()).toMatchObject({ queued: 0, sent: 3, dropped: 0, retries: 0 });
  });

  it('retries a transient failure with exponential backoff on the clock, keeping order', async () => {
    const { clock, mailer, q, log } = setup({ retry: { initialMs: 1000, maxMs: 4000, factor: 2 } });
    mailer.down = true;
    q.enqueue(mail(1)); q.enqueue(mail(2));
    await settle();
    expect(mailer.attempts).toHaveLength(1);
    const attemptTimes: number[] = [0];
    for (let t = 0; t < 20_000; t += 100) {
      const before = mailer.attempts.length;
      clock.advance(100); await settle();
      if (mailer.attempts.length > before) attemptTimes.push(clock.now());
    }
    // failures at 0, 1000, 3000, 7000, 11000, 15000, 19000: delays 1s, 2s, 4s, then capped at 4s
    expect(attemptTimes).toEqual([0, 1000, 3000, 7000, 11_000, 15_000, 19_000]);
    expect(new Set(subjects(mailer.attempts))).toEqual(new Set(['mail 1'])); // head-of-line, no reordering
    expect(log.records.filter((r) => r.msg === 'SMTP alert not delivered, will retry')).toHaveLength(7);
    mailer.down = false;
    clock.advance(4000); await settle();
    expect(subjects(mailer.delivered)).toEqual(['mail 1', 'mail 2']);
    expect(q.stats()).toMatchObject({ queued: 0, sent: 2, retries: 7 });
    expect(log.records.filter((r) => r.msg === 'SMTP server reachable again, sending queued alerts'))
      .toEqual([expect.objectContaining({ level: 'info', failedAttempts: 7, queued: 1 })]);
    expect(clock.pending()).toBe(0);
  });

  it('resets the backoff after a success', async () => {
    const { clock, mailer, q } = setup({ retry: { initialMs: 1000, maxMs: 60_000, factor: 2 } });
    mailer.script({ ok: false, permanent: false, reason: 'x' }, { ok: false, permanent: false, reason: 'x' });
    q.enqueue(mail(1)); await settle();
    clock.advance(1000); await settle(); // 2nd failure → next in 2000
    clock.advance(2000); await settle();
    expect(subjects(mailer.delivered)).toEqual(['mail 1']);
    mailer.script({ ok: false, permanent: false, reason: 'x' });
    q.enqueue(mail(2)); await settle();
    clock.advance(999); await settle();
    expect(mailer.delivered).toHaveLength(1);
    clock.advance(1); await settle();
    expect(subjects(mailer.delivered)).toEqual(['mail 1', 'mail 2']);
  });

  it('drops a permanently refused mail and goes on with the next', async () => {
    const { mailer, q, log } = setup();
    mailer.script({ ok: false, permanent: true, reason: '550 mailbox unavailable' });
    q.enqueue(mail(1)); q.enqueue(mail(2));
    await settle();
    expect(subjects(mailer.delivered)).toEqual(['mail 2']);
    expect(q.stats()).toMatchObject({ rejected: 1, sent: 1, queued: 0 });
    expect(log.records.some((r) => r.level === 'error' && r.reason === '550 mailbox unavailable')).toBe(true);
  });

  it('bounds the queue: when full the oldest waiting mail is dropped, counted and logged', async () => {
    const { mailer, q, log } = setup({ capacity: 3 });
    mailer.manual = true;
    for (let i = 1; i <= 6; i++) q.enqueue(mail(i)); // mail 1 is in flight and cannot be dropped
    expect(q.stats()).toMatchObject({ queued: 3, dropped: 3 });
    for (let i = 0; i < 3; i++) { mailer.settle(); await settle(); }
    expect(subjects(mailer.delivered)).toEqual(['mail 1', 'mail 5', 'mail 6']);
    expect(log.records.filter((r) => r.msg === 'SMTP alert queue full, dropping the oldest mail').map((r) => r.subject))
      .toEqual(['mail 2', 'mail 3', 'mail 4']);
  });

  it('drops the oldest even if it is waiting on backoff', async () => {
    const { clock, mailer, q } = setup({ capacity: 2, retry: { initialMs: 1000, maxMs: 1000, factor: 2 } });
    mailer.down = true;
    q.enqueue(mail(1)); await settle();
    q.enqueue(mail(2)); q.enqueue(mail(3));
    mailer.down = false;
    clock.advance(1000); await settle();
    expect(subjects(mailer.delivered)).toEqual(['mail 2', 'mail 3']);
  });

  it('survives a mailer that throws', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const throwing = { send: async () => { calls++; if (calls === 1) throw new Error('boom'); return { ok: true as const }; } };
    const q2 = new MailQueue(throwing, clock, captureLogger(), { retry: { initialMs: 10, maxMs: 10, factor: 1 } });
    q2.enqueue(mail(1)); await settle();
    clock.advance(10); await settle();
    expect(q2.stats()).toMatchObject({ sent: 1, retries: 1, queued: 0 });
  });

  it('drain resolves at once when idle, and after delivery otherwise', async () => {
    const { mailer, q } = setup();
    await expect(q.drain(1000)).resolves.toEqual({ remaining: 0 });
    mailer.manual = true;
    q.enqueue(mail(1)); q.enqueue(mail(2));
    const p = q.drain(5000);
    mailer.settle(); await settle();
    mailer.settle(); await settle();
    await expect(p).resolves.toEqual({ remaining: 0 });
  });

  it('drain retries immediately instead of waiting for the backoff, and times out on the clock', async () => {
    const { clock, mailer, q } = setup({ retry: { initialMs: 60_000, maxMs: 60_000, factor: 2 } });
    mailer.down = true;
    q.enqueue(mail(1)); await settle();
    expect(mailer.attempts).toHaveLength(1);
    mailer.down = false;
    const p = q.drain(2000);
    await settle();
    await expect(p).resolves.toEqual({ remaining: 0 });
    expect(mailer.attempts).toHaveLength(2);
    expect(clock.now()).toBe(0);

    mailer.down = true;
    q.enqueue(mail(2)); await settle();
    let result: { remaining: number } | undefined;
    void q.drain(2000).then((r) => { result = r; });
    await settle();
    clock.advance(1999); await settle();
    expect(result).toBeUndefined();
    clock.advance(1); await settle();
    expect(result).toEqual({ remaining: 1 });
  });

  it('close stops retries, logs lost mails and refuses new ones', async () => {
    const { clock, mailer, q, log } = setup({ retry: { initialMs: 1000, maxMs: 1000, factor: 2 } });
    mailer.down = true;
    q.enqueue(mail(1)); await settle();
    const drained = q.drain(60_000);
    q.close();
    await expect(drained).resolves.toEqual({ remaining: 1 });
    expect(clock.pending()).toBe(0);
    clock.advance(10_000); await settle();
    expect(mailer.attempts).toHaveLength(2); // the first try + drain's immediate retry, nothing after close
    expect(log.records.some((r) => r.level === 'error' && r.lost === 1)).toBe(true);
    q.enqueue(mail(2));
    expect(q.stats()).toMatchObject({ dropped: 1, queued: 1 });
  });
});

describe('MailQueue properties', () => {
  it('conserves mails, keeps FIFO order, stays bounded, never has two sends in flight', async () => {
    type Op = { t: 'enqueue' } | { t: 'advance'; ms: number } | { t: 'down'; v: boolean } | { t: 'reject' };
    const op = fc.oneof(
      fc.constant<Op>({ t: 'enqueue' }),
      fc.integer({ min: 0, max: 3000 }).map<Op>((ms) => ({ t: 'advance', ms })),
      fc.boolean().map<Op>((v) => ({ t: 'down', v })),
      fc.constant<Op>({ t: 'reject' }),
    );
    await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), async (ops, capacity) => {
      const { clock, mailer, q } = setup({ capacity, retry: { initialMs: 100, maxMs: 800, factor: 2 } });
      let n = 0;
      for (const o of ops) {
        if (o.t === 'enqueue') q.enqueue(mail(++n));
        else if (o.t === 'advance') clock.advance(o.ms);
        else if (o.t === 'down') mailer.down = o.v;
        else mailer.script({ ok: false, permanent: true, reason: '550' });
        await settle();
        const st = q.stats();
        expect(st.queued).toBeLessThanOrEqual(capacity + 1); // + the one in flight when full
        expect(st.sent + st.dropped + st.rejected + st.queued).toBe(n);
      }
      mailer.down = false;
      await q.drain(10_000).then((r) => expect(r.remaining).toBe(0));
      const order = mailer.delivered.map((m) => Number(m.subject.slice(5)));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(mailer.maxInFlight).toBeLessThanOrEqual(1);
      expect(q.stats().sent).toBe(mailer.delivered.length);
    }), { numRuns: 200 });
  });
});
