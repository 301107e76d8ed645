import { describe, expect, it } from 'vitest';
import { HealthService, describeEvent } from '../../src/check/service.js';
import type { ProbeSpec, VirtualServerCfg } from '../../src/check/types.js';
import type { DesiredDest, HealthEvent } from '../../src/check/virtualserver.js';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';
import { runFor } from './async-clock.js';

const timing = { delayLoopMs: 5000, retry: 1, delayBeforeRetryMs: 1000, warmupMs: 0, alpha: false };
const cfg = (): VirtualServerCfg[] => [
  {
    key: 'TCP 192.168.0.1:80',
    quorum: 1,
    hysteresis: 0,
    sorryServer: { addr: '10.0.9.9', port: 80, weight: 1, inhibit: false },
    realServers: [1, 2].map((i) => ({
      addr: `10.0.0.${i}`,
      port: 80,
      weight: 1,
      inhibitOnFailure: false,
      checkers: [{ timing, probe: { kind: 'TCP_CHECK', connectIp: `10.0.0.${i}`, connectPort: 80, connectTimeoutMs: 500 } as ProbeSpec }],
    })),
  },
];

function setup() {
  const clock = new FakeClock();
  const healthy = new Map<string, boolean>();
  const events: HealthEvent[] = [];
  const desired: [string, DesiredDest[]][] = [];
  const log = captureLogger();
  const svc = new HealthService(cfg(), {
    clock,
    random: () => 0,
    log,
    makeProbe: (spec) => async () =>
      healthy.get(spec.kind === 'MISC_CHECK' ? '' : spec.connectIp) ?? true
        ? { ok: true, reason: 'connected' }
        : { ok: false, reason: 'ECONNREFUSED' },
    onEvent: (e) => events.push(e),
    onDesired: (vs, d) => desired.push([vs, d]),
  });
  return { clock, healthy, events, desired, svc, log };
}

describe('HealthService (fake clock, fake probes)', () => {
  it('turns probe results into pool events, desired tables and keepalived-like log lines', async () => {
    const { clock, healthy, events, desired, svc, log } = setup();
    expect(svc.desired().get('TCP 192.168.0.1:80')!.map((d) => d.addr)).toEqual(['10.0.0.1', '10.0.0.2']);
    svc.start();
    await runFor(clock, 2000, 10);
    expect(events).toEqual([]);
    healthy.set('10.0.0.1', false);
    healthy.set('10.0.0.2', false);
    await runFor(clock, 6000, 10); // 6000 fail, 7000 retry → down
    expect(events.map((e) => e.t)).toEqual(['rs-down', 'rs-down', 'quorum-down']);
    expect(clock.now()).toBe(8000);
    expect(desired.at(-1)).toEqual(['TCP 192.168.0.1:80', [{ addr: '10.0.9.9', port: 80, weight: 1, sorry: true }]]);
    expect(log.records.some((r) => r.msg === 'TCP_CHECK on service 10.0.0.1:80 failed after 1 retries.')).toBe(true);
    expect(log.records.some((r) => r.msg === 'Lost quorum 1-0=1 > 0 for VS TCP 192.168.0.1:80')).toBe(true);
    healthy.set('10.0.0.2', true);
    await runFor(clock, 5000, 10);
    expect(events.slice(3).map((e) => e.t)).toEqual(['rs-up', 'quorum-up']);
    expect(desired.at(-1)).toEqual(['TCP 192.168.0.1:80', [{ addr: '10.0.0.2', port: 80, weight: 1 }]]);
    svc.stop();
    expect(clock.pending()).toBe(0);
  });

  it('reconfigure keeps checker state: a down server stays down (no new events) and later recovers; new servers join', async () => {
    const { clock, healthy, events, desired, svc } = setup();
    healthy.set('10.0.0.1', false);
    svc.start();
    await runFor(clock, 1500, 10);
    expect(events).toEqual([{ t: 'rs-down', vs: 'TCP 192.168.0.1:80', rs: '10.0.0.1:80' }]);
    const next = cfg();
    const third = { ...next[0]!.realServers[1]!, addr: '10.0.0.3', checkers: [{ timing, probe: { kind: 'TCP_CHECK' as const, connectIp: '10.0.0.3', connectPort: 80, connectTimeoutMs: 500 } }] };
    next[0] = { ...next[0]!, realServers: [...next[0]!.realServers, third] };
    svc.reconfigure(next);
    // kept: 10.0.0.1 still down, not re-added; new 10.0.0.3 present at once (no alpha)
    expect(svc.desired().get('TCP 192.168.0.1:80')!.map((d) => d.addr)).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(desired.at(-1)![1].map((d) => d.addr)).toEqual(['10.0.0.2', '10.0.0.3']);
    await runFor(clock, 10_000, 10);
    expect(events).toHaveLength(1); // still failing, already down: nothing new
    healthy.set('10.0.0.1', true);
    await runFor(clock, 5000, 10);
    expect(events.at(-1)).toEqual({ t: 'rs-up', vs: 'TCP 192.168.0.1:80', rs: '10.0.0.1:80' });
    expect(svc.stats().checkers).toBe(3);
    expect(svc.shutdownEvents(new Set(['TCP 192.168.0.1:80'])).map((e) => e.t)).toEqual(['rs-down', 'rs-down', 'rs-down', 'quorum-down']);
    svc.stop();
  });

  it('describes events with keepalived’s wording', () => {
    expect(describeEvent({ t: 'quorum-up', vs: 'V', aliveWeight: 4, quorum: 3, hysteresis: 1 })).toBe('Gained quorum 3+1=4 <= 4 for VS V');
    expect(describeEvent({ t: 'rs-weight', vs: 'V', rs: 'R', weight: 3, prev: 1, alive: false })).toBe(
      'Changing weight from 1 to 3 for inactive service R of VS V',
    );
  });
});
