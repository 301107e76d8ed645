import { describe, expect, it } from 'vitest';
import type { CheckTiming, VirtualServerCfg } from '../../src/check/types.js';
import { wakeSlotMs } from '../../src/daemon/lvs-service.js';

const vs = (...timings: Partial<CheckTiming>[]): VirtualServerCfg => ({
  realServers: [{
    checkers: timings.map((t) => ({ timing: { delayLoopMs: 60_000, retry: 1, delayBeforeRetryMs: 1000, warmupMs: 0, alpha: false, ...t } })),
  }],
} as unknown as VirtualServerCfg);

describe('wakeSlotMs', () => {
  it('is 20 ms for second-scale timers and a tenth of the shortest one below that', () => {
    expect(wakeSlotMs([vs({ delayLoopMs: 1000 }), vs({ delayLoopMs: 6000 })])).toBe(20);
    expect(wakeSlotMs([vs({ delayLoopMs: 1000, delayBeforeRetryMs: 100 })])).toBe(10);
    expect(wakeSlotMs([vs({ delayLoopMs: 0.25 })])).toBe(0); // sub-ms delay_loop: exact times
    expect(wakeSlotMs([vs({ delayLoopMs: 1000, retry: 0, delayBeforeRetryMs: 1 })])).toBe(20); // no retries: their gap never applies
    expect(wakeSlotMs([])).toBe(20);
  });
});
