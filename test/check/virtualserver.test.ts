import { describe, expect, it } from 'vitest';
import {
  aliveWeight,
  desiredDests,
  initVirtualServer,
  omegaShutdownEvents,
  onCheckerEdge,
  onWeight,
  rsIndexOf,
  type HealthEvent,
  type VsState,
} from '../../src/check/virtualserver.js';
import type { CheckerCfg, RealServerCfg, VirtualServerCfg } from '../../src/check/types.js';

const timing = { delayLoopMs: 1000, retry: 1, delayBeforeRetryMs: 1000, warmupMs: 0, alpha: false };
const tcpChk = (port: number, alpha = false): CheckerCfg => ({
  timing: { ...timing, alpha },
  probe: { kind: 'TCP_CHECK', connectIp: '10.0.0.1', connectPort: port, connectTimeoutMs: 1000 },
});
const rs = (last: number, weight = 1, extra: Partial<RealServerCfg> = {}): RealServerCfg => ({
  addr: `10.0.0.${last}`,
  port: 80,
  weight,
  inhibitOnFailure: false,
  checkers: [tcpChk(80)],
  ...extra,
});
const vsCfg = (extra: Partial<VirtualServerCfg> = {}): VirtualServerCfg => ({
  key: 'TCP 192.168.0.1:80',
  quorum: 1,
  hysteresis: 0,
  realServers: [rs(1), rs(2)],
  ...extra,
});

/** Applies a sequence of edges and collects every event. */
function drive(vs: VsState, steps: [rs: number, checker: number, edge: 'up' | 'down'][]): { vs: VsState; events: HealthEvent[] } {
  const events: HealthEvent[] = [];
  for (const [r, c, e] of steps) {
    const st = onCheckerEdge(vs, r, c, e);
    vs = st.vs;
    events.push(...st.events);
  }
  return { vs, events };
}

