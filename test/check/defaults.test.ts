import { describe, expect, it } from 'vitest';
import { resolveTiming, typeRetryDefaults } from '../../src/check/defaults.js';

describe('checker type defaults', () => {
  it('matches keepalived: TCP retry 1 / 1 s, HTTP 1 / 3 s, MISC 0, DNS 3 / delay_loop', () => {
    expect(typeRetryDefaults('TCP_CHECK', 6000)).toEqual({ retry: 1, delayBeforeRetryMs: 1000 });
    expect(typeRetryDefaults('SSL_GET', 6000)).toEqual({ retry: 1, delayBeforeRetryMs: 3000 });
    expect(typeRetryDefaults('MISC_CHECK', 6000).retry).toBe(0);
    expect(typeRetryDefaults('DNS_CHECK', 6000)).toEqual({ retry: 3, delayBeforeRetryMs: 6000 });
  });

  it('fills only what is missing; warmup defaults to delay_loop, delay_loop to 60 s', () => {
    expect(resolveTiming('TCP_CHECK', {})).toEqual({ delayLoopMs: 60000, retry: 1, delayBeforeRetryMs: 1000, warmupMs: 60000, alpha: false });
    expect(resolveTiming('HTTP_GET', { delayLoopMs: 5000, retry: 4, alpha: true })).toEqual({
      delayLoopMs: 5000, retry: 4, delayBeforeRetryMs: 3000, warmupMs: 5000, alpha: true,
    });
    expect(resolveTiming('DNS_CHECK', { delayLoopMs: 2000, warmupMs: 0 })).toMatchObject({ delayBeforeRetryMs: 2000, warmupMs: 0 });
  });
});
