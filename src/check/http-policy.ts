/**
 * HTTP_GET/SSL_GET retry policy, pure (keepalived check_http.c `epilog`/`timeout_epilog`, read for
 * behaviour). It differs from the TCP one because urls are fetched one per attempt:
 *  - a success moves to the next url after delay_loop; the checker goes up only after a full
 *    pass over every url without a failed url pending;
 *  - during the very first pass, every success re-arms the counter at `retry`, so any failure
 *    before the first full pass marks down at once;
 *  - a failure while up (or before the first result) counts; the (retry+1)-th marks the checker
 *    down and remembers the url as failed; the next attempt is max(delay_before_retry, delay_loop)
 *    later while a failed url is pending, delay_before_retry otherwise;
 *  - a failure while down changes nothing (same url again);
 *  - when the failed url answers again, the pass restarts at the first url;
 *  - `fast_recovery`: while not up and no url is known failed (or before the first pass ends),
 *    the next url is fetched at once.
 */
import type { CheckState, Step } from './policy.js';
import type { CheckTiming } from './types.js';

export interface HttpPolicyOpts {
  urlCount: number;
  fastRecovery: boolean;
}

export function initialHttpState(t: CheckTiming): CheckState {
  return { up: !t.alpha, hasRun: false, retryIt: t.retry, url: 0 };
}

export function afterHttpProbe(s: CheckState, ok: boolean, t: CheckTiming, o: HttpPolicyOpts): Step {
  const n = Math.max(1, o.urlCount);
  const url = s.url ?? 0;
  return ok ? onSuccess(s, url, n, t, o) : onFailure(s, url, t);
}

function onSuccess(s: CheckState, url: number, n: number, t: CheckTiming, o: HttpPolicyOpts): Step {
  const passDone = url + 1 >= n;
  let next: CheckState = { ...s, retryIt: 0, url: passDone ? 0 : url + 1 };
  let edge: Step['edge'];
  let note: Step['note'] = 'url-ok';
  if (passDone && s.failedUrl === undefined) {
    note = s.up && s.hasRun ? 'still-up' : 'success';
    if (!s.up) edge = 'up';
    next = { up: true, hasRun: true, retryIt: 0, url: 0 };
  } else if (s.failedUrl !== undefined) {
    next = { up: s.up, hasRun: s.hasRun, retryIt: 0, url: 0 }; // failed url recovered: start a new pass
  }
  if (!next.hasRun) next.retryIt = t.retry;
  const fast = o.fastRecovery && (!next.hasRun || (!next.up && next.failedUrl === undefined));
  return { s: next, delayMs: fast ? 0 : t.delayLoopMs, ...(edge ? { edge } : {}), note };
}

function onFailure(s: CheckState, url: number, t: CheckTiming): Step {
  const retryAfterFailure = (st: CheckState): number =>
    st.failedUrl !== undefined ? Math.max(t.delayBeforeRetryMs, t.delayLoopMs) : t.delayBeforeRetryMs;
  if (!s.up && s.hasRun) {
    return { s, delayMs: retryAfterFailure(s), note: 'still-down' };
  }
  const retryIt = s.retryIt + 1;
  if (retryIt <= t.retry) {
    const next = { ...s, hasRun: true, retryIt };
    return { s: next, delayMs: retryAfterFailure(next), note: 'retrying' };
  }
  const next: CheckState = { up: false, hasRun: true, retryIt, url, failedUrl: url };
  return {
    s: next,
    delayMs: retryAfterFailure(next),
    ...(s.up ? { edge: 'down' as const } : {}),
    note: s.up && t.retry > 0 && s.hasRun ? 'failed-after-retries' : 'failed',
  };
}