describe('real server aggregation', () => {
  it('starts with every non-alpha server in the pool at its weight', () => {
    const vs = initVirtualServer(vsCfg({ realServers: [rs(1, 3), rs(2, 5)] }));
    expect(vs.quorumUp).toBe(true);
    expect(desiredDests(vs)).toEqual([
      { addr: '10.0.0.1', port: 80, weight: 3 },
      { addr: '10.0.0.2', port: 80, weight: 5 },
    ]);
  });

  it('a server with several checkers is alive only while all of them are up', () => {
    const two = rs(1, 1, { checkers: [tcpChk(80), tcpChk(81)] });
    let vs = initVirtualServer(vsCfg({ realServers: [two, rs(2)] }));
    let st = drive(vs, [[0, 1, 'down']]);
    expect(st.events).toEqual([{ t: 'rs-down', vs: 'TCP 192.168.0.1:80', rs: '10.0.0.1:80' }]);
    st = drive(st.vs, [[0, 0, 'down']]); // second checker down: already down, no event
    expect(st.events).toEqual([]);
    st = drive(st.vs, [[0, 1, 'up']]);
    expect(st.events).toEqual([]); // checker 0 still down
    st = drive(st.vs, [[0, 0, 'up']]);
    expect(st.events).toEqual([{ t: 'rs-up', vs: 'TCP 192.168.0.1:80', rs: '10.0.0.1:80' }]);
    vs = st.vs;
    expect(desiredDests(vs).map((d) => d.addr)).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('a down server is removed; with inhibit_on_failure it stays at weight 0', () => {
    const vs = initVirtualServer(vsCfg({ realServers: [rs(1, 4), rs(2, 2, { inhibitOnFailure: true })] }));
    const st = drive(vs, [[0, 0, 'down'], [1, 0, 'down']]);
    expect(desiredDests(st.vs)).toEqual([{ addr: '10.0.0.2', port: 80, weight: 0 }]);
    const back = drive(st.vs, [[1, 0, 'up']]);
    expect(desiredDests(back.vs)).toEqual([{ addr: '10.0.0.2', port: 80, weight: 2 }]);
  });

  it('alpha: servers start out of the pool (inhibited ones at 0) and join on their first success', () => {
    const vs = initVirtualServer(
      vsCfg({ realServers: [rs(1, 1, { checkers: [tcpChk(80, true)] }), rs(2, 1, { checkers: [tcpChk(80, true)], inhibitOnFailure: true })] }),
    );
    expect(vs.quorumUp).toBe(false);
    expect(desiredDests(vs)).toEqual([{ addr: '10.0.0.2', port: 80, weight: 0 }]);
    const st = drive(vs, [[0, 0, 'up']]);
    expect(st.events.map((e) => e.t)).toEqual(['rs-up', 'quorum-up']);
  });

  it('a real server without checkers is always alive', () => {
    const vs = initVirtualServer(vsCfg({ realServers: [rs(1, 7, { checkers: [] })] }));
    expect(aliveWeight(vs)).toBe(7);
  });

  it('misc_dynamic weight changes the pushed weight and the quorum sum, alive or not', () => {
    let vs = initVirtualServer(vsCfg({ realServers: [rs(1, 10), rs(2, 10)] }));
    let st = onWeight(vs, 0, 3);
    expect(st.events).toEqual([{ t: 'rs-weight', vs: 'TCP 192.168.0.1:80', rs: '10.0.0.1:80', weight: 3, prev: 10, alive: true }]);
    vs = st.vs;
    expect(aliveWeight(vs)).toBe(13);
    expect(desiredDests(vs)[0]).toEqual({ addr: '10.0.0.1', port: 80, weight: 3 });
    expect(onWeight(vs, 0, 3).events).toEqual([]); // same weight: no event
    st = drive(vs, [[0, 0, 'down']]);
    st = { vs: onWeight(st.vs, 0, 8).vs, events: [] };
    expect(desiredDests(st.vs)).toEqual([{ addr: '10.0.0.2', port: 80, weight: 10 }]);
    st = drive(st.vs, [[0, 0, 'up']]);
    expect(desiredDests(st.vs)[0]).toEqual({ addr: '10.0.0.1', port: 80, weight: 8 });
  });

  it('rsIndexOf finds servers by address and port, IPv6 included', () => {
    const vs = initVirtualServer(vsCfg({ realServers: [rs(1), { ...rs(2), addr: 'fd00::2', port: 8080 }] }));
    expect(rsIndexOf(vs, 'fd00::2', 8080)).toBe(1);
    expect(vs.rs[1]!.key).toBe('[fd00::2]:8080');
    expect(rsIndexOf(vs, '10.0.0.9', 80)).toBe(-1);
  });
});

describe('quorum, hysteresis and sorry server', () => {
  // Five servers of weight 1, quorum 3, hysteresis 1: lose below 2, regain at 4.
  const five = vsCfg({ quorum: 3, hysteresis: 1, realServers: [1, 2, 3, 4, 5].map((i) => rs(i)) });

  it('loses quorum only when W < quorum − hysteresis and regains it only at W ≥ quorum + hysteresis', () => {
    const start = initVirtualServer(five);
    expect(start.quorumUp).toBe(true);
    let st = drive(start, [[0, 0, 'down'], [1, 0, 'down'], [2, 0, 'down']]); // W = 2: still up
    expect(st.vs.quorumUp).toBe(true);
    expect(st.events.filter((e) => e.t.startsWith('quorum'))).toEqual([]);
    st = drive(st.vs, [[3, 0, 'down']]); // W = 1 < 2
    expect(st.events).toEqual([
      { t: 'rs-down', vs: five.key, rs: '10.0.0.4:80' },
      { t: 'quorum-down', vs: five.key, aliveWeight: 1, quorum: 3, hysteresis: 1 },
    ]);
    st = drive(st.vs, [[0, 0, 'up'], [1, 0, 'up']]); // W = 3: not yet
    expect(st.vs.quorumUp).toBe(false);
    st = drive(st.vs, [[2, 0, 'up']]); // W = 4
    expect(st.events.at(-1)).toEqual({ t: 'quorum-up', vs: five.key, aliveWeight: 4, quorum: 3, hysteresis: 1 });
  });

  it('initial quorum state is W ≥ quorum + hysteresis', () => {
    expect(initVirtualServer({ ...five, quorum: 4, hysteresis: 1 }).quorumUp).toBe(true);
    expect(initVirtualServer({ ...five, quorum: 5, hysteresis: 1 }).quorumUp).toBe(false);
  });

  it('W = 0 always loses quorum (even with hysteresis ≥ quorum − 0)', () => {
    const cfg = vsCfg({ quorum: 1, hysteresis: 0, realServers: [rs(1)] });
    const st = drive(initVirtualServer(cfg), [[0, 0, 'down']]);
    expect(st.events.map((e) => e.t)).toEqual(['rs-down', 'quorum-down']);
  });

  it('sorry server replaces the pool when all real servers are down and leaves when one returns', () => {
    const cfg = vsCfg({ sorryServer: { addr: '10.0.9.9', port: 8080, weight: 1, inhibit: false } });
    let st = drive(initVirtualServer(cfg), [[0, 0, 'down']]);
    expect(desiredDests(st.vs)).toEqual([{ addr: '10.0.0.2', port: 80, weight: 1 }]);
    st = drive(st.vs, [[1, 0, 'down']]);
    expect(st.events.at(-1)?.t).toBe('quorum-down');
    expect(desiredDests(st.vs)).toEqual([{ addr: '10.0.9.9', port: 8080, weight: 1, sorry: true }]);
    st = drive(st.vs, [[1, 0, 'up']]);
    expect(st.events.map((e) => e.t)).toEqual(['rs-up', 'quorum-up']);
    expect(desiredDests(st.vs)).toEqual([{ addr: '10.0.0.2', port: 80, weight: 1 }]);
  });

  it('while quorum is lost with a sorry server, alive servers are withheld; sorry_server_inhibit keeps it at 0', () => {
    const cfg = vsCfg({
      quorum: 2,
      realServers: [rs(1), rs(2, 1, { inhibitOnFailure: true })],
      sorryServer: { addr: '10.0.9.9', port: 80, weight: 5, inhibit: true },
    });
    const vs = initVirtualServer(cfg);
    expect(desiredDests(vs)).toEqual([
      { addr: '10.0.0.1', port: 80, weight: 1 },
      { addr: '10.0.0.2', port: 80, weight: 1 },
      { addr: '10.0.9.9', port: 80, weight: 0, sorry: true },
    ]);
    const st = drive(vs, [[1, 0, 'down']]); // W = 1 < 2
    expect(st.vs.quorumUp).toBe(false);
    expect(desiredDests(st.vs)).toEqual([
      { addr: '10.0.0.2', port: 80, weight: 0 },
      { addr: '10.0.9.9', port: 80, weight: 5, sorry: true },
    ]);
  });

  it('quorum without a sorry server only reports; the pool stays as health says', () => {
    const st = drive(initVirtualServer(vsCfg({ quorum: 2 })), [[0, 0, 'down']]);
    expect(st.events.map((e) => e.t)).toEqual(['rs-down', 'quorum-down']);
    expect(desiredDests(st.vs)).toEqual([{ addr: '10.0.0.2', port: 80, weight: 1 }]);
  });

  it('omega shutdown reports every alive server down, then quorum down', () => {
    const st = drive(initVirtualServer(vsCfg()), [[0, 0, 'down']]);
    expect(omegaShutdownEvents(st.vs).map((e) => [e.t, 'rs' in e ? e.rs : ''])).toEqual([
      ['rs-down', '10.0.0.2:80'],
      ['quorum-down', ''],
    ]);
  });
});
