/**
 * keepalived's per-checker-type defaults (semantics doc §8.1, features §5), for whoever maps the
 * config model onto CheckTiming: a value set on the checker wins, then the real_server's, then the
 * virtual_server's, then these.
 */
import type { CheckTiming, CheckerKind } from './types.js';

export const DEFAULT_DELAY_LOOP_MS = 60_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** retry / delay_before_retry defaults by type; DNS retries after a whole delay_loop. */
export function typeRetryDefaults(kind: CheckerKind, delayLoopMs: number): { retry: number; delayBeforeRetryMs: number } {
  switch (kind) {
    case 'HTTP_GET':
    case 'SSL_GET':
      return { retry: 1, delayBeforeRetryMs: 3_000 };
    case 'MISC_CHECK':
      return { retry: 0, delayBeforeRetryMs: 1_000 };
    case 'DNS_CHECK':
      return { retry: 3, delayBeforeRetryMs: delayLoopMs };
    case 'TCP_CHECK':
    case 'UDP_CHECK':
    case 'SMTP_CHECK':
      return { retry: 1, delayBeforeRetryMs: 1_000 };
  }
}

/** Fills the gaps of an inherited timing with the type defaults (warmup defaults to delay_loop). */
export function resolveTiming(kind: CheckerKind, given: Partial<CheckTiming>): CheckTiming {
  const delayLoopMs = given.delayLoopMs ?? DEFAULT_DELAY_LOOP_MS;
  const d = typeRetryDefaults(kind, delayLoopMs);
  return {
    delayLoopMs,
    retry: given.retry ?? d.retry,
    delayBeforeRetryMs: given.delayBeforeRetryMs ?? d.delayBeforeRetryMs,
    warmupMs: given.warmupMs ?? delayLoopMs,
    alpha: given.alpha ?? false,
  };
}
