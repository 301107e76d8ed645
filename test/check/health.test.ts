import { describe, expect, it } from 'vitest';
import { applyReport, buildHealth, desiredTable, reloadHealth } from '../../src/check/health.js';
import type { CheckerCfg, RealServerCfg, VirtualServerCfg } from '../../src/check/types.js';

const timing = { delayLoopMs: 1000, retry: 1, delayBeforeRetryMs: 1000, warmupMs: 0, alpha: false };
const tcp = (ip: string, port: number): CheckerCfg => ({
  timing,
  probe: { kind: 'TCP_CHECK', connectIp: ip, connectPort: port, connectTimeoutMs: 1000 },
});
const misc = (path: string): CheckerCfg => ({
  timing: { ...timing, retry: 0 },
  probe: { kind: 'MISC_CHECK', argv: [path], timeoutMs: 1000, dynamic: true },
});
const rs = (ip: string, checkers: CheckerCfg[], weight = 1): RealServerCfg => ({
  addr: ip,
  port: 80,
  weight,
  inhibitOnFailure: false,
  checkers,
});
const vs = (key: string, realServers: RealServerCfg[]): VirtualServerCfg => ({ key, quorum: 1, hysteresis: 0, realServers });

const cfg = [
  vs('A', [rs('10.0.0.1', [tcp('10.0.0.1', 80), misc('/bin/check')]), rs('10.0.0.2', [tcp('10.0.0.2', 80)])]),
  vs('B', [rs('10.0.0.1', [tcp('10.0.0.1', 80), tcp('10.0.0.1', 80)])]),
];

describe('health model', () => {
  it('gives every checker a stable, unique key (twins get #n) and lists them for the runner', () => {
    const m = buildHealth(cfg);
    expect(m.checkers.map((c) => c.key)).toEqual([
      'A / 10.0.0.1:80 / TCP 10.0.0.1:80 from *:0',
      'A / 10.0.0.1:80 / MISC ["/bin/check"] dyn=true as=-',
      'A / 10.0.0.2:80 / TCP 10.0.0.2:80 from *:0',
      'B / 10.0.0.1:80 / TCP 10.0.0.1:80 from *:0',
      'B / 10.0.0.1:80 / TCP 10.0.0.1:80 from *:0#1',
    ]);
    expect(m.refs.get('B / 10.0.0.1:80 / TCP 10.0.0.1:80 from *:0#1')).toMatchObject({ vs: 1, rs: 0, checker: 1 });
  });

  it('routes reports to the right server; a report for an unknown key is ignored', () => {
    let m = buildHealth(cfg);
    const st = applyReport(m, m.checkers[1]!.key, { ok: false, edge: 'down' });
    expect(st.events).toEqual([{ t: 'rs-down', vs: 'A', rs: '10.0.0.1:80' }]);
    m = st.model;
    expect(desiredTable(m).get('A')).toEqual([{ addr: '10.0.0.2', port: 80, weight: 1 }]);
    expect(desiredTable(m).get('B')).toEqual([{ addr: '10.0.0.1', port: 80, weight: 1 }]); // other VS untouched
    expect(applyReport(m, 'nope', { ok: false, edge: 'down' })).toEqual({ model: m, events: [] });
  });

  it('applies a misc_dynamic weight before the up edge, so the server comes back with it', () => {
    let m = buildHealth(cfg);
    m = applyReport(m, m.checkers[1]!.key, { ok: false, edge: 'down' }).model;
    const st = applyReport(m, m.checkers[1]!.key, { ok: true, edge: 'up', weight: 9 });
    expect(st.events.map((e) => e.t)).toEqual(['rs-weight', 'rs-up']);
    expect(desiredTable(st.model).get('A')![0]).toEqual({ addr: '10.0.0.1', port: 80, weight: 9 });
    // misc_dynamic exit 0 restores the configured weight (1).
    const back = applyReport(st.model, m.checkers[1]!.key, { ok: true, weight: 'configured' });
    expect(back.events).toEqual([{ t: 'rs-weight', vs: 'A', rs: '10.0.0.1:80', weight: 1, prev: 9, alive: true }]);
    // A failed attempt carries no weight change.
    expect(applyReport(st.model, m.checkers[1]!.key, { ok: false, weight: 3 }).events).toEqual([]);
  });

  it('reload keeps the state of unchanged servers and checkers, and starts new ones fresh', () => {
    let m = buildHealth(cfg);
    m = applyReport(m, m.checkers[2]!.key, { ok: false, edge: 'down' }).model; // 10.0.0.2 down
    m = applyReport(m, m.checkers[1]!.key, { ok: true, weight: 5 }).model; // 10.0.0.1 weight 5
    const next = [
      vs('A', [
        rs('10.0.0.1', [tcp('10.0.0.1', 80), misc('/bin/check')]),
        rs('10.0.0.2', [tcp('10.0.0.2', 80)], 3),
        rs('10.0.0.3', [tcp('10.0.0.3', 80)]),
      ]),
    ];
    const st = reloadHealth(m, next);
    expect(st.events).toEqual([]);
    expect(desiredTable(st.model)).toEqual(
      new Map([
        ['A', [{ addr: '10.0.0.1', port: 80, weight: 5 }, { addr: '10.0.0.3', port: 80, weight: 1 }]],
      ]),
    );
    expect(st.model.checkers).toHaveLength(4);
  });

  it('reload re-evaluates quorum with the kept states', () => {
    let m = buildHealth([vs('Q', [rs('10.0.0.1', [tcp('10.0.0.1', 80)], 2), rs('10.0.0.2', [tcp('10.0.0.2', 80)], 2)])]);
    m = applyReport(m, m.checkers[0]!.key, { ok: false, edge: 'down' }).model; // W = 2, quorum 1: up
    const st = reloadHealth(m, [{ ...vs('Q', m.vss[0]!.cfg.realServers.slice()), quorum: 3 }]);
    expect(st.events).toEqual([{ t: 'quorum-down', vs: 'Q', aliveWeight: 2, quorum: 3, hysteresis: 0 }]);
  });
});
