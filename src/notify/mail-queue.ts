/**
 * Alert mails leave through a bounded FIFO so that sending never blocks or delays VRRP or checks:
 * enqueue() is synchronous, one delivery runs at a time, a transient failure (server down,
 * timeout, 4xx) keeps the mail at the head and retries it with capped exponential backoff driven
 * by the injected Clock. Mails are kept until delivered while the daemon runs; only overflow (the
 * oldest waiting mail goes) and permanent 5xx refusals drop a mail, and both are counted and logged.
 */
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import type { OutgoingMail } from './format.js';
import type { Mailer, SendResult } from './mailer.js';

export interface RetryPolicy {
  /** Delay after the first failed attempt. */
  initialMs: number;
  /** Cap for the delay. */
  maxMs: number;
  /** Growth per further consecutive failure. */
  factor: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 5_000, maxMs: 300_000, factor: 2 };
export const DEFAULT_CAPACITY = 1_000;

/** Delay before the next attempt after `failures` consecutive failures (>= 1). */
export function backoffMs(failures: number, p: RetryPolicy): number {
  const n = Math.max(1, failures);
  return Math.min(p.maxMs, p.initialMs * p.factor ** (n - 1));
}

export interface MailQueueOptions {
  capacity?: number;
  retry?: Partial<RetryPolicy>;
}

export interface MailQueueStats {
  /** Mails waiting or in flight. */
  queued: number;
  sent: number;
  /** Dropped because the queue was full (oldest first) or enqueued after close(). */
  dropped: number;
  /** Dropped because the server refused them permanently. */
  rejected: number;
  /** Failed attempts that were retried. */
  retries: number;
}

interface Entry { mail: OutgoingMail; attempts: number }

export interface DrainResult { remaining: number }

export class MailQueue {
  private readonly capacity: number;
  private readonly retry: RetryPolicy;
  private readonly queue: Entry[] = [];
  private sending: Entry | null = null;
  private cancelRetry: (() => void) | null = null;
  private failStreak = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly counters = { sent: 0, dropped: 0, rejected: 0, retries: 0 };

  constructor(
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    private readonly log: Logger,
    opts: MailQueueOptions = {},
  ) {
    this.capacity = Math.max(1, opts.capacity ?? DEFAULT_CAPACITY);
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
  }

  /** Queues a mail and returns at once; delivery happens in the background. */
  enqueue(mail: OutgoingMail): void {
    if (this.closed) {
      this.counters.dropped++;
      this.log.warn({ subject: mail.subject }, 'SMTP alert dropped: mail queue is closed');
      return;
    }
    if (this.queue.length >= this.capacity) this.dropOldestWaiting();
    this.queue.push({ mail, attempts: 0 });
    this.pump();
  }

  stats(): MailQueueStats {
    return { queued: this.queue.length, ...this.counters };
  }

  /**
   * For shutdown: retries at once if waiting on backoff, then resolves when everything is
   * delivered or after timeoutMs (Clock time), with the number of mails left undelivered.
   */
  drain(timeoutMs: number): Promise<DrainResult> {
    if (this.isIdle()) return Promise.resolve({ remaining: 0 });
    if (this.cancelRetry) {
      this.cancelRetry();
      this.cancelRetry = null;
      this.pump();
    }
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        cancelTimeout();
        resolve({ remaining: this.queue.length });
      };
      const cancelTimeout = this.clock.after(timeoutMs, () => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== finish);
        finish();
      });
      this.idleWaiters.push(finish);
    });
  }

  /**
   * Stops retrying; mails still queued are logged as lost and pending drain() calls resolve now.
   * An in-flight delivery may still finish.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelRetry?.();
    this.cancelRetry = null;
    if (this.queue.length > 0) this.log.error({ lost: this.queue.length }, 'SMTP alerts not delivered before shutdown');
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.sending === null;
  }

  private dropOldestWaiting(): void {
    const i = this.queue.findIndex((e) => e !== this.sending);
    if (i < 0) return;
    const [gone] = this.queue.splice(i, 1);
    this.counters.dropped++;
    this.log.warn({ subject: gone?.mail.subject, dropped: this.counters.dropped, capacity: this.capacity },
      'SMTP alert queue full, dropping the oldest mail');
  }

  private pump(): void {
    if (this.closed || this.sending || this.cancelRetry) return;
    const head = this.queue[0];
    if (!head) {
      this.releaseWaiters();
      return;
    }
    this.sending = head;
    head.attempts++;
    void this.deliver(head);
  }

  private async deliver(e: Entry): Promise<void> {
    let res: SendResult;
    try {
      res = await this.mailer.send(e.mail);
    } catch (err) { // the port promises not to throw; stay alive if an adapter does anyway
      res = { ok: false, permanent: false, reason: err instanceof Error ? err.message : String(err) };
    }
    this.sending = null;
    const ctx = { subject: e.mail.subject, attempts: e.attempts };
    if (res.ok || res.permanent) {
      this.remove(e);
      if (res.ok && this.failStreak > 0) {
        this.log.info({ failedAttempts: this.failStreak, queued: this.queue.length }, 'SMTP server reachable again, sending queued alerts');
      }
      this.failStreak = 0;
      if (res.ok) {
        this.counters.sent++;
        this.log.debug(ctx, 'SMTP alert successfully sent.');
      } else {
        this.counters.rejected++;
        this.log.error({ ...ctx, reason: res.reason, code: res.code }, 'SMTP server refused the alert permanently, dropping it');
      }
      this.pump();
      return;
    }
    this.counters.retries++;
    this.failStreak++;
    if (this.closed) return;
    const delayMs = backoffMs(this.failStreak, this.retry);
    this.log.warn({ ...ctx, reason: res.reason, code: res.code, retryInMs: delayMs, queued: this.queue.length },
      'SMTP alert not delivered, will retry');
    this.cancelRetry = this.clock.after(delayMs, () => {
      this.cancelRetry = null;
      this.pump();
    });
  }

  private remove(e: Entry): void {
    const i = this.queue.indexOf(e);
    if (i >= 0) this.queue.splice(i, 1);
  }
}
