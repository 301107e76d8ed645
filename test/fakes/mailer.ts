import type { OutgoingMail } from '../../src/notify/format.js';
import type { Mailer, SendResult } from '../../src/notify/mailer.js';

/**
 * A Mailer driven by the test. By default every send succeeds at once. `down` makes sends fail
 * transiently (server unreachable); `script` queues specific results; `manual` keeps each send
 * pending until the test calls `settle()`, to observe one-at-a-time delivery.
 */
export class FakeMailer implements Mailer {
  /** Every attempt, in order (delivered or not). */
  readonly attempts: OutgoingMail[] = [];
  /** Mails the fake accepted, in order. */
  readonly delivered: OutgoingMail[] = [];
  down = false;
  manual = false;
  inFlight = 0;
  maxInFlight = 0;
  private scripted: SendResult[] = [];
  private pending: Array<(r: SendResult) => void> = [];

  /** The next sends return these results, in order (then back to the default behaviour). */
  script(...results: SendResult[]): void {
    this.scripted.push(...results);
  }

  send(mail: OutgoingMail): Promise<SendResult> {
    this.attempts.push(mail);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const finish = (r: SendResult): SendResult => {
      this.inFlight--;
      if (r.ok) this.delivered.push(mail);
      return r;
    };
    if (this.manual) return new Promise((resolve) => this.pending.push((r) => resolve(finish(r))));
    const next = this.scripted.shift();
    if (next) return Promise.resolve(finish(next));
    if (this.down) return Promise.resolve(finish({ ok: false, permanent: false, reason: 'connect ECONNREFUSED', code: 'ESOCKET' }));
    return Promise.resolve(finish({ ok: true, response: '250 OK' }));
  }

  /** Completes the oldest pending send (manual mode). */
  settle(r: SendResult = { ok: true }): void {
    const p = this.pending.shift();
    if (!p) throw new Error('no pending send');
    p(r);
  }

  get pendingCount(): number {
    return this.pending.length;
  }
}
