/**
 * The retry/up-down policy of one checker, as a pure step (keepalived check_tcp.c `tcp_epilog`,
 * taken apart: here only the decision; the runner schedules, the daemon logs and mails).
 *
 * keepalived's rules (semantics doc §8.2):
 *  - a checker starts up (or down with `alpha`), has not run, and its retry counter starts at
 *    `retry`, so the very first failure is enough to mark it down;
 *  - success: counter 0, up (edge only if it was down), next check after delay_loop;
 *  - failure while up (or on the first run) with no retries left: down, counter 0, delay_loop;
 *  - failure while up with retries left: counter+1, next attempt after delay_before_retry;
 *  - failure while down: nothing, delay_loop (no retries while down).
 * So an up checker goes down after retry+1 consecutive failures and a down one comes up on the
 * first success.
 */
import type { CheckTiming, Edge } from './types.js';

/** keepalived's BOOTSTRAP_DELAY: the earliest first check is 1 s after start. */
export const BOOTSTRAP_DELAY_MS = 1000;

export interface CheckState {
  up: boolean;
  hasRun: boolean;
  /** keepalived `retry_it`: failed attempts counted since the last success. */
  retryIt: number;
  /** HTTP_GET/SSL_GET only (http-policy.ts): the url the next attempt fetches. */
  url?: number;
  /** HTTP_GET/SSL_GET only: the url that failed and made the checker down, if any. */
  failedUrl?: number;
}

/** Why the step decided what it did: the daemon turns it into keepalived's log lines. */
export type StepNote =
  | 'success' // "… connection to X success." (logged only when it changes or is the first result)
  | 'still-up'
  | 'failed' // first run or retry 0: "TCP_CHECK on service X failed."
  | 'failed-after-retries' // "TCP_CHECK on service X failed after N retries."
  | 'retrying'
  | 'still-down'
  | 'url-ok'; // HTTP: one url of several answered; the next url is due after delay_loop

export interface Step {
  s: CheckState;
  delayMs: number;
  edge?: Edge;
  note: StepNote;
}

export function initialState(t: CheckTiming): CheckState {
  return { up: !t.alpha, hasRun: false, retryIt: t.retry };
}

/** Delay before the first attempt: 1 s + random(0..warmup); `rand01` is in [0,1). */
export function firstDelayMs(t: CheckTiming, rand01: number): number {
  return BOOTSTRAP_DELAY_MS + Math.floor(Math.max(0, t.warmupMs) * rand01);
}

export function afterProbe(s: CheckState, ok: boolean, t: CheckTiming): Step {
  if (ok) {
    const firstNews = !s.up || !s.hasRun;
    return {
      s: { up: true, hasRun: true, retryIt: 0 },
      delayMs: t.delayLoopMs,
      ...(s.up ? {} : { edge: 'up' as const }),
      note: firstNews ? 'success' : 'still-up',
    };
  }
  const counts = s.up || !s.hasRun;
  if (counts && s.retryIt >= t.retry) {
    return {
      s: { up: false, hasRun: true, retryIt: 0 },
      delayMs: t.delayLoopMs,
      ...(s.up ? { edge: 'down' as const } : {}),
      note: t.retry > 0 && s.hasRun ? 'failed-after-retries' : 'failed',
    };
  }
  if (s.up) {
    return { s: { up: true, hasRun: true, retryIt: s.retryIt + 1 }, delayMs: t.delayBeforeRetryMs, note: 'retrying' };
  }
  return { s: { up: false, hasRun: true, retryIt: s.retryIt }, delayMs: t.delayLoopMs, note: 'still-down' };
}
