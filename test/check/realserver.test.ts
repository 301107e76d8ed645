import { describe, expect, it } from 'vitest';
import { initRealServer, isAlive, poolWeight, setCheckerUp, setWeight } from '../../src/check/realserver.js';
import type { CheckerCfg, RealServerCfg } from '../../src/check/types.js';

const chk = (alpha: boolean): CheckerCfg => ({
  timing: { delayLoopMs: 1000, retry: 1, delayBeforeRetryMs: 1000, warmupMs: 0, alpha },
  probe: { kind: 'TCP_CHECK', connectIp: '10.0.0.1', connectPort: 80, connectTimeoutMs: 1000 },
});
const cfg = (checkers: CheckerCfg[], inhibitOnFailure = false): RealServerCfg => ({
  addr: '10.0.0.1',
  port: 80,
  weight: 4,
  inhibitOnFailure,
  checkers,
});

describe('real server state', () => {
  it('starts alive unless one of its checkers has alpha', () => {
    expect(isAlive(initRealServer(cfg([chk(false), chk(false)])))).toBe(true);
    expect(isAlive(initRealServer(cfg([chk(false), chk(true)])))).toBe(false);
    expect(initRealServer(cfg([])).key).toBe('10.0.0.1:80');
  });

  it('is alive only while every checker is up; unchanged flags return the same object', () => {
    const rs = initRealServer(cfg([chk(false), chk(false)]));
    const down = setCheckerUp(rs, 1, false);
    expect(isAlive(down)).toBe(false);
    expect(setCheckerUp(down, 1, false)).toBe(down);
    expect(isAlive(setCheckerUp(down, 1, true))).toBe(true);
    expect(() => setCheckerUp(rs, 2, true)).toThrow(RangeError);
  });

  it('pool weight: own weight when alive, 0 when failed with inhibit, absent otherwise', () => {
    const rs = setWeight(initRealServer(cfg([chk(false)])), 9);
    expect(poolWeight(rs)).toBe(9);
    expect(poolWeight(setCheckerUp(rs, 0, false))).toBeNull();
    const inh = initRealServer(cfg([chk(false)], true));
    expect(poolWeight(setCheckerUp(inh, 0, false))).toBe(0);
  });
});
